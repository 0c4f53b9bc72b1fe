// StepProfiler on a backend without a GPU: kernel records agree with tf.profile's, the project's Rng
// words and Math.random calls are counted exactly, and everything it wrapped is restored afterwards.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, StepProfiler } from '../../../../src/nn/index.ts';
import { Rng } from '../../../../src/shared/index.ts';

beforeAll(async () => {
  await selectBackend('cpu', { strict: true });
});

function work(): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.reshape(tf.transpose(a), [3, 2]);
    return tf.sum(tf.matMul(a, b));
  });
}

describe('StepProfiler', () => {
  it('counts kernel records as tf.profile does, and names them', async () => {
    const reference = await tf.profile(() => work());
    tf.dispose(reference.result as tf.Tensor);
    const p = StepProfiler.begin();
    const out = work();
    const r = await p.end();
    out.dispose();
    expect(r.kernelRecordsPerStep).toBe(reference.kernels.length);
    expect(r.dispatchesPerStep).toBe(r.kernelRecordsPerStep);
    expect(r.dispatchesCountedAs).toMatch(/kernel records/);
    expect(r.uploadBytesPerStep).toBe(0);
    expect(r.topKernels.map((k) => k.name).sort()).toEqual([...new Set(reference.kernels.map((k) => k.name))].sort());
    expect(r.peakBytes).toBeGreaterThanOrEqual(reference.peakBytes);
  });

  it('counts JS random words exactly and restores Math.random, Rng and the engine', async () => {
    const before = {
      random: Math.random,
      next: Rng.prototype.nextU32,
      run: (tf.engine() as unknown as { runKernelFunc: unknown }).runKernelFunc,
    };
    const p = StepProfiler.begin();
    const rng = Rng.stream(1, 2);
    for (let i = 0; i < 10; i++) rng.float(); // two words each
    rng.nextU32();
    Math.random();
    Math.random();
    const r = await p.end();
    expect(r.jsRandom).toEqual({ rngWords: 21, mathRandom: 2 });
    expect(r.jsRandomPerStep).toBe(23);
    expect(Math.random).toBe(before.random);
    expect(Rng.prototype.nextU32).toBe(before.next);
    expect(Object.prototype.hasOwnProperty.call(Rng.prototype, 'nextU32')).toBe(true);
    expect((tf.engine() as unknown as { runKernelFunc: unknown }).runKernelFunc).toBe(before.run);
    expect(Object.prototype.hasOwnProperty.call(tf.engine(), 'runKernelFunc')).toBe(false);
  });

  it('refuses compile-only mode off webgpu', () => {
    expect(() => StepProfiler.begin({ compileOnly: true })).toThrow(/compile-only mode needs the webgpu backend/);
  });
});
