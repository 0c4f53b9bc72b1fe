import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/shared/rng.ts';
import { ZIG_K, ZIG_R, ZIG_W, float53, nextI32, nextI32Many, normal, normalSlow, stateFromRng } from '../../../src/shared/ziggurat.ts';
import { ksStatistic, normCdf, normPdf, normSf } from '../sim/helpers.ts';

describe('ziggurat state', () => {
  it('continues exactly the Rng stream it was taken from', () => {
    const rng = Rng.stream(12345, 7);
    const st = stateFromRng(rng);
    const ints = Array.from({ length: 1000 }, () => nextI32(st));
    expect(ints).toEqual(Array.from({ length: 1000 }, () => rng.nextU32() | 0));
    const floats = Array.from({ length: 1000 }, () => float53(st));
    expect(floats).toEqual(Array.from({ length: 1000 }, () => rng.float()));
  });

  it('nextI32Many gives the outputs and the final state of as many nextI32 calls', () => {
    const a = stateFromRng(Rng.stream(99, 3));
    const b = Int32Array.from(a);
    const out = new Int32Array(7);
    nextI32Many(a, out, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual(Array.from({ length: 5 }, () => nextI32(b)));
    expect(Array.from(out.subarray(5))).toEqual([0, 0]);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('tables close: the top layer has the common area v and the rectangle tests stay inside the layers', () => {
    const x1 = ZIG_W[1]! * 2 ** 23;
    expect(x1 * (1 - Math.exp(-0.5 * x1 * x1))).toBeCloseTo(0.00492867323399, 10);
    expect(ZIG_W[255]! * 2 ** 23).toBeCloseTo(ZIG_R, 12);
    for (let i = 2; i < 256; i++) expect(ZIG_K[i]! * ZIG_W[i]!).toBeLessThanOrEqual(ZIG_W[i - 1]! * 2 ** 23);
  });
});

describe('ziggurat normal', () => {
  const n = 400_000;
  const st = stateFromRng(Rng.fromSeed(2024));
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = normal(st);

  it('has the moments of N(0, 1)', () => {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of z) {
      m1 += x;
      m2 += x * x;
      m3 += x ** 3;
      m4 += x ** 4;
    }
    // 5-sigma bounds from the sampling variances of the raw moments (1, 2, 15, 96)
    expect(Math.abs(m1 / n)).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3 / n)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it('passes a Kolmogorov–Smirnov test against Φ (α = 0.001)', () => {
    expect(ksStatistic(z, normCdf)).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('has the right mass beyond 2, 3 and the tail start r on both sides', () => {
    for (const c of [2, 3, ZIG_R]) {
      const p = 1 - normCdf(c);
      let hi = 0;
      let lo = 0;
      for (const x of z) {
        if (x > c) hi++;
        if (x < -c) lo++;
      }
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(hi - n * p)).toBeLessThan(5 * sd);
      expect(Math.abs(lo - n * p)).toBeLessThan(5 * sd);
    }
  });

  it('the tail sampler draws Z | Z > r with the right mean', () => {
    // an output with layer 0 and the largest positive value fails the rectangle test and goes to the tail
    const forced = (0x7fffff << 8) | 0;
    const s2 = stateFromRng(Rng.fromSeed(5));
    const m = 20_000;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    for (let i = 0; i < m; i++) {
      const x = normalSlow(s2, forced);
      min = Math.min(min, x);
      sum += x;
      sumSq += x * x;
    }
    expect(min).toBeGreaterThanOrEqual(ZIG_R);
    const mean = normPdf(ZIG_R) / normSf(ZIG_R); // E[Z | Z > r]
    const variance = 1 + ZIG_R * mean - mean * mean;
    expect(Math.abs(sum / m - mean)).toBeLessThan(5 * Math.sqrt(variance / m));
    expect(sumSq / m - (sum / m) ** 2).toBeCloseTo(variance, 2);
  });
});
