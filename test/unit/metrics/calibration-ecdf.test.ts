/**
 * The calibration ECDF's own properties (parity with BayesFlow is calibration-ecdf.parity.test.ts): the
 * simultaneous band holds 95 % of uniform ECDFs at once, is reproducible from its seed, and the rank ECDF
 * of a well-calibrated posterior stays near 0 while a biased one leaves the band.
 */
import { describe, expect, it } from 'vitest';
import { fractionalRanks, rankEcdf, simultaneousEcdfBands } from '../../../src/metrics/calibration-ecdf.ts';
import { MetricsError } from '../../../src/metrics/index.ts';
import { Rng } from '../../../src/shared/index.ts';

/** Whether the ECDF of `sample` lies within [lower, upper] at every grid point z in [from, to]. */
function inside(
  sample: Float64Array,
  z: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  from = 0,
  to = 1,
): boolean {
  const sorted = Float64Array.from(sample).sort();
  let c = 0;
  for (let k = 0; k < z.length; k++) {
    while (c < sorted.length && sorted[c]! <= z[k]!) c++;
    const f = c / sorted.length;
    if (z[k]! >= from && z[k]! <= to && (f < lower[k]! || f > upper[k]!)) return false;
  }
  return true;
}

describe('simultaneousEcdfBands', () => {
  it('holds the whole ECDF of a uniform sample with the nominal probability (Monte Carlo, 2000 samples)', () => {
    const N = 80;
    for (const confidence of [0.95, 0.8]) {
      const band = simultaneousEcdfBands(N, { confidence, seed: 4 });
      const rng = Rng.fromSeed(123);
      let hits = 0;
      const T = 2000;
      for (let t = 0; t < T; t++) {
        const u = new Float64Array(N).map(() => rng.float());
        if (inside(u, band.z, band.lower, band.upper)) hits++;
      }
      // Binomial SE at 2000 samples is ≤ 0.009; γ itself carries the band's own simulation error,
      // and the discrete band can only over-cover: accept [confidence − 0.03, confidence + 0.04].
      expect(hits / T).toBeGreaterThan(confidence - 0.03);
      expect(hits / T).toBeLessThan(confidence + 0.04);
    }
  });

  it('is reproducible from its seed, and the grid and band have BayesFlow shapes', () => {
    const a = simultaneousEcdfBands(50, { seed: 9 });
    const b = simultaneousEcdfBands(50, { seed: 9 });
    expect(Array.from(a.lower)).toEqual(Array.from(b.lower));
    expect(a.gamma).toBe(b.gamma);
    expect(a.z.length).toBe(50);
    expect(a.z[0]).toBe(1e-5);
    expect(a.z[49]).toBe(1 - 1e-5);
    expect(a.alpha).toBeCloseTo(0.05, 15);
    for (let k = 0; k < 50; k++) {
      expect(a.lower[k]!).toBeLessThanOrEqual(a.upper[k]!);
      if (k > 0) expect(a.lower[k]!).toBeGreaterThanOrEqual(a.lower[k - 1]!);
    }
    expect(a.lower[25]!).toBeLessThan(0.5);
    expect(a.upper[25]!).toBeGreaterThan(0.5);
    // K is capped by maxNumPoints (BayesFlow: 1000).
    expect(simultaneousEcdfBands(30, { maxNumPoints: 10, numSimulations: 50 }).z.length).toBe(10);
  });

  it('computes N = 1000 validation sets with M = 1000 simulations in well under a few seconds', () => {
    const t0 = performance.now();
    const band = simultaneousEcdfBands(1000, { seed: 2 });
    const ms = performance.now() - t0;
    expect(band.z.length).toBe(1000);
    expect(ms).toBeLessThan(5000);
  });

  it('refuses a bad sample size or uniforms of the wrong length with a plain message', () => {
    expect(() => simultaneousEcdfBands(0)).toThrow(MetricsError);
    expect(() => simultaneousEcdfBands(10, { numSimulations: 2, uniforms: [0.5] })).toThrow(/expected M·N = 2·10/);
  });
});

describe('fractionalRanks and rankEcdf', () => {
  const n = 200;
  const S = 100;
  function ranksOf(bias: number): Float64Array {
    const rng = Rng.fromSeed(5);
    const draws = new Float64Array(n * S);
    const truths = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // θ ~ N(0, 1), x ~ N(θ, 1): the exact posterior is N(x/2, 1/2), calibrated when bias = 0.
      truths[i] = rng.normal();
      const x = truths[i]! + rng.normal();
      for (let s = 0; s < S; s++) draws[i * S + s] = x / 2 + bias + Math.SQRT1_2 * rng.normal();
    }
    return fractionalRanks(draws, truths, n, S, 1);
  }

  it('counts the draws strictly below the truth', () => {
    // One data set, three draws of two parameters: (1, 2), (3, 2), (0, 5); truths (2, 2).
    const r = fractionalRanks(new Float64Array([1, 2, 3, 2, 0, 5]), new Float64Array([2, 2]), 1, 3, 2);
    expect(Array.from(r)).toEqual([2 / 3, 0]);
  });

  it('a calibrated posterior stays inside the band; a biased one leaves it', () => {
    const band = simultaneousEcdfBands(n, { seed: 1 });
    // Ranks are multiples of 1/S, so rank 0 (or 1) has probability 1/(S+1), not 0: at the grid's ends
    // (z = 1e-5, 1 − 1e-5) BayesFlow's plot shows that jump outside the band too. Check inside them.
    const [from, to] = [1 / S, 1 - 1 / S];
    expect(inside(ranksOf(0), band.z, band.lower, band.upper, from, to)).toBe(true);
    expect(inside(ranksOf(0.8), band.z, band.lower, band.upper, from, to)).toBe(false);
  });

  it('draws the step line as BayesFlow: 0 and 1 at the ends, each sorted rank twice, y − x as the difference', () => {
    const line = rankEcdf([0.5, 0.25], true);
    expect(Array.from(line.x)).toEqual([0, 0.25, 0.25, 0.5, 0.5, 1]);
    expect(Array.from(line.y)).toEqual([0, -0.25, 0.25, 0, 0.5, 0]);
    expect(Array.from(rankEcdf([0.5, 0.25], false).y)).toEqual([0, 0, 0.5, 0.5, 1, 1]);
  });
});
