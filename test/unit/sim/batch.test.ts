import { describe, expect, it } from 'vitest';
import {
  NOTEBOOK_CONFIG,
  drawNumObs,
  simulateBatch,
  simulateRange,
  summarizeDataset,
  type DmcConfig,
} from '../../../src/sim/index.ts';
import { sameBits } from './helpers.ts';

const FIVE: DmcConfig = {
  ...NOTEBOOK_CONFIG,
  paramNames: ['A', 'tau', 'mu_c', 'mu_r', 'b'],
  priorMeans: [17.16, 152.76, 0.56, 297.49, 92.6],
  priorSds: [7.59, 36.26, 0.13, 21.49, 17.72],
  sdrFixed: 0,
};

describe('simulateBatch: layout', () => {
  it('has the documented shapes and dtypes (6 parameters, sd_r estimated)', () => {
    const b = simulateBatch(NOTEBOOK_CONFIG, 1, 7);
    expect(b.n).toBe(7);
    expect(b.numObs).toBe(500);
    expect(b.paramNames).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
    expect(b.params).toBeInstanceOf(Float64Array);
    expect(b.params.length).toBe(7 * 6);
    for (const a of [b.rt, b.accuracy, b.conditions]) {
      expect(a).toBeInstanceOf(Float32Array);
      expect(a.length).toBe(7 * 500);
    }
    expect(b.accuracy.every((a) => a === 0 || a === 1 || a === -1)).toBe(true);
    expect(b.conditions.every((c) => c === 0 || c === 1)).toBe(true);
    expect(b.rt.every((r) => r === -1 || (Number.isFinite(r) && r !== 0))).toBe(true);
  });

  it('orders conditions: ceil(N/2) congruent (0) first, then incongruent (1); odd N has one more congruent', () => {
    const b = simulateBatch({ ...NOTEBOOK_CONFIG, fixedNumObs: 7 }, 2, 3);
    for (let d = 0; d < 3; d++)
      expect(Array.from(b.conditions.subarray(d * 7, d * 7 + 7))).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it('sdr_fixed: 5 columns A, tau, mu_c, mu_r, b and a constant non-decision time mu_r', () => {
    const b = simulateBatch(FIVE, 3, 20);
    expect(b.paramNames).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b']);
    expect(b.params.length).toBe(20 * 5);
    let worst = 0;
    for (let d = 0; d < 20; d++) {
      const muR = b.params[d * 5 + 3]!;
      for (let k = 0; k < 500; k++) {
        const r = b.rt[d * 500 + k]!;
        if (r === -1) continue;
        const step = r * 1000 - muR;
        worst = Math.max(worst, Math.abs(step - Math.round(step)));
      }
    }
    expect(worst).toBeLessThan(2e-3);
  });

  it('never draws a negative parameter, also under priors with heavy truncation', () => {
    const heavy: DmcConfig = {
      ...NOTEBOOK_CONFIG,
      priorMeans: [2, 5, 0.05, 10, 3, 1],
      priorSds: [10, 20, 0.5, 50, 20, 10],
      fixedNumObs: 10,
    };
    for (const c of [NOTEBOOK_CONFIG, heavy]) {
      const b = simulateBatch({ ...c, fixedNumObs: 10 }, 4, 3000);
      expect(b.params.every((v) => v >= 0)).toBe(true);
    }
  });

  it('rt = −1 exactly when accuracy = −1', () => {
    const b = simulateBatch({ ...NOTEBOOK_CONFIG, tmax: 200, fixedNumObs: 200 }, 5, 50);
    let timeouts = 0;
    for (let i = 0; i < b.rt.length; i++) {
      if ((b.rt[i] === -1) !== (b.accuracy[i] === -1))
        throw new Error(`trial ${i}: rt ${b.rt[i]}, accuracy ${b.accuracy[i]}`);
      if (b.accuracy[i] === -1) timeouts++;
    }
    expect(timeouts).toBeGreaterThan(0);
    expect(summarizeDataset(b, 0).congruent.timeouts + summarizeDataset(b, 0).incongruent.timeouts).toBe(
      Array.from(b.accuracy.subarray(0, 200)).filter((a) => a === -1).length,
    );
  });
});

describe('simulateBatch: num_obs', () => {
  const ranged: DmcConfig = { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 50, maxNumObs: 60 };

  it('is drawn once per batch from U{min..max}, inclusive, shared by every data set', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 400; seed++) seen.add(drawNumObs(ranged, seed));
    expect([...seen].sort((a, b) => a - b)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
    const b = simulateBatch(ranged, 9, 4);
    expect(b.numObs).toBe(drawNumObs(ranged, 9));
    expect(b.rt.length).toBe(4 * b.numObs);
  });

  it('fixedNumObs wins over the range', () => {
    expect(drawNumObs({ ...ranged, fixedNumObs: 123 }, 1)).toBe(123);
  });

  it('comes from its own stream: the parameters of data set i do not depend on it', () => {
    const a = simulateRange(NOTEBOOK_CONFIG, 3, 0, 5, 40);
    const b = simulateRange(NOTEBOOK_CONFIG, 3, 0, 5, 90);
    expect(sameBits(a.params, b.params)).toBe(true);
  });
});

describe('simulateBatch: determinism', () => {
  const config: DmcConfig = { ...NOTEBOOK_CONFIG, fixedNumObs: 100, contamination: 0.05 };
  const whole = simulateBatch(config, 77, 23);

  it('the same seed gives bit-identical batches; another seed does not', () => {
    const again = simulateBatch(config, 77, 23);
    for (const k of ['params', 'rt', 'accuracy', 'conditions'] as const)
      expect(sameBits(again[k], whole[k])).toBe(true);
    expect(sameBits(simulateBatch(config, 78, 23).rt, whole.rt)).toBe(false);
  });

  it.each([1, 4, 7, 23])('any chunking (chunk size %i) reproduces the batch bit for bit', (size) => {
    const rt = new Float32Array(whole.rt.length);
    const params = new Float64Array(whole.params.length);
    for (let s = 0; s < 23; s += size) {
      const part = simulateRange(config, 77, s, Math.min(size, 23 - s), whole.numObs);
      rt.set(part.rt, s * 100);
      params.set(part.params, s * 6);
    }
    expect(sameBits(rt, whole.rt)).toBe(true);
    expect(sameBits(params, whole.params)).toBe(true);
  });

  it('a prefix batch equals the first data sets of a longer batch', () => {
    const short = simulateBatch(config, 77, 5);
    expect(sameBits(short.rt, whole.rt.subarray(0, 500))).toBe(true);
  });
});
