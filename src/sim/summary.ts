/**
 * Per-condition summaries of simulated (or empirical) trials, as reported by DMCfun (`dmcSim` summary) and
 * the tables of docs/design/simulator.md#reference-numbers: correct-RT mean / SD / quantiles in ms, error rate over
 * all trials of the condition, mean error RT, and the count of trials without a bound crossing.
 */
import type { DmcBatch } from './types.ts';

/** Quantile levels of the correct-RT distribution (the reference-moment tables of the tests). */
export const SUMMARY_QUANTILES = ['0.1', '0.3', '0.5', '0.7', '0.9'] as const;
export type QuantileKey = (typeof SUMMARY_QUANTILES)[number];

export interface ConditionSummary {
  /** All trials of the condition, timeouts included. */
  n: number;
  /** null when the condition has no correct trial. */
  meanRtCorrectMs: number | null;
  /** Sample SD (n − 1 denominator, as R's sd in DMCfun); null with fewer than 2 correct trials. */
  sdRtCorrectMs: number | null;
  /** Errors (accuracy 0) / all trials of the condition, as a fraction; null when n = 0. */
  errorRate: number | null;
  /** null when the condition has no error trial. */
  meanRtErrorMs: number | null;
  /** Linear-interpolation quantiles (R type 7 / NumPy default) of the correct RTs; null without any. */
  quantilesCorrectMs: Record<QuantileKey, number | null>;
  /** Trials coded rt = −1, accuracy = −1 (no bound hit by tmax). */
  timeouts: number;
}

export interface ConditionSummaries {
  congruent: ConditionSummary;
  incongruent: ConditionSummary;
}

/** Type-7 quantile of an ascending array. */
function quantileSorted(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

function summarizeOne(
  rt: ArrayLike<number>,
  acc: ArrayLike<number>,
  cond: ArrayLike<number>,
  code: number,
): ConditionSummary {
  let n = 0;
  let nCorrect = 0;
  let nError = 0;
  let timeouts = 0;
  let sumErr = 0;
  for (let k = 0; k < cond.length; k++) {
    if (cond[k] !== code) continue;
    n++;
    const a = acc[k];
    if (a === 1) nCorrect++;
    else if (a === 0) {
      nError++;
      sumErr += rt[k]! * 1000;
    } else if (a === -1) timeouts++;
  }
  const correct = new Float64Array(nCorrect);
  let c = 0;
  for (let k = 0; k < cond.length; k++) if (cond[k] === code && acc[k] === 1) correct[c++] = rt[k]! * 1000;
  let mean: number | null = null;
  let sd: number | null = null;
  if (nCorrect > 0) {
    let s = 0;
    for (let i = 0; i < nCorrect; i++) s += correct[i]!;
    mean = s / nCorrect;
    if (nCorrect > 1) {
      let ss = 0;
      for (let i = 0; i < nCorrect; i++) ss += (correct[i]! - mean) ** 2; // two-pass: no cancellation
      sd = Math.sqrt(ss / (nCorrect - 1));
    }
  }
  correct.sort();
  const quantilesCorrectMs = {} as Record<QuantileKey, number | null>;
  for (const q of SUMMARY_QUANTILES) quantilesCorrectMs[q] = nCorrect > 0 ? quantileSorted(correct, Number(q)) : null;
  return {
    n,
    meanRtCorrectMs: mean,
    sdRtCorrectMs: sd,
    errorRate: n > 0 ? nError / n : null,
    meanRtErrorMs: nError > 0 ? sumErr / nError : null,
    quantilesCorrectMs,
    timeouts,
  };
}

/**
 * Summaries of trials coded as in `DmcBatch` (rt in seconds, accuracy 1/0/−1, condition 0/1). The arrays
 * are parallel and of equal length; rows of any other condition code are ignored.
 */
export function summarizeConditions(
  rt: ArrayLike<number>,
  accuracy: ArrayLike<number>,
  conditions: ArrayLike<number>,
): ConditionSummaries {
  if (rt.length !== accuracy.length || rt.length !== conditions.length) {
    throw new RangeError(
      `summarizeConditions: rt, accuracy, conditions lengths ${rt.length}, ${accuracy.length}, ${conditions.length} differ`,
    );
  }
  return {
    congruent: summarizeOne(rt, accuracy, conditions, 0),
    incongruent: summarizeOne(rt, accuracy, conditions, 1),
  };
}

/** Summaries of data set `index` of a batch. */
export function summarizeDataset(batch: DmcBatch, index: number): ConditionSummaries {
  if (!Number.isInteger(index) || index < 0 || index >= batch.n)
    throw new RangeError(`summarizeDataset: index = ${index} is not in [0, ${batch.n})`);
  const N = batch.numObs;
  const from = index * N;
  return summarizeConditions(
    batch.rt.subarray(from, from + N),
    batch.accuracy.subarray(from, from + N),
    batch.conditions.subarray(from, from + N),
  );
}
