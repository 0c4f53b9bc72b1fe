import { describe, expect, it } from 'vitest';
import { simulateBatch, summarizeConditions, type DmcBatch, type DmcConfig } from '../../../src/sim/index.ts';
import {
  mergeExperiment,
  pointMassConfig,
  splitPlan,
  trialsViaPool,
  type BatchPool,
} from '../../../src/state/trials-via-pool.ts';
import { rtHistograms } from '../../../src/plots/rt-histogram.ts';
import type { TrialsRequest } from '../../../src/state/simulation-run.svelte.ts';

/** The pool's contract is "same result as simulateBatch"; this stand-in runs it on the calling thread. */
const inline: BatchPool & { calls: number } = {
  calls: 0,
  async simulate(config: DmcConfig, seed: number, n: number, opts) {
    this.calls++;
    const b = simulateBatch(config, seed, n);
    opts?.onProgress?.(n, n);
    return b;
  },
};

const TAU30: TrialsRequest = {
  params: { A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 },
  trialsPerCondition: 20_000,
  tmax: 1500,
  seed: 11,
};

describe('splitting one experiment into pool data sets', () => {
  it.each([
    [1, 1, 1],
    [1000, 1, 1000],
    [1001, 2, 501],
    [10_000, 10, 1000],
    [12_345, 13, 950],
  ])('%i trials per condition → %i sets of %i', (t, sets, per) => {
    expect(splitPlan(t)).toEqual({ sets, perCondition: per });
    expect(sets * per).toBeGreaterThanOrEqual(t);
  });

  it('uses a point-mass prior and sdr_fixed for sd_r = 0', () => {
    const c = pointMassConfig({ ...TAU30, params: { ...TAU30.params, sd_r: 0 } }, 10);
    expect(c.priorSds).toEqual([0, 0, 0, 0, 0]);
    expect(c.sdrFixed).toBe(0);
    expect(c.fixedNumObs).toBe(20);
    expect(pointMassConfig(TAU30, 10).priorMeans).toEqual([20, 30, 0.5, 300, 75, 30]);
  });
});

describe('trialsViaPool', () => {
  it('reproduces the tau = 30 reference moments (docs/design/simulator.md#reference-numbers) within 4 standard errors', async () => {
    const progress: number[] = [];
    const trials = await trialsViaPool(inline)(TAU30, {
      signal: new AbortController().signal,
      onProgress: (d) => progress.push(d),
    });
    expect(trials.numObs).toBe(40_000);
    expect(progress.at(-1)).toBe(40_000);
    const s = summarizeConditions(trials.rt, trials.accuracy, trials.conditions);
    expect(s.congruent.n).toBe(20_000);
    expect(s.incongruent.n).toBe(20_000);
    // SE of the mean correct RT ≈ SD/√n ≈ 117/√20000 ≈ 0.83 ms; of the error rate ≈ √(p(1−p)/n).
    expect(Math.abs(s.congruent.meanRtCorrectMs! - 435.8)).toBeLessThan(4 * 0.83);
    expect(Math.abs(s.incongruent.meanRtCorrectMs! - 450.8)).toBeLessThan(4 * 0.71);
    expect(Math.abs(s.congruent.errorRate! - 0.0196)).toBeLessThan(4 * Math.sqrt((0.0196 * 0.98) / 20_000));
    expect(Math.abs(s.incongruent.errorRate! - 0.0692)).toBeLessThan(4 * Math.sqrt((0.0692 * 0.93) / 20_000));
  });

  it('is deterministic in the seed and sensitive to it', async () => {
    const opts = { signal: new AbortController().signal, onProgress: () => {} };
    const req = { ...TAU30, trialsPerCondition: 1500 };
    const a = await trialsViaPool(inline)(req, opts);
    const b = await trialsViaPool(inline)(req, opts);
    const c = await trialsViaPool(inline)({ ...req, seed: 12 }, opts);
    expect(b.rt).toEqual(a.rt);
    expect(c.rt).not.toEqual(a.rt);
  });
});

describe('mergeExperiment', () => {
  it('takes congruent trials from the first halves and incongruent from the second halves, in order', () => {
    // 2 data sets of N = 5 (3 congruent, 2 incongruent); rt encodes (set, trial).
    const N = 5;
    const batch: DmcBatch = {
      n: 2,
      numObs: N,
      paramNames: ['A', 'tau', 'mu_c', 'mu_r', 'b'],
      params: new Float64Array(10),
      rt: Float32Array.from({ length: 10 }, (_, k) => k),
      accuracy: new Float32Array(10).fill(1),
      conditions: Float32Array.from({ length: 10 }, (_, k) => (k % N < 3 ? 0 : 1)),
    };
    const t = mergeExperiment(batch, 4);
    expect([...t.rt]).toEqual([0, 1, 2, 5, 3, 4, 8, 9]);
    expect([...t.conditions]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(() => mergeExperiment(batch, 5)).toThrow(/returned 4 incongruent trials, expected 5/);
  });
});

describe('rtHistograms', () => {
  it('bins every crossed trial once, on shared edges, and skips timeouts', () => {
    const trials = {
      numObs: 8,
      rt: Float32Array.from([0.3, 0.31, 0.5, -1, 0.42, 0.45, 0.9, 0.33]),
      accuracy: Float32Array.from([1, 1, 0, -1, 1, 0, 1, 1]),
      conditions: Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1]),
    };
    const h = rtHistograms(trials);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    expect(sum(h.correct.congruent)).toBe(2);
    expect(sum(h.error.congruent)).toBe(1);
    expect(sum(h.correct.incongruent)).toBe(3);
    expect(sum(h.error.incongruent)).toBe(1);
    expect(h.edgesMs.length).toBe(h.correct.congruent.length + 1);
    expect(h.edgesMs[0]!).toBeLessThanOrEqual(300);
    expect(h.edgesMs.at(-1)!).toBeGreaterThan(900);
    for (let k = 1; k < h.edgesMs.length; k++) expect(h.edgesMs[k]! - h.edgesMs[k - 1]!).toBeCloseTo(h.binMs, 9);
    const mantissa = h.binMs / 10 ** Math.floor(Math.log10(h.binMs));
    expect([1, 2, 2.5, 5]).toContain(Number(mantissa.toPrecision(6)));
  });

  it('caps the number of bins', () => {
    const n = 2000;
    const rt = Float32Array.from({ length: n }, (_, k) => 0.2 + (k / n) * 5); // 0.2–5.2 s uniform
    const h = rtHistograms(
      { numObs: n, rt, accuracy: new Float32Array(n).fill(1), conditions: new Float32Array(n) },
      30,
    );
    expect(h.correct.congruent.length).toBeLessThanOrEqual(30);
  });

  it('returns no bins when nothing crossed', () => {
    const h = rtHistograms({
      numObs: 2,
      rt: Float32Array.from([-1, -1]),
      accuracy: Float32Array.from([-1, -1]),
      conditions: Float32Array.from([0, 1]),
    });
    expect(h.edgesMs).toEqual([]);
  });
});
