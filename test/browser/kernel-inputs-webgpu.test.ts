/**
 * The webgpu half of test/unit/nn/kernels/signatures.inputs.test.ts: a wrong-shape call of each of this project's
 * webgpu kernels (SwiftShader here) gets the very message the cpu and wasm kernels give, because all
 * read and check the call through the kernel's one signature.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { KERNELS, registerKernels } from '../../src/nn/kernels/index.ts';
import { callWrongly, WRONG_CALLS } from '../unit/nn/kernels/kernel-input-cases.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

it('every webgpu kernel refuses a wrong-shape call with the message of every backend', () => {
  const names = KERNELS.filter((k) => k.config.backendName === 'webgpu').map((k) => k.config.kernelName);
  expect(names.length).toBeGreaterThan(10);
  const cases = WRONG_CALLS.filter((c) => names.includes(c.kernel));
  expect(names.filter((n) => !cases.some((c) => c.kernel === n))).toEqual([]);
  expect(cases.map((c) => [c.kernel, callWrongly(c)])).toEqual(cases.map((c) => [c.kernel, c.error]));
});

it('refuses a dtype the webgpu kernel does not compute, naming the backend', () => {
  const ints = tf.zeros([2, 3], 'int32');
  expect(() =>
    tf.engine().runKernel('DmcDropout', { x: ints }, { rate: 0.1, key0: 1, key1: 2, site: 0, rowOffset: 0 }),
  ).toThrow('DmcDropout: the webgpu kernel computes float32, got int32');
  ints.dispose();
});
