import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import { computeFans, initialValues } from '../../../../src/nn/model/init.ts';
import { Approximator, defaultNetworkConfig } from '../../../../src/nn/index.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

function moments(x: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    s += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return { mean, variance: ss / (x.length - 1), min, max };
}

describe('initialisers (Keras formulas)', () => {
  it('Keras compute_fans, incl. the 3-D attention kernels', () => {
    expect(computeFans([30, 256])).toEqual({ fanIn: 30, fanOut: 256 });
    expect(computeFans([64, 4, 64])).toEqual({ fanIn: 256, fanOut: 4096 });
    expect(computeFans([4, 64, 64])).toEqual({ fanIn: 256, fanOut: 256 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
  });

  it('glorot_uniform: U(±sqrt(6/(in+out))), variance 2/(in+out)', () => {
    const x = initialValues('glorot_uniform', 200 * 300, [200, 300], Rng.fromSeed(1));
    const m = moments(x);
    const limit = Math.sqrt(6 / 500);
    expect(m.max).toBeLessThanOrEqual(limit);
    expect(m.min).toBeGreaterThanOrEqual(-limit);
    expect(m.variance).toBeCloseTo(2 / 500, 4);
    expect(Math.abs(m.mean)).toBeLessThan(3e-4);
  });

  it('he_normal and lecun_normal: truncated at 2σ, variance scale/fan_in', () => {
    for (const [init, scale] of [
      ['he_normal', 2],
      ['lecun_normal', 1],
    ] as const) {
      const x = initialValues(init, 256 * 256, [256, 256], Rng.fromSeed(2));
      const m = moments(x);
      const sd = Math.sqrt(scale / 256) / 0.87962566103423978;
      expect(m.max).toBeLessThanOrEqual(2 * sd);
      expect(m.min).toBeGreaterThanOrEqual(-2 * sd);
      expect(m.variance / (scale / 256)).toBeGreaterThan(0.98);
      expect(m.variance / (scale / 256)).toBeLessThan(1.02);
    }
  });

  it('zeros and ones', () => {
    expect([...initialValues('zeros', 3, [3], Rng.fromSeed(1))]).toEqual([0, 0, 0]);
    expect([...initialValues('ones', 2, [2], Rng.fromSeed(1))]).toEqual([1, 1]);
  });

  it("an approximator's weights are a pure function of (config, seed)", async () => {
    const before = tf.memory().numTensors;
    const config = defaultNetworkConfig({
      embedDim: 8,
      numHeads: 2,
      mlpWidths: [8],
      flowWidths: [16, 16],
      summaryDim: 4,
    });
    const a = new Approximator(config, { seed: 7 });
    const b = new Approximator(config, { seed: 7 });
    const c = new Approximator(config, { seed: 8 });
    const [wa, wb, wc] = await Promise.all([a.getWeights(), b.getWeights(), c.getWeights()]);
    expect(wa.map((w) => w.name)).toEqual(wb.map((w) => w.name));
    wa.forEach((w, i) => expect(w.data).toEqual(wb[i]!.data));
    const kernel = wa.findIndex((w) => w.name === 'summary/sab_0/mab/mha/query/kernel');
    expect(kernel).toBeGreaterThanOrEqual(0);
    expect(wa[kernel]!.data).not.toEqual(wc[kernel]!.data);
    // Biases and layer-norm offsets start at 0, scales at 1.
    for (const w of wa) {
      if (w.name.endsWith('/bias') || w.name.endsWith('/beta')) expect(w.data.every((v) => v === 0)).toBe(true);
      if (w.name.endsWith('/gamma')) expect(w.data.every((v) => v === 1)).toBe(true);
    }
    for (const x of [a, b, c]) x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
