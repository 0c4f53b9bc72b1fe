/**
 * Per-data-set summaries of posterior draws for the diagnostics plots, with the layout and the
 * definitions of docs/design/networks.md#diagnostics / src/metrics: draws (n data sets × S draws × P parameters)
 * row-major, draw s of data set i for parameter j at `draws[(i·S + s)·P + j]`; truths n × P.
 * The metrics module reduces these to one number per parameter; the plots need every data set.
 */
import { quantileSorted, type NumericArray } from '../../metrics/index.ts';

export interface PosteriorSample {
  readonly draws: NumericArray;
  readonly truths: NumericArray;
  readonly n: number;
  readonly S: number;
  readonly P: number;
  /** Parameter names in inference-variable order (length P). */
  readonly names: readonly string[];
}

/** Why the sample cannot be plotted (field and bad value), or null when it can. */
export function sampleProblem(x: PosteriorSample): string | null {
  for (const [k, v] of [
    ['n', x.n],
    ['S', x.S],
    ['P', x.P],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) return `${k} must be a positive integer, got ${v}`;
  }
  if (x.draws.length !== x.n * x.S * x.P) {
    return `draws has length ${x.draws.length}, expected n·S·P = ${x.n}·${x.S}·${x.P} = ${x.n * x.S * x.P}`;
  }
  if (x.truths.length !== x.n * x.P) return `truths has length ${x.truths.length}, expected n·P = ${x.n * x.P}`;
  if (x.names.length !== x.P) return `names has ${x.names.length} entries, expected P = ${x.P}`;
  for (let k = 0; k < x.draws.length; k++) {
    if (!Number.isFinite(x.draws[k]!)) {
      const i = Math.floor(k / (x.S * x.P));
      return `draws[${i}][${Math.floor(k / x.P) % x.S}][${k % x.P}] is ${x.draws[k]} (the network produced non-finite draws)`;
    }
  }
  for (let k = 0; k < x.truths.length; k++) {
    if (!Number.isFinite(x.truths[k]!)) return `truths[${Math.floor(k / x.P)}][${k % x.P}] is ${x.truths[k]}`;
  }
  return null;
}

/** The S draws of data set i for parameter j, sorted ascending (float64). */
export function sortedDraws(x: PosteriorSample, i: number, j: number): Float64Array {
  const out = new Float64Array(x.S);
  const base = i * x.S * x.P + j;
  for (let s = 0; s < x.S; s++) out[s] = x.draws[base + s * x.P]!;
  return out.sort();
}

/** True values of parameter j over the n data sets. */
export function truthColumn(x: PosteriorSample, j: number): Float64Array {
  const out = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) out[i] = x.truths[i * x.P + j]!;
  return out;
}

/**
 * Empirical coverage of central credible intervals: for each level α, the share of data sets whose
 * truth lies in [q((1−α)/2), q(1−(1−α)/2)] of its draws (inclusive), as BayesFlow's calibration error.
 */
export function coverage(x: PosteriorSample, j: number, levels: ArrayLike<number>): Float64Array {
  const hits = new Float64Array(levels.length);
  for (let i = 0; i < x.n; i++) {
    const sorted = sortedDraws(x, i, j);
    const theta = x.truths[i * x.P + j]!;
    for (let k = 0; k < levels.length; k++) {
      const lowerQ = (1 - levels[k]!) / 2;
      if (quantileSorted(sorted, lowerQ) <= theta && theta <= quantileSorted(sorted, 1 - lowerQ))
        hits[k] = hits[k]! + 1;
    }
  }
  return hits.map((h) => h / x.n);
}
