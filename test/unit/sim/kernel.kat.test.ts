/**
 * Known-answer tests against docs/design/simulator.md#reference-numbers. Tolerances are derived from standard errors
 * (SE) of the compared estimates, never tuned to a seed; every comparison below holds with an independent
 * seed because the reference figures are themselves estimates (or rounded DMCfun values).
 */
import { describe, expect, it } from 'vitest';
import {
  simulateTrials,
  summarizeConditions,
  type ConditionSummary,
  type DmcParams,
  type StartPoint,
} from '../../../src/sim/index.ts';

const PER_CONDITION = 100_000;
const BASE: DmcParams = { A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 };

interface Sample {
  summary: ConditionSummary;
  correctMs: Float64Array; // ascending
  errorMs: Float64Array;
}

function run(params: DmcParams, startPoint: StartPoint, tmax: number, seed: number): { cong: Sample; incong: Sample } {
  const t = simulateTrials(params, 2 * PER_CONDITION, seed, { startPoint, tmax });
  const s = summarizeConditions(t.rt, t.accuracy, t.conditions);
  const pick = (code: number, acc: number): Float64Array => {
    const out: number[] = [];
    for (let i = 0; i < t.rt.length; i++)
      if (t.conditions[i] === code && t.accuracy[i] === acc) out.push(t.rt[i]! * 1000);
    return Float64Array.from(out).sort();
  };
  return {
    cong: { summary: s.congruent, correctMs: pick(0, 1), errorMs: pick(0, 0) },
    incong: { summary: s.incongruent, correctMs: pick(1, 1), errorMs: pick(1, 0) },
  };
}

/** SE of a mean. */
const seMean = (x: Float64Array, sd: number): number => sd / Math.sqrt(x.length);
/** Asymptotic SE of a sample quantile, density estimated from the ±2 % neighbouring order statistics. */
function seQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const lo = sorted[Math.floor((q - 0.02) * (n - 1))]!;
  const hi = sorted[Math.ceil((q + 0.02) * (n - 1))]!;
  const density = 0.04 / (hi - lo);
  return Math.sqrt((q * (1 - q)) / n) / density;
}

describe('amortized-dmc reference, tau = 30, project grid t = 1..tmax (100k trials per condition)', () => {
  // rows "t = 1..tmax (project)": mean, SD, %err, errRT, q10, q30, q50, q70, q90
  const reference = {
    cong: [435.8, 117.2, 1.96, 420.0, 313.2, 359.8, 410.8, 477.1, 591.9],
    incong: [450.8, 99.5, 6.92, 339.5, 348.5, 392.9, 430.7, 479.5, 578.9],
  } as const;
  const sim = run(BASE, 'beta', 1500, 20250101);

  for (const cond of ['cong', 'incong'] as const) {
    it(`${cond}: mean correct RT within 4 SE of the difference (≈ 2.3 ms) and % errors within 0.45 points`, () => {
      const s = sim[cond].summary;
      const [mean, , err] = reference[cond];
      expect(Math.abs(s.meanRtCorrectMs! - mean)).toBeLessThan(2.3);
      expect(Math.abs(100 * s.errorRate! - err)).toBeLessThan(0.45);
      expect(s.timeouts).toBe(0); // "No trial reached tmax"
    });

    it(`${cond}: SD, quantiles and mean error RT within 4 SE of the difference of two independent estimates`, () => {
      const { summary: s, correctMs, errorMs } = sim[cond];
      const [, sd, , errRt, ...qs] = reference[cond];
      const k = 4 * Math.SQRT2;
      // SE of an SD ≈ SD·√((κ − 1)/(4n)); κ of these skewed RT distributions < 6, so √(5/(4n))·SD bounds it
      expect(Math.abs(s.sdRtCorrectMs! - sd)).toBeLessThan(
        k * s.sdRtCorrectMs! * Math.sqrt(5 / (4 * correctMs.length)),
      );
      let errSd = 0;
      for (const x of errorMs) errSd += (x - s.meanRtErrorMs!) ** 2;
      errSd = Math.sqrt(errSd / (errorMs.length - 1));
      expect(Math.abs(s.meanRtErrorMs! - errRt)).toBeLessThan(k * seMean(errorMs, errSd));
      (['0.1', '0.3', '0.5', '0.7', '0.9'] as const).forEach((q, i) => {
        expect(Math.abs(s.quantilesCorrectMs[q]! - qs[i]!)).toBeLessThan(k * seQuantile(correctMs, Number(q)));
      });
    });
  }

  it('congruency effect on mean correct RT ≈ 15.0 ms (the linspace grid would give 21.1 ms)', () => {
    const effect = sim.incong.summary.meanRtCorrectMs! - sim.cong.summary.meanRtCorrectMs!;
    expect(Math.abs(effect - 15.0)).toBeLessThan(2.3 * Math.SQRT2);
    expect(effect).toBeLessThan(18.5);
  });
});

/**
 * DMCfun v4.0.3 `tests/testthat/test-dmcSim.R` rows (rounded to 1 ms and 0.1 %). The spDist = 1 row
 * uses the Beta(3,3) start point of the project; the others use DMCfun's default constant start point 0
 * (startPoint 'zero') and DMCfun's tmax = 1000. The remaining DMCfun differences (residual truncated at 0,
 * strict `>` bounds, non-terminated trials dropped) move these summaries far less than the rounding, so,
 * as the design note says, the rows are checked with a tolerance of 2 ms (mean, SD) and 0.3 points (% errors).
 * The row "tau=30, drDist=1" (Fig. 7) needs DMCfun's variable drift rate, which neither amortized-dmc nor
 * this project simulates, so it has no counterpart here.
 */
describe('DMCfun dmcSim rows (100k trials per condition; tolerance ≈ 2 ms and 0.3 points)', () => {
  const rows: [string, number, StartPoint, [number, number, number], [number, number, number]][] = [
    ['tau=30 (Ulrich Fig. 3)', 30, 'zero', [440, 105, 0.6], [459, 94, 1.3]],
    ['tau=150 (Fig. 4)', 150, 'zero', [421, 90, 0.2], [484, 102, 2.2]],
    ['tau=90 (Fig. 5)', 90, 'zero', [421, 96, 0.3], [479, 96, 2.2]],
    ['tau=30, spDist=1 (Fig. 6)', 30, 'beta', [436, 117, 1.9], [452, 100, 6.9]],
  ];
  const sims = new Map<string, ReturnType<typeof run>>();
  const get = (label: string, tau: number, sp: StartPoint): ReturnType<typeof run> => {
    if (!sims.has(label)) sims.set(label, run({ ...BASE, tau }, sp, 1000, 4242));
    return sims.get(label)!;
  };

  it.each(rows)('%s', (label, tau, sp, cong, incong) => {
    const sim = get(label, tau, sp);
    for (const [s, [mean, sd, err]] of [
      [sim.cong.summary, cong],
      [sim.incong.summary, incong],
    ] as const) {
      expect(Math.abs(s.meanRtCorrectMs! - mean)).toBeLessThan(2);
      expect(Math.abs(s.sdRtCorrectMs! - sd)).toBeLessThan(2);
      expect(Math.abs(100 * s.errorRate! - err)).toBeLessThan(0.3);
    }
  });

  it.each([
    ['tau=30 (Ulrich Fig. 3)', 30, 479, 406],
    ['tau=150 (Fig. 4)', 150, 504, 425],
  ] as const)('%s: README mean error RTs within 4 SE of the difference', (label, tau, congErr, incongErr) => {
    const sim = get(label, tau, 'zero');
    for (const [smp, ref] of [
      [sim.cong, congErr],
      [sim.incong, incongErr],
    ] as const) {
      const m = smp.summary.meanRtErrorMs!;
      let v = 0;
      for (const x of smp.errorMs) v += (x - m) ** 2;
      const se = Math.sqrt(v / (smp.errorMs.length - 1) / smp.errorMs.length);
      expect(Math.abs(m - ref)).toBeLessThan(4 * Math.SQRT2 * se);
    }
  });
});
