/**
 * Every backend reads and checks a kernel's call through the kernel's one signature
 * (src/nn/kernels/signatures.ts via defineKernel): a wrong-shape call gets the same message on cpu and
 * wasm here, and on webgpu in test/browser/kernel-inputs-webgpu.test.ts; a dtype the backend's kernel
 * does not compute, a missing input and an attribute of the wrong type are refused in plain words.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNELS, registerKernels } from '../../../../src/nn/kernels/index.ts';
import { useWasm } from '../helpers.ts';
import { callWrongly, WRONG_CALLS } from './kernel-input-cases.ts';

beforeAll(async () => {
  registerKernels();
  await useWasm();
});
afterAll(useWasm);

const ours = (backend: string): string[] =>
  KERNELS.filter((k) => k.config.backendName === backend && k.config.kernelName.startsWith('Dmc')).map(
    (k) => k.config.kernelName,
  );

describe.each(['cpu', 'wasm'] as const)('kernel inputs on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('every kernel of the backend has a wrong call among the cases', () => {
    const covered = new Set(WRONG_CALLS.map((c) => c.kernel));
    expect(ours(backend).length).toBeGreaterThan(3);
    expect(ours(backend).filter((k) => !covered.has(k))).toEqual([]);
  });

  it("a wrong-shape call gets the signature's message, as on every backend", () => {
    const names = new Set(ours(backend));
    const got = WRONG_CALLS.filter((c) => names.has(c.kernel)).map((c) => [c.kernel, callWrongly(c)]);
    expect(got).toEqual(WRONG_CALLS.filter((c) => names.has(c.kernel)).map((c) => [c.kernel, c.error]));
  });

  it('refuses a missing input, an attribute of the wrong type and a dtype the kernel does not compute', () => {
    const x = tf.zeros([2, 3, 4]);
    const ints = tf.zeros([2, 3], 'int32');
    expect(() =>
      tf.engine().runKernel('DmcDropout', {}, { rate: 0.1, key0: 1, key1: 2, site: 0, rowOffset: 0 }),
    ).toThrow("DmcDropout: input 'x' is missing");
    expect(() => tf.engine().runKernel('DmcTakeSlice', { x }, { index: 0.5 })).toThrow(
      "DmcTakeSlice: attribute 'index' must be an integer, got 0.5",
    );
    expect(() =>
      tf.engine().runKernel('DmcDropout', { x: ints }, { rate: 0.1, key0: 1, key1: 2, site: 0, rowOffset: 0 }),
    ).toThrow(`DmcDropout: the ${backend} kernel computes float32, got int32`);
    tf.dispose([x, ints]);
  });
});
