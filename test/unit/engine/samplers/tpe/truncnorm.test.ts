import { describe, expect, it } from 'vitest';
import {
  erfc,
  erfcxNonNeg,
  logGaussMass,
  logNdtr,
  ndtr,
  ndtriExp,
  truncnormLogPdf,
  truncnormPpf,
} from '../../../../../src/engine/samplers/tpe/truncnorm.ts';
import { Rng } from '../../../../../src/shared/rng.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

// References: 120-digit decimal values from erfcx_reference.py (`values`) and Python's math.erfc.
describe('erfcx / erfc', () => {
  it('matches the high-precision erfcx reference to ~1e-15 relative', () => {
    const ref: [number, number][] = [
      [0, 1.0],
      [1e-8, 0.9999999887162084],
      [0.1, 0.8964569799691267],
      [0.5, 0.6156903441929259],
      [1, 0.427583576155807],
      [2, 0.25539567631050575],
      [3, 0.17900115118138996],
      [4.5, 0.12248480427384142],
      [6, 0.09277656780053835],
      [6.5, 0.08580567010489461],
      [10, 0.05614099274382259],
      [26, 0.021683584850562907],
      [50, 0.011281536265323773],
      [1000, 0.0005641893014533876],
      [1e6, 5.641895835474742e-7],
    ];
    for (const [x, v] of ref) expect(rel(erfcxNonNeg(x), v)).toBeLessThan(2e-15);
  });

  it('matches math.erfc including the far right tail and negative arguments', () => {
    const ref: [number, number][] = [
      [-3, 1.9999779095030015],
      [-0.5, 1.5204998778130465],
      [0, 1.0],
      [0.3, 0.6713732405408726],
      [1, 0.15729920705028513],
      [2.5, 0.0004069520174449589],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
    ];
    for (const [x, v] of ref) expect(rel(erfc(x), v)).toBeLessThan(1e-14);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });
});

describe('log Φ', () => {
  it('is accurate in both tails (no underflow at −100, no cancellation at +8)', () => {
    const ref: [number, number][] = [
      [-100, -5005.524208694205],
      [-40, -804.6084420137538],
      [-20, -203.91715537109727],
      [-8, -35.01343715991455],
      [-3, -6.607726221510349],
      [-1, -1.8410216450092636],
      [-0.5, -1.1759117615936185],
      [0, -0.6931471805599453],
      [0.5, -0.3689464152886564],
      [1, -0.17275377902344988],
      [3, -0.0013508099647481938],
      [8, -6.220960574271786e-16],
    ];
    for (const [z, v] of ref) expect(rel(logNdtr(z), v)).toBeLessThan(1e-13);
    expect(logNdtr(-Infinity)).toBe(-Infinity);
    expect(ndtr(0)).toBe(0.5);
  });

  it('ndtriExp inverts logNdtr from −5000 to −1e-12', () => {
    for (const z of [-99, -37, -12, -4, -1.5, -0.2, 0, 0.7, 2, 5, 7]) {
      const y = logNdtr(z);
      expect(Math.abs(ndtriExp(y) - z)).toBeLessThan(1e-9 * Math.max(1, Math.abs(z)));
    }
    expect(ndtriExp(0)).toBe(Infinity);
    expect(Number.isNaN(ndtriExp(0.1))).toBe(true);
  });
});

describe('log Gaussian mass', () => {
  it('equals log(Φ(b) − Φ(a)) where that is representable and stays finite in the tails', () => {
    for (const [a, b] of [
      [-1, 1],
      [-3, -2],
      [2, 3],
      [-0.5, 4],
    ] as const) {
      expect(rel(logGaussMass(a, b), Math.log(ndtr(b) - ndtr(a)))).toBeLessThan(1e-12);
    }
    // Symmetry and deep tails: mass of [30, 31] equals that of [−31, −30], ≈ log φ(30)/30.
    const right = logGaussMass(30, 31);
    expect(right).toBeCloseTo(logGaussMass(-31, -30), 10);
    expect(right).toBeCloseTo(-0.5 * 900 - 0.5 * Math.log(2 * Math.PI) - Math.log(30), 2);
    // Central case: a small excluded mass is kept exactly (no cancellation against 1) …
    expect(
      rel(logGaussMass(-8, 7), Math.log1p((-2 * 0.5 * (erfc(8 / Math.SQRT2) + erfc(7 / Math.SQRT2))) / 2)),
    ).toBeLessThan(1e-12);
    expect(logGaussMass(-8, 8)).toBeCloseTo(-2 * 6.22096057427178e-16, 28);
    // … and tails beyond 9σ (< 1.2e-19) are dropped: the absolute error stays below 2.3e-19.
    expect(Math.abs(logGaussMass(-9.5, 9.5))).toBeLessThan(2.3e-19);
    expect(Math.abs(logGaussMass(-9, 3) - Math.log(ndtr(3)))).toBeLessThan(1e-16);
  });
});

describe('truncated normal', () => {
  it('ppf is the inverse CDF: Φ(ppf(q)) matches q inside [a, b], also in far tails', () => {
    for (const [a, b] of [
      [-1, 2],
      [3, 8],
      [-40, -35],
      [0.5, 60],
      [-2, 0],
    ] as const) {
      const logZ = logGaussMass(a, b);
      for (const q of [1e-9, 0.01, 0.3, 0.5, 0.77, 0.999]) {
        const x = truncnormPpf(q, a, b);
        expect(x).toBeGreaterThanOrEqual(a);
        expect(x).toBeLessThanOrEqual(b);
        const cdf = Math.exp(logGaussMass(a, x) - logZ);
        expect(Math.abs(cdf - q)).toBeLessThan(1e-9);
      }
      expect(truncnormPpf(0, a, b)).toBe(a);
      expect(truncnormPpf(1, a, b)).toBe(b);
    }
  });

  it('samples have the truncated normal mean (Monte Carlo, fixed seed)', () => {
    const rng = Rng.fromSeed(7);
    const [a, b] = [-0.5, 2];
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += truncnormPpf(rng.float(), a, b);
    const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const mean = (phi(a) - phi(b)) / (ndtr(b) - ndtr(a));
    expect(Math.abs(sum / n - mean)).toBeLessThan(0.015);
  });

  it('log pdf integrates to 1 and is −∞ outside the bounds', () => {
    const [mu, s, lo, hi] = [1, 0.7, 0, 3];
    let integral = 0;
    const h = 1e-4;
    for (let x = lo + h / 2; x < hi; x += h) integral += Math.exp(truncnormLogPdf(x, mu, s, lo, hi)) * h;
    expect(integral).toBeCloseTo(1, 6);
    expect(truncnormLogPdf(-0.1, mu, s, lo, hi)).toBe(-Infinity);
  });
});
