import { describe, expect, it } from 'vitest';
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
} from '../../../../../src/engine/distributions.ts';
import {
  ParzenEstimator,
  type ParzenEstimatorParameters,
} from '../../../../../src/engine/samplers/tpe/parzen-estimator.ts';
import { defaultWeights } from '../../../../../src/engine/samplers/tpe/split.ts';
import type { Distribution } from '../../../../../src/engine/types.ts';
import { Rng } from '../../../../../src/shared/rng.ts';
import { logGaussMass, truncnormLogPdf } from '../../../../../src/engine/samplers/tpe/truncnorm.ts';

const PARAMS: ParzenEstimatorParameters = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  weights: defaultWeights,
};

function univariate(d: Distribution, obs: number[], params = PARAMS): ParzenEstimator {
  return new ParzenEstimator([Float64Array.from(obs)], [['x', d]], params);
}

function logL(pe: ParzenEstimator, xs: number[]): number[] {
  return Array.from(pe.logPdf([Float64Array.from(xs)], xs.length)); // copied: the result is a workspace view
}

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

// Values of Optuna v4.9.0 internals (docs/design/study-engine.md#tpe).
describe('Parzen estimator: v4.9 test vectors', () => {
  it('float [0, 10], observations 1, 2, 6', () => {
    const pe = univariate(floatDistribution(0, 10), [1, 2, 6]);
    expectClose(pe.numericKernels(0).mus, [1, 2, 6, 5]);
    expectClose(pe.numericKernels(0).sigmas, [2, 4, 4, 10]);
    expectClose(pe.weights, [0.25, 0.25, 0.25, 0.25]);
    expectClose(logL(pe, [0.5, 2, 9]), [-1.961113, -1.928563, -2.874737]);
  });

  it('float log [1e-3, 1], observations 0.01, 0.02', () => {
    const pe = univariate(floatDistribution(1e-3, 1, { log: true }), [0.01, 0.02]);
    expectClose(pe.numericKernels(0).mus, [-4.60517, -3.912023, -3.453878]);
    expectClose(pe.numericKernels(0).sigmas, [1.726939, 1.726939, 6.907755]);
    expectClose(logL(pe, [0.005, 0.5]), [-1.682314, -2.699035]);
  });

  it('int [0, 10], observations 1, 2, 6', () => {
    const pe = univariate(intDistribution(0, 10), [1, 2, 6]);
    expectClose(pe.numericKernels(0).mus, [1, 2, 6, 5]);
    expectClose(pe.numericKernels(0).sigmas, [2.2, 4, 4, 11]);
    expectClose(logL(pe, [0, 2, 10]), [-2.155227, -2.04058, -3.109975]);
  });

  it('int log [1, 100], observations 3, 10 (discretised int-log, Optuna ≥ 4.7)', () => {
    const pe = univariate(intDistribution(1, 100, { log: true }), [3, 10]);
    expectClose(pe.numericKernels(0).mus, [1.098612, 2.302585, 1.958505]);
    expectClose(pe.numericKernels(0).sigmas, [1.325826, 1.325826, 5.303305]);
    expectClose(logL(pe, [1, 10, 100]), [-1.789824, -3.710546, -7.074995]);
  });

  it('categorical [a, b, c], observations 0, 0, 2', () => {
    const pe = univariate(categoricalDistribution(['a', 'b', 'c']), [0, 0, 2]);
    const a = 5 / 7;
    const b = 1 / 7;
    const t = 1 / 3;
    expectClose(pe.categoricalRows(0), [a, b, b, a, b, b, b, b, a, t, t, t]);
    expectClose(logL(pe, [0, 1, 2]), [-0.741937, -1.658228, -1.098612]);
  });

  it('v3.1 bandwidths differ (prior mu among the neighbours): 2, 3, 2 — we implement v4.9', () => {
    const { sigmas } = univariate(floatDistribution(0, 10), [1, 2, 6]).numericKernels(0);
    expect(Array.from(sigmas)).not.toEqual([2, 3, 2, 10]);
  });
});

describe('Parzen estimator: bandwidths and weights', () => {
  it('multivariate, Optuna 5.0 (neighbor): each dimension gets the univariate bandwidths', () => {
    const space: [string, Distribution][] = [
      ['x', floatDistribution(0, 10)],
      ['y', floatDistribution(0, 10)],
    ];
    const pe = new ParzenEstimator([Float64Array.of(1, 2, 6), Float64Array.of(3, 4, 5)], space, {
      ...PARAMS,
      multivariate: true,
    });
    expectClose(pe.numericKernels(0).sigmas, [2, 4, 4, 10]); // as 'float [0, 10], observations 1, 2, 6' above
    expectClose(pe.numericKernels(1).sigmas, [2, 2, 2, 10]); // inner gaps 1, 1, 1 raised by the magic clip 10/5
  });

  it('multivariate, Optuna ≤ 4.x (scott): sigma = 0.2·n^(−1/(d+4))·range, raised by the magic clip (n=3, d=2: 1.665 → 2.0)', () => {
    const space: [string, Distribution][] = [
      ['x', floatDistribution(0, 10)],
      ['y', floatDistribution(0, 10)],
    ];
    const pe = new ParzenEstimator([Float64Array.of(1, 2, 6), Float64Array.of(3, 4, 5)], space, {
      ...PARAMS,
      multivariate: true,
      bandwidth: 'scott',
    });
    expectClose(pe.numericKernels(0).sigmas, [2, 2, 2, 10]);
    const raw = 0.2 * 3 ** (-1 / 6) * 10;
    expect(raw).toBeCloseTo(1.665, 3);
    const noClip = new ParzenEstimator([Float64Array.of(1, 2, 6), Float64Array.of(3, 4, 5)], space, {
      ...PARAMS,
      multivariate: true,
      bandwidth: 'scott',
      considerMagicClip: false,
    });
    expectClose(noClip.numericKernels(1).sigmas, [raw, raw, raw, 10], 9);
  });

  it('one observation: sigma = distance to the farther bound, clipped; no observation: prior only', () => {
    expectClose(univariate(floatDistribution(0, 10), [3]).numericKernels(0).sigmas, [7, 10]);
    const empty = univariate(floatDistribution(0, 10), []);
    expectClose(empty.weights, [1]);
    expectClose(logL(empty, [5]), [Math.log(1 / 10) + Math.log(1 / 1) - 0.5 * 0 + 0], 0);
  });

  it('ramp weights from 25 observations on; the prior weight is appended', () => {
    const obs = Array.from({ length: 30 }, (_, i) => i / 3);
    const pe = univariate(floatDistribution(0, 10), obs);
    const w = defaultWeights(30);
    const total = w.reduce((a, b) => a + b, 0) + 1;
    expect(pe.weights[0]).toBeCloseTo(1 / 30 / total, 12);
    expect(pe.weights[30]).toBeCloseTo(1 / total, 12);
    expect(pe.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('mixture densities are normalised (continuous integral, discrete and categorical sums)', () => {
    const cont = univariate(floatDistribution(-2, 3), [0.1, 0.2, 2.5, -1.7]);
    let integral = 0;
    const h = 1e-3;
    for (let x = -2 + h / 2; x < 3; x += h) integral += Math.exp(logL(cont, [x])[0] as number) * h;
    expect(integral).toBeCloseTo(1, 5);
    const disc = univariate(intDistribution(0, 20, { step: 4 }), [4, 4, 8, 20]);
    const masses = logL(disc, [0, 4, 8, 12, 16, 20]).map(Math.exp);
    expect(masses.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const fstep = univariate(floatDistribution(0, 1, { step: 0.25 }), [0.25, 0.5]);
    expect(
      logL(fstep, [0, 0.25, 0.5, 0.75, 1])
        .map(Math.exp)
        .reduce((a, b) => a + b, 0),
    ).toBeCloseTo(1, 12);
    const intLog = univariate(intDistribution(1, 50, { log: true }), [2, 3, 40]);
    const all = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(
      logL(intLog, all)
        .map(Math.exp)
        .reduce((a, b) => a + b, 0),
    ).toBeCloseTo(1, 12);
    const cat = univariate(categoricalDistribution([1, 2, 3, 4]), [3, 3, 1]);
    expect(
      logL(cat, [0, 1, 2, 3])
        .map(Math.exp)
        .reduce((a, b) => a + b, 0),
    ).toBeCloseTo(1, 12);
  });
});

describe('Parzen estimator: sampling', () => {
  it('draws stay in bounds, on the grid, and follow the mixture (seeded)', () => {
    const space: [string, Distribution][] = [
      ['f', floatDistribution(0, 10)],
      ['l', floatDistribution(1e-4, 1, { log: true })],
      ['i', intDistribution(-3, 9, { step: 3 })],
      ['il', intDistribution(1, 64, { log: true })],
      ['c', categoricalDistribution(['x', 'y', 'z'])],
    ];
    const obs = [
      Float64Array.of(9.9, 9.8),
      Float64Array.of(0.5, 0.9),
      Float64Array.of(9, 6),
      Float64Array.of(64, 32),
      Float64Array.of(2, 2),
    ];
    const pe = new ParzenEstimator(obs, space, { ...PARAMS, multivariate: true });
    const draws = pe.sample(Rng.fromSeed(1), 2000);
    const [f, l, i, il, c] = draws as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    for (let s = 0; s < 2000; s++) {
      expect(f[s]).toBeGreaterThanOrEqual(0);
      expect(f[s]).toBeLessThanOrEqual(10);
      expect(l[s]).toBeGreaterThanOrEqual(1e-4);
      expect(l[s]).toBeLessThanOrEqual(1);
      expect([-3, 0, 3, 6, 9]).toContain(i[s]);
      expect(Number.isInteger(il[s])).toBe(true);
      expect(il[s]).toBeGreaterThanOrEqual(1);
      expect(il[s]).toBeLessThanOrEqual(64);
      expect([0, 1, 2]).toContain(c[s]);
    }
    // Two of three kernels sit near f = 10: most draws are in the upper half.
    expect(Array.from(f).filter((x) => x > 5).length).toBeGreaterThan(1200);
    // Categorical: kernel rows put 5/7 on choice 2 (two kernels) and 1/3 (prior): P(2) = (2·5/7 + 1/3)/3.
    const p2 = Array.from(c).filter((x) => x === 2).length / 2000;
    expect(p2).toBeCloseTo((2 * (5 / 7) + 1 / 3) / 3, 1);
    // Same seed, same draws (results are workspace views: copy before drawing again).
    const first = Array.from(pe.sample(Rng.fromSeed(1), 5)[0] as Float64Array);
    const other = Array.from(pe.sample(Rng.fromSeed(2), 5)[0] as Float64Array);
    expect(Array.from(pe.sample(Rng.fromSeed(1), 5)[0] as Float64Array)).toEqual(first);
    expect(other).not.toEqual(first);
  });
});

describe('Parzen estimator: many kernels', () => {
  /** Brute-force mixture density from the kernels, for comparison with the optimised paths. */
  function bruteForce(pe: ParzenEstimator, d: Distribution, x: number): number {
    const { mus, sigmas } = pe.numericKernels(0);
    let sum = 0;
    for (let k = 0; k < pe.nKernels; k++) {
      const mu = mus[k] as number;
      const s = sigmas[k] as number;
      if (d.type === 'categorical') throw new Error('numeric only');
      const step = d.step ?? 0;
      const lo = d.log ? Math.log(d.low - step / 2) : d.low - step / 2;
      const hi = d.log ? Math.log(d.high + step / 2) : d.high + step / 2;
      let logp: number;
      if (step === 0) logp = truncnormLogPdf(d.log ? Math.log(x) : x, mu, s, lo, hi);
      else {
        const l = d.log ? Math.log(x - step / 2) : x - step / 2;
        const r = d.log ? Math.log(x + step / 2) : x + step / 2;
        logp = logGaussMass((l - mu) / s, (r - mu) / s) - logGaussMass((lo - mu) / s, (hi - mu) / s);
      }
      sum += (pe.weights[k] as number) * Math.exp(logp);
    }
    return Math.log(sum);
  }

  it('bucketed continuous and grouped discrete densities equal the brute-force mixture', () => {
    const rng = Rng.fromSeed(11);
    const cases: [Distribution, () => number, number[]][] = [
      [
        floatDistribution(0.01, 0.3),
        () => (rng.float() < 0.5 ? rng.uniform(0.01, 0.05) : rng.uniform(0.01, 0.3)),
        [0.01, 0.011, 0.02, 0.1, 0.2999, 0.3],
      ],
      [
        floatDistribution(1e-4, 1, { log: true }),
        () => Math.exp(rng.uniform(Math.log(1e-4), 0)),
        [1e-4, 0.001, 0.5, 1],
      ],
      [intDistribution(4, 32), () => rng.int(4, 32), [4, 5, 17, 31, 32]],
      [
        intDistribution(1, 1000, { log: true }),
        () => Math.round(Math.exp(rng.uniform(0, Math.log(1000)))) || 1,
        [1, 2, 50, 999, 1000],
      ],
    ];
    for (const [d, gen, xs] of cases) {
      const obs = Float64Array.from({ length: 900 }, gen);
      const pe = univariate(d, Array.from(obs));
      const got = logL(pe, xs);
      xs.forEach((x, i) => expect(Math.abs((got[i] as number) - bruteForce(pe, d, x))).toBeLessThan(1e-9));
    }
  });
});

describe('Parzen estimator: joint density', () => {
  it('equals the brute-force mixture of product kernels (float log × int × categorical)', () => {
    const rng = Rng.fromSeed(5);
    const F = floatDistribution(1e-3, 1, { log: true });
    const I = intDistribution(1, 20, { step: 1 });
    const Cd = categoricalDistribution(['a', 'b', 'c']);
    const n = 150;
    const obs = [
      Float64Array.from({ length: n }, () => Math.exp(rng.uniform(Math.log(1e-3), 0))),
      Float64Array.from({ length: n }, () => rng.int(1, 20)),
      Float64Array.from({ length: n }, () => rng.int(0, 2)),
    ];
    const space: [string, Distribution][] = [
      ['f', F],
      ['i', I],
      ['c', Cd],
    ];
    const pe = new ParzenEstimator(obs, space, { ...PARAMS, multivariate: true });
    const f = pe.numericKernels(0);
    const iK = pe.numericKernels(1);
    const rows = pe.categoricalRows(2);
    const points: [number, number, number][] = [
      [0.01, 3, 0],
      [0.5, 20, 2],
      [1e-3, 1, 1],
      [0.2, 7, 0],
      [0.2, 7, 0],
    ];
    const got = Array.from(
      pe.logPdf(
        [0, 1, 2].map((j) => Float64Array.from(points.map((p) => p[j] as number))),
        points.length,
      ),
    );
    points.forEach(([x, k, c], m) => {
      let sum = 0;
      for (let q = 0; q < pe.nKernels; q++) {
        const lf = truncnormLogPdf(Math.log(x), f.mus[q] as number, f.sigmas[q] as number, Math.log(1e-3), 0);
        const mu = iK.mus[q] as number;
        const s = iK.sigmas[q] as number;
        const li = logGaussMass((k - 0.5 - mu) / s, (k + 0.5 - mu) / s) - logGaussMass((0.5 - mu) / s, (20.5 - mu) / s);
        sum += (pe.weights[q] as number) * Math.exp(lf + li) * (rows[q * 3 + c] as number);
      }
      expect(Math.abs((got[m] as number) - Math.log(sum))).toBeLessThan(1e-9);
    });
  });
});
