import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import { batchedMatMul, linear, opsOptions, slice2d, type OpsOptions } from '../../../../src/nn/ops/index.ts';
import { maxAbsDiff, useWasm } from '../helpers.ts';

beforeAll(useWasm);

const rand = (shape: number[], seed: number): tf.Tensor => {
  const r = Rng.fromSeed(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()),
    shape,
  );
};

/** Value and gradients (w.r.t. both operands) of sum(f(a, b) · probe) under a strategy. */
async function valueAndGrads(
  strategy: 'native' | 'untransposed',
  f: (a: tf.Tensor, b: tf.Tensor, ops: OpsOptions) => tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
): Promise<Float32Array[]> {
  const ops = opsOptions({ matmul: strategy });
  const probe = tf.tidy(() => rand(f(a, b, ops).shape, 7));
  const y = tf.tidy(() => f(a, b, ops));
  const [ga, gb] = tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(f(x, z, ops), probe)))([a, b]);
  const out = [await y.data(), await ga!.data(), await gb!.data()] as Float32Array[];
  tf.dispose([probe, y, ga!, gb!]);
  return out;
}

describe('wasm-friendly products equal the native ones (values and gradients)', () => {
  it.each([
    [
      'linear 2-D',
      (a: tf.Tensor, b: tf.Tensor, ops: OpsOptions) => linear(a as tf.Tensor2D, b as tf.Tensor2D, ops),
      [5, 3],
      [3, 4],
    ],
    [
      'batched rank 3',
      (a: tf.Tensor, b: tf.Tensor, ops: OpsOptions) => batchedMatMul(a as tf.Tensor3D, b as tf.Tensor3D, false, ops),
      [3, 5, 2],
      [3, 2, 4],
    ],
    [
      'batched rank 3, b transposed',
      (a: tf.Tensor, b: tf.Tensor, ops: OpsOptions) => batchedMatMul(a as tf.Tensor3D, b as tf.Tensor3D, true, ops),
      [3, 5, 2],
      [3, 4, 2],
    ],
    [
      'batched rank 4, b transposed',
      (a: tf.Tensor, b: tf.Tensor, ops: OpsOptions) => batchedMatMul(a as tf.Tensor4D, b as tf.Tensor4D, true, ops),
      [2, 3, 5, 2],
      [2, 3, 6, 2],
    ],
  ] as const)('%s', async (_name, f, sa, sb) => {
    const a = rand([...sa], 1);
    const b = rand([...sb], 2);
    const before = tf.memory().numTensors;
    const native = await valueAndGrads('native', f, a, b);
    const friendly = await valueAndGrads('untransposed', f, a, b);
    expect(tf.memory().numTensors).toBe(before);
    native.forEach((x, i) => {
      expect(friendly[i]!.length).toBe(x.length);
      expect(maxAbsDiff(x, friendly[i]!)).toBeLessThan(1e-5);
    });
    // And the native result is the true product (spot check of one entry by hand).
    const av = await a.data();
    const bv = await b.data();
    if (sa.length === 2) {
      expect(native[0]![0]).toBeCloseTo(av[0]! * bv[0]! + av[1]! * bv[4]! + av[2]! * bv[8]!, 5);
    }
    tf.dispose([a, b]);
  });
});

describe('slice2d (the wasm heap-copy kernel behind the sliced products)', () => {
  it('returns exactly slice g for every g, also after the heap has grown, and leaks nothing', async () => {
    const x = rand([5, 7, 3], 3) as tf.Tensor3D;
    const xv = await x.data();
    const before = tf.memory().numTensors;
    for (let g = 0; g < 5; g++) {
      // A large allocation in between may grow the wasm memory and replace the heap's buffer.
      const big = g === 2 ? tf.zeros([(64 * 1024 * 1024) / 4]) : null;
      const s = slice2d(x, g);
      expect(s.shape).toEqual([7, 3]);
      expect(Array.from(await s.data())).toEqual(Array.from(xv.subarray(g * 21, (g + 1) * 21)));
      tf.dispose([s, ...(big ? [big] : [])]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('falls back to gather for other dtypes', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const s = slice2d(x, 1);
    expect(s.dtype).toBe('int32');
    expect(Array.from(await s.data())).toEqual([5, 6, 7, 8]);
    tf.dispose([x, s]);
  });
});
