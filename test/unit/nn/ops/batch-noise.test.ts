/**
 * The flow-matching noise kernel (`BatchNoise`): its reference has the distribution it claims, keeps a
 * data set's noise wherever the set sits in a micro-batch, and the cpu and wasm kernels give its exact
 * values through the `batchNoise` op.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNoiseReference, type BatchNoiseAttrs } from '../../../../src/nn/kernels/index.ts';
import { batchNoise } from '../../../../src/nn/ops/index.ts';
import { selectBackend } from '../../../../src/nn/index.ts';
import { useWasm } from '../helpers.ts';

const attrs = (rows: number, dim: number, part: 0 | 1, rowOffset = 0, key0 = 17, key1 = 3): BatchNoiseAttrs => ({
  rows,
  dim,
  part,
  key0,
  key1,
  rowOffset,
});

function moments(x: Float32Array): { mean: number; variance: number } {
  let s = 0;
  for (const v of x) s += v;
  const mean = s / x.length;
  let q = 0;
  for (const v of x) q += (v - mean) ** 2;
  return { mean, variance: q / x.length };
}

describe('BatchNoise reference', () => {
  it('x0 is standard normal: moments, tails and uncorrelated Box–Muller pairs', () => {
    const rows = 20000;
    const x0 = batchNoiseReference(attrs(rows, 6, 0));
    const { mean, variance } = moments(x0);
    // 120,000 draws: the mean's SE is 0.0029, the variance's 0.0041.
    expect(Math.abs(mean)).toBeLessThan(0.012);
    expect(Math.abs(variance - 1)).toBeLessThan(0.017);
    const beyond2 = x0.filter((v) => Math.abs(v) > 2).length / x0.length;
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.004);
    let cross = 0;
    for (let r = 0; r < rows; r++) cross += x0[6 * r]! * x0[6 * r + 1]!;
    expect(Math.abs(cross / rows)).toBeLessThan(0.03);
  });

  it('t is uniform on [0, 1)', () => {
    const t = batchNoiseReference(attrs(20000, 6, 1));
    expect(Math.min(...t)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t)).toBeLessThan(1);
    const { mean, variance } = moments(t);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.007);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.003);
  });

  it('a row keeps its noise at any offset; keys, steps and odd widths give other values', () => {
    const whole = batchNoiseReference(attrs(8, 5, 0));
    expect(batchNoiseReference(attrs(3, 5, 0, 2))).toEqual(whole.subarray(10, 25));
    expect(batchNoiseReference(attrs(3, 5, 1, 2))).toEqual(batchNoiseReference(attrs(8, 5, 1)).subarray(2, 5));
    expect(batchNoiseReference(attrs(8, 5, 0, 0, 18))).not.toEqual(whole);
    expect(batchNoiseReference(attrs(8, 5, 0, 0, 17, 4))).not.toEqual(whole);
    // Width 5 uses the first five values of width 6 (pairs are drawn whole), and t moves to word 6 either way.
    const six = batchNoiseReference(attrs(8, 6, 0));
    for (let r = 0; r < 8; r++) expect(whole.subarray(5 * r, 5 * r + 5)).toEqual(six.subarray(6 * r, 6 * r + 5));
    expect(batchNoiseReference(attrs(8, 5, 1))).toEqual(batchNoiseReference(attrs(8, 6, 1)));
  });

  it('rejects a bad shape or part with its value', () => {
    expect(() => batchNoiseReference(attrs(2, 0, 0))).toThrow(/dim a positive integer, got 2 and 0/);
    expect(() => batchNoiseReference({ ...attrs(2, 3, 0), part: 2 as 0 })).toThrow(
      /part must be 0 \(x0\) or 1 \(t\), got 2/,
    );
  });
});

describe.each(['cpu', 'wasm'] as const)('batchNoise op on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'wasm') await useWasm();
    else await selectBackend('cpu', { strict: true });
  });

  it('returns the reference values exactly, with no tensor left behind', async () => {
    const before = tf.memory().numTensors;
    const { x0, t } = batchNoise(4, 6, { key0: 17, key1: 3 }, 2);
    expect(x0.shape).toEqual([4, 6]);
    expect(t.shape).toEqual([4, 1]);
    expect(await x0.data()).toEqual(batchNoiseReference(attrs(4, 6, 0, 2)));
    expect(await t.data()).toEqual(batchNoiseReference(attrs(4, 6, 1, 2)));
    tf.dispose([x0, t]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
