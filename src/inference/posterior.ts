/**
 * Summaries of posterior draws: mean, sd (ddof 1), median and the 95 % highest-density interval
 * (the shortest interval holding 95 % of the draws, as ArviZ's `hdi` for unimodal draws).
 */

export interface ParamSummary {
  mean: number;
  sd: number;
  median: number;
  hdi95: [number, number];
}

/** Type-7 quantile (R default, NumPy linear) of an ascending array. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** Shortest interval containing ceil(mass·n) of the sorted draws. */
export function hdiSorted(s: ArrayLike<number>, mass = 0.95): [number, number] {
  const n = s.length;
  if (n === 0) return [NaN, NaN];
  const k = Math.min(n, Math.max(1, Math.ceil(mass * n)));
  let best = 0;
  let width = Infinity;
  for (let i = 0; i + k - 1 < n; i++) {
    const w = s[i + k - 1]! - s[i]!;
    if (w < width) {
      width = w;
      best = i;
    }
  }
  return [s[best]!, s[best + k - 1]!];
}

export function summarize(values: ArrayLike<number>): ParamSummary {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  return {
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    median: quantileSorted(sorted, 0.5),
    hdi95: hdiSorted(sorted, 0.95),
  };
}

/** Column j of an (S, P) row-major draw matrix. */
export function column(draws: ArrayLike<number>, s: number, p: number, j: number): Float64Array {
  const out = new Float64Array(s);
  for (let i = 0; i < s; i++) out[i] = draws[i * p + j]!;
  return out;
}

/** Per-parameter summaries of one participant's (S, P) draws. */
export function summarizeDraws(
  draws: ArrayLike<number>,
  s: number,
  names: readonly string[],
): Record<string, ParamSummary> {
  const p = names.length;
  if (draws.length !== s * p)
    throw new RangeError(`summarizeDraws: ${draws.length} values, expected ${s} draws × ${p} parameters`);
  return Object.fromEntries(names.map((name, j) => [name, summarize(column(draws, s, p, j))]));
}

/** Density of a normal truncated to [0, ∞) (the DMC prior of each parameter), for drawing the prior behind a histogram. */
export function truncatedNormalPdf(x: number, mean: number, sd: number): number {
  if (x < 0) return 0;
  if (sd === 0) return 0;
  const z = (x - mean) / sd;
  const mass = 1 - normalCdf(-mean / sd);
  return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI) * mass);
}

/** Φ(x) by the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7, plenty for a plotted curve). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

export interface Histogram {
  edges: number[];
  counts: number[];
  /** counts / (n · bin width): comparable to a density curve. */
  density: number[];
}

export function histogram(values: ArrayLike<number>, bins = 30, range?: [number, number]): Histogram {
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (range === undefined) {
    for (let i = 0; i < values.length; i++) {
      lo = Math.min(lo, values[i]!);
      hi = Math.max(hi, values[i]!);
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor((values[i]! - lo) / w)));
    counts[k]!++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * w);
  return { edges, counts, density: counts.map((c) => c / (values.length * w)) };
}
