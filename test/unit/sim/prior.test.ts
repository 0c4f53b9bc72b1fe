import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/shared/rng.ts';
import { stateFromRng } from '../../../src/shared/ziggurat.ts';
import { NOTEBOOK_CONFIG, drawPrior, truncatedNormalAtZero, validateDmcConfig } from '../../../src/sim/index.ts';
import { ksStatistic, normSf, truncatedMean } from './helpers.ts';

function draws(mean: number, sd: number, n: number, seed: number): Float64Array {
  const st = stateFromRng(Rng.fromSeed(seed));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = truncatedNormalAtZero(st, mean, sd);
  return out;
}

describe('truncatedNormalAtZero', () => {
  // α = −m/s spans both samplers: normal rejection (α < 0.5) and Robert's exponential rejection (α ≥ 0.5)
  it.each([
    [70.8, 19.42],
    [0.3, 1],
    [0, 1],
    [-0.5, 1],
    [-3, 1],
    [-20, 2],
  ])('N(%f, %f²) | ≥ 0: never negative, right mean, KS against the truncated CDF', (m, s) => {
    const n = 40_000;
    const x = draws(m, s, n, 11);
    let sum = 0;
    let negative = 0;
    for (const v of x) {
      if (v < 0) negative++;
      sum += v;
    }
    expect(negative).toBe(0);
    const mu = truncatedMean(m, s);
    // sd of a truncated normal ≤ s; a 5-sigma bound on the sample mean
    expect(Math.abs(sum / n - mu)).toBeLessThan((5 * s) / Math.sqrt(n));
    const q0 = normSf(-m / s);
    const cdf = (v: number): number => (q0 - normSf((v - m) / s)) / q0; // tail form: exact relative accuracy for large α
    expect(ksStatistic(x, cdf)).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('sd 0 is a point mass at the mean', () => {
    expect(draws(5, 0, 3, 1)).toEqual(new Float64Array([5, 5, 5]));
  });
});

describe('drawPrior', () => {
  it('maps the prior positionally and writes the inference-order columns', () => {
    const c = validateDmcConfig({ ...NOTEBOOK_CONFIG, priorSds: [0, 0, 0, 0, 0, 0], priorMeans: [1, 2, 3, 4, 5, 6] });
    const out = new Float64Array(6);
    const p = drawPrior(c, stateFromRng(Rng.fromSeed(1)), out);
    expect(p).toEqual({ A: 1, tau: 2, mu_c: 3, mu_r: 4, b: 5, sd_r: 6 });
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('sdrFixed: sd_r = 0 whatever its value, the 6th prior is neither drawn nor written', () => {
    const six = validateDmcConfig({ ...NOTEBOOK_CONFIG, sdrFixed: 12.5 });
    const five = validateDmcConfig({
      ...NOTEBOOK_CONFIG,
      sdrFixed: 0,
      paramNames: ['A', 'tau', 'mu_c', 'mu_r', 'b'],
      priorMeans: NOTEBOOK_CONFIG.priorMeans.slice(0, 5),
      priorSds: NOTEBOOK_CONFIG.priorSds.slice(0, 5),
    });
    const a = new Float64Array(6).fill(-7);
    const b = new Float64Array(6).fill(-7);
    const sa = stateFromRng(Rng.fromSeed(3));
    const sb = stateFromRng(Rng.fromSeed(3));
    const pa = drawPrior(six, sa, a);
    const pb = drawPrior(five, sb, b);
    expect(pa.sd_r).toBe(0);
    expect(pb).toEqual(pa);
    expect(a[5]).toBe(-7);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(sa)).toEqual(Array.from(sb)); // same number of draws consumed
  });
});
