/**
 * BayesFlow 2.0.5's calibration ECDF (`diagnostics/plots/calibration_ecdf.py` with `utils/ecdf/`), as pure
 * functions: fractional ranks of the truths among their posterior draws, the rank ECDF as BayesFlow draws
 * it (optionally minus the uniform CDF, `difference=True`), and the simultaneous confidence band of
 * Säilynoja, Bürkner & Vehtari (2022, §2.2) that `simultaneous_ecdf_bands` computes by simulation.
 *
 * Randomness: BayesFlow draws the M × N uniforms of the band from NumPy's global generator, so its band
 * differs slightly from call to call. Here the uniforms come from a seeded `Rng` (same band for the same
 * seed), or are passed in (`uniforms`), which is how the parity test hands both sides identical draws and
 * gets identical bands. Everything else (the evaluation grid, the minimal coverage probabilities with
 * their float rounding of N·F, NumPy's percentile, scipy's binomial cdf and ppf) follows BayesFlow.
 *
 * Layout as in diagnostics.ts: draws n × S × P row-major, truths n × P.
 */
import { Rng } from '../shared/index.ts';
import { checkShape, MetricsError, type NumericArray } from './diagnostics.ts';
import { linspace, quantileSorted } from './stats.ts';

/**
 * Fractional ranks (`fractional_ranks`): the share of the S draws of data set i that lie strictly below
 * its truth, per parameter; n × P row-major.
 */
export function fractionalRanks(
  draws: NumericArray,
  truths: NumericArray,
  n: number,
  S: number,
  P: number,
): Float64Array {
  checkShape(draws, truths, n, S, P);
  const out = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < P; j++) {
      const theta = truths[i * P + j]!;
      let below = 0;
      for (let s = 0; s < S; s++) if (draws[(i * S + s) * P + j]! < theta) below++;
      out[i * P + j] = below / S;
    }
  }
  return out;
}

export interface EcdfLine {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/**
 * The rank ECDF as a step line (BayesFlow's xx/yy): x = [0, r(1), r(1), …, r(n), r(n), 1],
 * y = each of linspace(0, 1, n + 1) twice; with `difference`, y − x (the ECDF minus the uniform CDF).
 */
export function rankEcdf(ranks: ArrayLike<number>, difference: boolean): EcdfLine {
  const n = ranks.length;
  const sorted = Float64Array.from(ranks).sort();
  const x = new Float64Array(2 * n + 2);
  x[2 * n + 1] = 1;
  for (let i = 0; i < n; i++) x[2 * i + 1] = x[2 * i + 2] = sorted[i]!;
  const levels = linspace(0, 1, n + 1);
  const y = new Float64Array(2 * n + 2);
  for (let k = 0; k < y.length; k++) y[k] = levels[k >> 1]! - (difference ? x[k]! : 0);
  return { x, y };
}

/** ln k! for k = 0..N (a running sum of logarithms: exact enough for the N of a validation set). */
function logFactorials(N: number): Float64Array {
  const out = new Float64Array(N + 1);
  for (let k = 2; k <= N; k++) out[k] = out[k - 1]! + Math.log(k);
  return out;
}

/** The binomial(N, p) CDF at k = 0..N (pmf from logarithms, summed from the left; cdf[N] = 1 exactly). */
function binomialCdf(N: number, p: number, lf: Float64Array): Float64Array {
  const cdf = new Float64Array(N + 1);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let acc = 0;
  for (let k = 0; k < N; k++) {
    acc += Math.exp(lf[N]! - lf[k]! - lf[N - k]! + k * lp + (N - k) * lq);
    cdf[k] = Math.min(acc, 1);
  }
  cdf[N] = 1;
  return cdf;
}

/** scipy `binom.cdf(x)`: the CDF at floor(x), 0 below 0 and 1 from N on. */
function cdfAt(cdf: Float64Array, x: number): number {
  const k = Math.floor(x);
  if (k < 0) return 0;
  return k >= cdf.length - 1 ? 1 : cdf[k]!;
}

/**
 * A q that equals a CDF value up to rounding counts as reached: γ is itself 2·CDF(k) or 2·(1 − CDF(k − 1))
 * at some grid point, so 1 − γ/2 can come back one ulp above that CDF value. scipy's ppf, which rounds
 * up a continuous inverse (bdtrik), returns k there too.
 */
const PPF_TIE = 1e-12;

/** scipy `binom.ppf(q)` for q in (0, 1): the smallest k with CDF(k) ≥ q (ties within PPF_TIE). */
function ppf(cdf: Float64Array, q: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! >= q - PPF_TIE) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface EcdfBandOptions {
  /** K, the evaluation points on (0, 1); default min(N, maxNumPoints). */
  readonly numPoints?: number;
  /** M, the simulated uniform samples of size N (BayesFlow: 1000). */
  readonly numSimulations?: number;
  /** 1 − α (BayesFlow: 0.95). */
  readonly confidence?: number;
  /** The grid runs from eps to 1 − eps (BayesFlow: 1e-5). */
  readonly eps?: number;
  readonly maxNumPoints?: number;
  /** Seed of the uniforms (default 1); ignored when `uniforms` is given. */
  readonly seed?: number;
  /** The M × N uniforms themselves, row-major (tests: the draws NumPy used). */
  readonly uniforms?: ArrayLike<number>;
}

export interface EcdfBand {
  /** α = 1 − confidence. */
  readonly alpha: number;
  /** The γ of the paper: the α-percentile of the simulated minimal coverage probabilities. */
  readonly gamma: number;
  readonly z: Float64Array;
  /** Band of the ECDF (not of the difference) at z: binom.ppf(γ/2) / N and binom.ppf(1 − γ/2) / N. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * `simultaneous_ecdf_bands(N, …)`: M uniform samples of size N, each one's minimal coverage probability
 * 2·min_z min(Bin(N, z).cdf(N·F(z)), 1 − Bin(N, z).cdf(N·F(z) − 1)) over the grid, γ their α-percentile,
 * and the band binom.ppf(γ/2), binom.ppf(1 − γ/2) over N at each grid point.
 */
export function simultaneousEcdfBands(N: number, opts: EcdfBandOptions = {}): EcdfBand {
  if (!Number.isInteger(N) || N < 1) throw new MetricsError(`the ECDF band needs a positive sample size, got ${N}`);
  const M = opts.numSimulations ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  const eps = opts.eps ?? 1e-5;
  const K = Math.min(opts.numPoints ?? N, opts.maxNumPoints ?? 1000);
  if (!Number.isInteger(M) || M < 1) throw new MetricsError(`numSimulations must be a positive integer, got ${M}`);
  if (!(confidence > 0 && confidence < 1)) throw new MetricsError(`confidence must lie in (0, 1), got ${confidence}`);
  const z = linspace(0 + eps, 1 - eps, K);
  const u = new Float64Array(M * N);
  if (opts.uniforms) {
    if (opts.uniforms.length !== M * N) {
      throw new MetricsError(`uniforms has ${opts.uniforms.length} values, expected M·N = ${M}·${N}`);
    }
    u.set(opts.uniforms);
  } else {
    const rng = Rng.fromSeed(opts.seed ?? 1);
    for (let k = 0; k < u.length; k++) u[k] = rng.float();
  }
  for (let m = 0; m < M; m++) u.subarray(m * N, (m + 1) * N).sort();

  // Grid point by grid point, so only one CDF table is alive: each sample's count of u ≤ z only grows.
  const lf = logFactorials(N);
  const pointer = new Int32Array(M);
  const minCoverage = new Float64Array(M).fill(Infinity);
  for (let k = 0; k < K; k++) {
    const cdf = binomialCdf(N, z[k]!, lf);
    for (let m = 0; m < M; m++) {
      let c = pointer[m]!;
      while (c < N && u[m * N + c]! <= z[k]!) c++;
      pointer[m] = c;
      // BayesFlow evaluates the CDF at N·(c/N), which rounds; the floor of that is what scipy uses.
      const nf = N * (c / N);
      const v = Math.min(cdfAt(cdf, nf), 1 - cdfAt(cdf, nf - 1));
      if (v < minCoverage[m]!) minCoverage[m] = v;
    }
  }
  const gammas = minCoverage.map((v) => 2 * v).sort();
  const alpha = 1 - confidence;
  const gamma = quantileSorted(gammas, (100 * alpha) / 100);
  const lower = new Float64Array(K);
  const upper = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const cdf = binomialCdf(N, z[k]!, lf);
    lower[k] = ppf(cdf, gamma / 2) / N;
    upper[k] = ppf(cdf, 1 - gamma / 2) / N;
  }
  return { alpha, gamma, z, lower, upper };
}
