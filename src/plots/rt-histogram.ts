/**
 * Histograms of one simulated data set for the Simulate view: correct and error RTs, congruent vs
 * incongruent, on shared bin edges so the two conditions can be compared bar by bar. Pure numbers; the
 * view turns them into a chart. Trials without a bound crossing (rt = −1, docs/design/simulator.md#one-trial) are not
 * binned; the summary table counts them as timeouts.
 */
import type { DmcTrials } from '../sim/index.ts';

export interface RtHistograms {
  /** Bin edges in ms, length bins + 1; bin k is [edges[k], edges[k+1]). */
  edgesMs: number[];
  binMs: number;
  correct: { congruent: number[]; incongruent: number[] };
  error: { congruent: number[]; incongruent: number[] };
}

/** Bin widths a reader can work with: 1, 2, 2.5, 5 × 10^k ms. */
function niceWidth(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 10;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function quantileSorted(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/**
 * Bin width by the Freedman–Diaconis rule (2·IQR·n^(−1/3)) on all crossed trials, rounded up to a nice
 * width and widened until there are at most `maxBins` bins.
 */
export function rtHistograms(trials: DmcTrials, maxBins = 60): RtHistograms {
  const ms: number[] = [];
  for (let k = 0; k < trials.numObs; k++) if (trials.accuracy[k] !== -1) ms.push(trials.rt[k]! * 1000);
  const empty = { congruent: [] as number[], incongruent: [] as number[] };
  if (ms.length === 0) return { edgesMs: [], binMs: 0, correct: empty, error: { congruent: [], incongruent: [] } };
  const sorted = Float64Array.from(ms).sort();
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  let width = niceWidth(iqr > 0 ? (2 * iqr) / Math.cbrt(sorted.length) : (hi - lo) / 10 || 10);
  const start = (w: number): number => Math.floor(lo / w) * w;
  const count = (w: number): number => Math.max(1, Math.floor((hi - start(w)) / w) + 1);
  while (count(width) > maxBins) width = niceWidth(width * 1.01);
  const first = start(width);
  const bins = count(width);
  const edgesMs = Array.from({ length: bins + 1 }, (_, k) => first + k * width);
  const zeros = (): number[] => new Array<number>(bins).fill(0);
  const out: RtHistograms = {
    edgesMs,
    binMs: width,
    correct: { congruent: zeros(), incongruent: zeros() },
    error: { congruent: zeros(), incongruent: zeros() },
  };
  for (let k = 0; k < trials.numObs; k++) {
    const a = trials.accuracy[k];
    if (a === -1) continue;
    const bin = Math.min(bins - 1, Math.floor((trials.rt[k]! * 1000 - first) / width));
    const group = a === 1 ? out.correct : out.error;
    (trials.conditions[k] === 0 ? group.congruent : group.incongruent)[bin]!++;
  }
  return out;
}
