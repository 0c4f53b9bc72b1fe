/**
 * In Node, tfjs-backend-wasm loads no threaded build (tfjs issue 3830): the wasm backend reports tfjs's
 * own count, 1, and says why, in the choice and in the probe.
 */
import { expect, it } from 'vitest';
import { probeBackends, selectBackend, wasmThreads } from '../../../../src/nn/index.ts';

it("reports tfjs's thread count for wasm in Node, with the reason", async () => {
  const choice = await selectBackend('wasm', { strict: true });
  expect(choice.threads).toEqual({ count: 1, reason: 'tfjs-backend-wasm uses no threads in Node' });
  expect(wasmThreads()).toEqual(choice.threads);
  const wasm = (await probeBackends()).find((p) => p.backend === 'wasm');
  expect(wasm?.threads?.count).toBe(1);
  const cpu = await selectBackend('cpu', { strict: true });
  expect(cpu.threads).toBeUndefined();
});
