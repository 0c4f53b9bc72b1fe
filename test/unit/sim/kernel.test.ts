import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/shared/rng.ts';
import { stateFromRng } from '../../../src/shared/ziggurat.ts';
import { beta33 } from '../../../src/sim/kernel.ts';
import { fillAutomaticDrift, simulateTrials } from '../../../src/sim/index.ts';
import { ksStatistic } from './helpers.ts';

/** E[X_a(t)] = A·exp(−t/tau)·[e·t/((a−1)·tau)]^(a−1) (docs/design/simulator.md#one-trial). */
function expectedActivation(t: number, A: number, tau: number, a: number): number {
  return A * Math.exp(-t / tau) * Math.pow((Math.E * t) / ((a - 1) * tau), a - 1);
}

describe('automatic drift', () => {
  it('a = 2 follows the closed form (A/tau)·exp(1 − t/tau)·(1 − t/tau) on t = 1..tmax', () => {
    const out = new Float64Array(1500);
    fillAutomaticDrift(out, 20, 30, 2);
    for (const t of [1, 2, 29, 30, 31, 100, 1500]) {
      expect(out[t - 1]).toBeCloseTo((20 / 30) * Math.exp(1 - t / 30) * (1 - t / 30), 14);
    }
    expect(out[29]).toBe(0); // zero at the peak of E[X_a], t = (a − 1)·tau
  });

  it('a = 2 by recurrence stays within 1e-13 (relative) of the closed form at every step, for short and long tau', () => {
    for (const [tau, tmax] of [
      [2, 1500],
      [30, 1500],
      [114.71, 5000],
      [400, 100_000],
    ] as const) {
      const out = new Float64Array(tmax);
      fillAutomaticDrift(out, 70.8, tau, 2);
      let worst = 0;
      for (let t = 1; t <= tmax; t++) {
        const exact = (70.8 / tau) * Math.exp(1 - t / tau) * (1 - t / tau);
        if (exact === 0 || Math.abs(exact) < 1e-290) continue; // past underflow both are (nearly) 0
        worst = Math.max(worst, Math.abs(out[t - 1]! - exact) / Math.abs(exact));
      }
      expect(worst).toBeLessThan(1e-13);
    }
  });

  it.each([2, 1.5, 3.7])('is the derivative of E[X_a(t)] (a = %f); E[X_a] peaks at A when t = (a−1)·tau', (a) => {
    const A = 20;
    const tau = 40;
    const out = new Float64Array(600);
    fillAutomaticDrift(out, A, tau, a);
    for (const t of [1, 5, 37, 80, 250, 600]) {
      const h = 1e-4;
      const numeric = (expectedActivation(t + h, A, tau, a) - expectedActivation(t - h, A, tau, a)) / (2 * h);
      expect(out[t - 1]).toBeCloseTo(numeric, 6);
    }
    expect(expectedActivation((a - 1) * tau, A, tau, a)).toBeCloseTo(A, 12);
  });

  it('a general a close to 2 agrees with the a = 2 branch', () => {
    const two = new Float64Array(300);
    const near = new Float64Array(300);
    fillAutomaticDrift(two, 50, 100, 2);
    fillAutomaticDrift(near, 50, 100, 2 + 1e-9);
    for (let i = 0; i < 300; i++) expect(near[i]).toBeCloseTo(two[i]!, 7);
  });
});

describe('start point', () => {
  it('the median of five uniforms is Beta(3, 3): mean 1/2, variance 1/28, KS against I_x(3, 3)', () => {
    const st = stateFromRng(Rng.fromSeed(8));
    const n = 100_000;
    const x = new Float64Array(n);
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = beta33(st);
      x[i] = v;
      s += v;
      ss += v * v;
    }
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 28 / n));
    expect(ss / n - mean * mean).toBeCloseTo(1 / 28, 3);
    const cdf = (v: number): number => v ** 3 * (10 - 15 * v + 6 * v * v); // regularized incomplete beta I_v(3,3)
    expect(ksStatistic(x, cdf)).toBeLessThan(1.95 / Math.sqrt(n));
  });
});

describe('trial process', () => {
  it('absorbs at X ≥ b (not strictly greater) and reports rt = (k + mu_r)/1000 seconds', () => {
    // sigma 0, start 0, no automatic drift: X_k = k·mu_c exactly, so X_10 = 10 = b is a crossing at k = 10
    const t = simulateTrials({ A: 0, tau: 30, mu_c: 1, mu_r: 300, b: 10, sd_r: 0 }, 6, 1, {
      sigma: 0,
      startPoint: 'zero',
    });
    expect(Array.from(t.accuracy)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(t.rt)).toEqual(Array(6).fill(Math.fround(0.31)));
  });

  it('congruent trials add +mu_a and incongruent −mu_a: a pure automatic pulse hits +b resp. −b at the same step', () => {
    const t = simulateTrials({ A: 50, tau: 10, mu_c: 0, mu_r: 250, b: 20, sd_r: 0 }, 9, 3, {
      sigma: 0,
      startPoint: 'zero',
    });
    expect(Array.from(t.conditions)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(t.accuracy)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0]);
    // first k with E[X_a(k)]-sum ≥ 20
    const drift = new Float64Array(100);
    fillAutomaticDrift(drift, 50, 10, 2);
    let x = 0;
    let k = 0;
    while (x < 20) x += drift[k++]!;
    expect(new Set(Array.from(t.rt)).size).toBe(1);
    expect(t.rt[0]).toBe(Math.fround((k + 250) / 1000));
  });

  it('codes trials without a crossing by tmax as rt = −1 and accuracy = −1', () => {
    const t = simulateTrials({ A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 1000, sd_r: 30 }, 50, 2, { tmax: 20 });
    expect(Array.from(t.rt)).toEqual(Array(50).fill(-1));
    expect(Array.from(t.accuracy)).toEqual(Array(50).fill(-1));
    const mixed = simulateTrials({ A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 }, 4000, 2, { tmax: 150 });
    let timeouts = 0;
    for (let i = 0; i < 4000; i++) {
      expect(mixed.rt[i] === -1).toBe(mixed.accuracy[i] === -1);
      if (mixed.rt[i] === -1) timeouts++;
    }
    expect(timeouts).toBeGreaterThan(100);
    expect(timeouts).toBeLessThan(3900);
  });

  it('does not truncate the non-decision time: negative RTs occur when mu_r is small', () => {
    const t = simulateTrials({ A: 20, tau: 30, mu_c: 0.5, mu_r: 0, b: 5, sd_r: 200 }, 2000, 4);
    const negative = Array.from(t.rt).filter((r) => r < 0 && r !== -1).length;
    expect(negative).toBeGreaterThan(500);
  });

  it('contamination replaces a fraction p of trials by rt ~ U(0, 2) s and accuracy ~ Bernoulli(0.5)', () => {
    // genuine trials take ≥ 3 s here (constant ndt 3000 ms), so every rt < 2 s is a contaminant
    const n = 40_000;
    const p = 0.15;
    const t = simulateTrials({ A: 20, tau: 30, mu_c: 0.5, mu_r: 3000, b: 75, sd_r: 0 }, n, 5, { contamination: p });
    let c = 0;
    let rtSum = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      if (t.rt[i]! < 2) {
        c++;
        rtSum += t.rt[i]!;
        correct += t.accuracy[i]!;
        expect(t.rt[i]).toBeGreaterThanOrEqual(0);
      }
    }
    expect(Math.abs(c - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    expect(Math.abs(rtSum / c - 1)).toBeLessThan(5 * Math.sqrt(1 / 3 / c));
    expect(Math.abs(correct / c - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / c));
    expect(Array.from(t.conditions.subarray(0, n / 2)).every((v) => v === 0)).toBe(true);
    expect(Array.from(t.conditions.subarray(n / 2)).every((v) => v === 1)).toBe(true);
  });

  it('sd_r = 0 (sdr_fixed) makes the non-decision time the constant mu_r: rt·1000 − mu_r is an integer step', () => {
    const t = simulateTrials({ A: 20, tau: 30, mu_c: 0.5, mu_r: 312.5, b: 75, sd_r: 0 }, 2000, 6);
    let worst = 0;
    for (const r of t.rt) {
      const step = r * 1000 - 312.5;
      worst = Math.max(worst, Math.abs(step - Math.round(step)));
    }
    expect(worst).toBeLessThan(1e-3); // float32 storage of seconds: ≈ 6e-5 ms resolution
  });
});
