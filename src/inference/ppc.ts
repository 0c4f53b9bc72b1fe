/**
 * Statistics of a trial set for posterior (and prior) predictive checks, in DMCfun's terms
 * (Ulrich et al., 2015): RT quantiles 0.1 … 0.9 of the correct trials per condition, the delta
 * function (incongruent − congruent per quantile, plotted at the mean of the two), the conditional
 * accuracy function (trials of a condition cut into RT bins of equal count, accuracy per bin) and the
 * error rate per condition. Timeouts (accuracy −1) are left out of all of them, as the import leaves
 * out trials slower than tmax, so observed and simulated data are measured the same way.
 */
import { quantileSorted } from './posterior.ts';

export const PPC_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
export const CAF_BINS = 5;

export type Cond = 'congruent' | 'incongruent';
export const CONDS: readonly Cond[] = ['congruent', 'incongruent'];

export interface TrialArrays {
  rt: ArrayLike<number>;
  accuracy: ArrayLike<number>;
  conditions: ArrayLike<number>;
}

export interface TrialStats {
  /** Correct-RT quantiles in ms (NaN without correct trials). */
  quantiles: Record<Cond, number[]>;
  /** Incongruent − congruent per quantile (ms). */
  delta: number[];
  /** x of the delta function: mean of the two conditions' quantiles (ms). */
  deltaX: number[];
  /** Accuracy per RT bin (fraction correct), fastest bin first. */
  caf: Record<Cond, number[]>;
  /** Mean RT of each CAF bin (ms), for the x axis. */
  cafRt: Record<Cond, number[]>;
  errorRate: Record<Cond, number>;
  /** Mean RT of all answered trials (ms). */
  meanRt: number;
  /** Overall error rate. */
  overallErrorRate: number;
  /** Mean correct RT incongruent − congruent (ms). */
  congruencyEffect: number;
}

function meanOf(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function trialStats(t: TrialArrays, cafBins = CAF_BINS): TrialStats {
  const correct: Record<Cond, number[]> = { congruent: [], incongruent: [] };
  const all: Record<Cond, { rt: number; acc: number }[]> = { congruent: [], incongruent: [] };
  let sumRt = 0;
  let nAnswered = 0;
  let nErr = 0;
  for (let k = 0; k < t.rt.length; k++) {
    const a = t.accuracy[k]!;
    if (a !== 0 && a !== 1) continue;
    const c: Cond = t.conditions[k] === 0 ? 'congruent' : 'incongruent';
    const ms = t.rt[k]! * 1000;
    all[c].push({ rt: ms, acc: a });
    if (a === 1) correct[c].push(ms);
    else nErr++;
    sumRt += ms;
    nAnswered++;
  }
  const quantiles = {} as Record<Cond, number[]>;
  const caf = {} as Record<Cond, number[]>;
  const cafRt = {} as Record<Cond, number[]>;
  const errorRate = {} as Record<Cond, number>;
  for (const c of CONDS) {
    const s = Float64Array.from(correct[c]).sort();
    quantiles[c] = PPC_QUANTILES.map((q) => quantileSorted(s, q));
    const trials = all[c].sort((x, y) => x.rt - y.rt);
    caf[c] = [];
    cafRt[c] = [];
    for (let b = 0; b < cafBins; b++) {
      const from = Math.floor((b * trials.length) / cafBins);
      const to = Math.floor(((b + 1) * trials.length) / cafBins);
      const bin = trials.slice(from, to);
      caf[c].push(meanOf(bin.map((x) => x.acc)));
      cafRt[c].push(meanOf(bin.map((x) => x.rt)));
    }
    errorRate[c] = trials.length === 0 ? NaN : trials.filter((x) => x.acc === 0).length / trials.length;
  }
  const delta = PPC_QUANTILES.map((_, i) => quantiles.incongruent[i]! - quantiles.congruent[i]!);
  const deltaX = PPC_QUANTILES.map((_, i) => (quantiles.incongruent[i]! + quantiles.congruent[i]!) / 2);
  return {
    quantiles,
    delta,
    deltaX,
    caf,
    cafRt,
    errorRate,
    meanRt: nAnswered === 0 ? NaN : sumRt / nAnswered,
    overallErrorRate: nAnswered === 0 ? NaN : nErr / nAnswered,
    congruencyEffect: meanOf(correct.incongruent) - meanOf(correct.congruent),
  };
}

/** A predicted statistic: mean over simulated data sets and the central 95 % band. */
export interface Band {
  mean: number;
  lo: number;
  hi: number;
}

export interface PredictiveStats {
  quantiles: Record<Cond, Band[]>;
  delta: Band[];
  deltaX: number[];
  caf: Record<Cond, Band[]>;
  cafRt: Record<Cond, number[]>;
  errorRate: Record<Cond, Band>;
  /** Simulated data sets the bands are made of. */
  replicates: number;
}

function band(values: number[]): Band {
  const xs = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  if (xs.length === 0) return { mean: NaN, lo: NaN, hi: NaN };
  let s = 0;
  for (const x of xs) s += x;
  return { mean: s / xs.length, lo: quantileSorted(xs, 0.025), hi: quantileSorted(xs, 0.975) };
}

function meanFinite(values: number[]): number {
  const xs = values.filter((v) => Number.isFinite(v));
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Bands over the statistics of simulated replicate data sets (one per posterior draw). */
export function predictiveBands(reps: readonly TrialStats[]): PredictiveStats {
  if (reps.length === 0) throw new RangeError('predictiveBands: no replicates');
  const over = (f: (s: TrialStats) => number): Band => band(reps.map(f));
  const idx = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  const nBins = reps[0]!.caf.congruent.length;
  const byCond = <T>(f: (c: Cond) => T): Record<Cond, T> => ({
    congruent: f('congruent'),
    incongruent: f('incongruent'),
  });
  return {
    quantiles: byCond((c) => PPC_QUANTILES.map((_, i) => over((s) => s.quantiles[c][i]!))),
    delta: PPC_QUANTILES.map((_, i) => over((s) => s.delta[i]!)),
    deltaX: PPC_QUANTILES.map((_, i) => meanFinite(reps.map((s) => s.deltaX[i]!))),
    caf: byCond((c) => idx(nBins).map((b) => over((s) => s.caf[c][b]!))),
    cafRt: byCond((c) => idx(nBins).map((b) => meanFinite(reps.map((s) => s.cafRt[c][b]!)))),
    errorRate: byCond((c) => over((s) => s.errorRate[c])),
    replicates: reps.length,
  };
}

/** Average of several participants' observed statistics (the "averaged" panel; Vincentized quantiles). */
export function averageStats(list: readonly TrialStats[]): TrialStats {
  if (list.length === 0) throw new RangeError('averageStats: empty');
  const m = (f: (s: TrialStats) => number): number => meanFinite(list.map(f));
  const vec = (n: number, f: (s: TrialStats, i: number) => number): number[] =>
    Array.from({ length: n }, (_, i) => m((s) => f(s, i)));
  const nq = PPC_QUANTILES.length;
  const nb = list[0]!.caf.congruent.length;
  const byCond = <T>(f: (c: Cond) => T): Record<Cond, T> => ({
    congruent: f('congruent'),
    incongruent: f('incongruent'),
  });
  return {
    quantiles: byCond((c) => vec(nq, (s, i) => s.quantiles[c][i]!)),
    delta: vec(nq, (s, i) => s.delta[i]!),
    deltaX: vec(nq, (s, i) => s.deltaX[i]!),
    caf: byCond((c) => vec(nb, (s, i) => s.caf[c][i]!)),
    cafRt: byCond((c) => vec(nb, (s, i) => s.cafRt[c][i]!)),
    errorRate: byCond((c) => m((s) => s.errorRate[c])),
    meanRt: m((s) => s.meanRt),
    overallErrorRate: m((s) => s.overallErrorRate),
    congruencyEffect: m((s) => s.congruencyEffect),
  };
}

/** Average of several participants' predictive bands (means and band edges averaged). */
export function averageBands(list: readonly PredictiveStats[]): PredictiveStats {
  if (list.length === 0) throw new RangeError('averageBands: empty');
  const b = (f: (p: PredictiveStats) => Band): Band => ({
    mean: meanFinite(list.map((p) => f(p).mean)),
    lo: meanFinite(list.map((p) => f(p).lo)),
    hi: meanFinite(list.map((p) => f(p).hi)),
  });
  const first = list[0]!;
  const byCond = <T>(f: (c: Cond) => T): Record<Cond, T> => ({
    congruent: f('congruent'),
    incongruent: f('incongruent'),
  });
  return {
    quantiles: byCond((c) => first.quantiles[c].map((_, i) => b((p) => p.quantiles[c][i]!))),
    delta: first.delta.map((_, i) => b((p) => p.delta[i]!)),
    deltaX: first.deltaX.map((_, i) => meanFinite(list.map((p) => p.deltaX[i]!))),
    caf: byCond((c) => first.caf[c].map((_, i) => b((p) => p.caf[c][i]!))),
    cafRt: byCond((c) => first.cafRt[c].map((_, i) => meanFinite(list.map((p) => p.cafRt[c][i]!)))),
    errorRate: byCond((c) => b((p) => p.errorRate[c])),
    replicates: list.reduce((s, p) => s + p.replicates, 0),
  };
}
