import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gelu, mish } from '../../../../src/nn/blocks/activations.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

// Reference values: Python math, gelu(x) = 0.5·x·(1 + erf(x/√2)), mish(x) = x·tanh(log1p(exp(x))).
const XS = [-3, -1, -0.5, 0, 0.5, 1, 2, 3];
const GELU = [
  -0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656, 0.8413447460685429,
  1.9544997361036416, 2.99595030590511,
];
const MISH = [
  -0.1456474612756246, -0.30340146137410895, -0.22074377465173, 0, 0.3752452113048951, 0.8650983882673103,
  1.9439589595339946, 2.9865350049679575,
];

describe('activations', () => {
  it('gelu is the exact erf form', async () => {
    const y = await gelu(tf.tensor1d(XS)).data();
    XS.forEach((_, i) => expect(y[i]).toBeCloseTo(GELU[i]!, 5));
    // The tanh approximation differs by 4.1e-4 at x = 3; make sure that is not what runs.
    const x = 3;
    const tanhApprox = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    expect(Math.abs(tanhApprox - GELU[7]!)).toBeGreaterThan(4e-4);
    expect(Math.abs(y[7]! - GELU[7]!)).toBeLessThan(2e-6);
  });

  it('mish known values', async () => {
    const y = await mish(tf.tensor1d(XS)).data();
    XS.forEach((_, i) => expect(y[i]).toBeCloseTo(MISH[i]!, 5));
  });

  it('mish stays finite and exact at the extremes (no overflow of the closed form)', async () => {
    const xs = [-200, -30, -10, 19.9, 20, 21, 50, 1e4];
    const y = await mish(tf.tensor1d(xs)).data();
    const ref = xs.map((z) => z * Math.tanh(Math.log1p(Math.exp(z))));
    xs.forEach((z, i) => {
      expect(Number.isFinite(y[i]!)).toBe(true);
      expect(Math.abs(y[i]! - ref[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(z)));
    });
    const g = await tf
      .grad((v: tf.Tensor) => tf.sum(mish(v)))(tf.tensor1d([-200, 21, 1e4]))
      .data();
    expect(Array.from(g).map((v) => Math.abs(Math.round(v * 1e6) / 1e6))).toEqual([0, 1, 1]);
  });

  it('gradients are finite and match d/dx of the closed forms', async () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    const dg = await tf
      .grad((v: tf.Tensor) => tf.sum(gelu(v)))(x)
      .data();
    const dm = await tf
      .grad((v: tf.Tensor) => tf.sum(mish(v)))(x)
      .data();
    const phi = (z: number) => Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
    const geluD = (z: number) => 0.5 * (1 + erfApprox(z / Math.SQRT2)) + z * phi(z);
    const mishD = (z: number) => {
      const sp = Math.log1p(Math.exp(z));
      const t = Math.tanh(sp);
      return t + (z * (1 - t * t)) / (1 + Math.exp(-z));
    };
    [-1, 0.5, 2].forEach((z, i) => {
      expect(dg[i]).toBeCloseTo(geluD(z), 4);
      expect(dm[i]).toBeCloseTo(mishD(z), 4);
    });
  });
});

/** erf by its Maclaurin series (float64; converges fast for the |u| < 2 used here). */
function erfApprox(u: number): number {
  let sum = 0;
  let term = u;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-u * u) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
