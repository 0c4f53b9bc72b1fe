/**
 * The Parzen estimator of TPE (optuna/samplers/_tpe/parzen_estimator.py and
 * probability_distributions.py, v4.9): a mixture of n + 1 product kernels — one per observation plus
 * the prior — over the (sub)space. Spec: study-engine.md §3, steps 4–7.
 *
 * Numeric parameters live in a transformed space (log for log parameters; bounds widened by step/2
 * for stepped and integer ones; integer-log uses log(low − ½), log(high + ½) as in Optuna ≥ 4.7).
 * Continuous kernels are truncated normals on the transformed bounds (log densities without the
 * Jacobian, which cancels in log l − log g); discrete kernels give the probability mass of the grid
 * cell. Categorical kernels put (pw/(n+1) + [k = c_i]) / (C·pw/(n+1) + 1) on choice k.
 *
 * Everything is kept in typed arrays; per-kernel constants (log normalisers) are computed once, and
 * discrete masses are evaluated once per distinct (x, mu, sigma).
 */
import type { Rng } from '../../../shared/rng.ts';
import { EngineError, type Distribution } from '../../types.ts';
import { roundHalfEven } from '../numeric.ts';
import { logGaussMass, truncnormPpf } from './truncnorm.ts';

export interface ParzenEstimatorParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  multivariate: boolean;
  weights: (n: number) => ArrayLike<number>;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 1e-12;
/** Kernels more than this many nats below the best contribute < 4e-18 each to a sum: skipped. */
const LSE_CUTOFF = 40;

interface NumericKernels {
  readonly kind: 'numeric';
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Transformed (log, widened) bounds. */
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  /** 0 for continuous parameters. */
  readonly step: number;
  /** Original bounds, for snapping samples onto the grid. */
  readonly low: number;
  readonly high: number;
  /** Continuous: −log σ − log √(2π) − log mass[lo, hi]. Discrete: log mass[lo, hi] per kernel. */
  readonly logNorm: Float64Array;
  /** Discrete only: kernels grouped by identical (mu, sigma). */
  readonly groupOf: Int32Array;
  readonly groupMu: Float64Array;
  readonly groupSigma: Float64Array;
  readonly groupLogNorm: Float64Array;
}

interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly nChoices: number;
  /** K × C row-major probabilities and their logs. */
  readonly probs: Float64Array;
  readonly logProbs: Float64Array;
}

type Kernels = NumericKernels | CategoricalKernels;

/** Univariate bandwidths (v4.9): distance to the farther sorted neighbour, bounds as outer neighbours. */
function univariateSigmas(mus: Float64Array, n: number, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const sorted = mus.slice(0, n).sort();
  const at = (p: number): number => (p < 0 ? low : p >= n ? high : (sorted[p] as number));
  const sortedSigma = new Float64Array(n);
  for (let p = 0; p < n; p++) sortedSigma[p] = Math.max(at(p) - at(p - 1), at(p + 1) - at(p));
  if (!considerEndpoints && n >= 2) {
    sortedSigma[0] = at(1) - at(0);
    sortedSigma[n - 1] = at(n - 1) - at(n - 2);
  }
  // Back to observation order: equal mus take the positions of their run in index order (stable argsort).
  const sigmas = new Float64Array(n);
  const taken = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = mus[i] as number;
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >> 1;
      if ((sorted[mid] as number) < v) a = mid + 1;
      else b = mid;
    }
    sigmas[i] = sortedSigma[a + (taken[a] as number)] as number;
    taken[a] = (taken[a] as number) + 1;
  }
  return sigmas;
}

function numericKernels(obs: Float64Array, d: Distribution & { type: 'float' | 'int' }, dim: number, p: ParzenEstimatorParameters): NumericKernels {
  const n = obs.length;
  const step = d.step ?? 0;
  let lo = d.low - step / 2;
  let hi = d.high + step / 2;
  if (d.log) {
    lo = Math.log(lo);
    hi = Math.log(hi);
  }
  const mus = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) mus[i] = d.log ? Math.log(obs[i] as number) : (obs[i] as number);
  let sigmas: Float64Array;
  if (p.multivariate) {
    sigmas = new Float64Array(n).fill(0.2 * Math.max(n, 1) ** (-1 / (dim + 4)) * (hi - lo));
  } else {
    sigmas = univariateSigmas(mus, n, lo, hi, p.considerEndpoints);
  }
  const maxSigma = hi - lo;
  const minSigma = p.considerMagicClip ? (hi - lo) / Math.min(100, n + 2) : EPS;
  const allSigmas = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) allSigmas[i] = Math.min(Math.max(sigmas[i] as number, minSigma), maxSigma);
  mus[n] = 0.5 * (lo + hi);
  allSigmas[n] = hi - lo;

  const K = n + 1;
  const logNorm = new Float64Array(K);
  let groupOf = new Int32Array(0);
  const gMu: number[] = [];
  const gSigma: number[] = [];
  const gNorm: number[] = [];
  if (step === 0) {
    for (let k = 0; k < K; k++) {
      const mu = mus[k] as number;
      const s = allSigmas[k] as number;
      logNorm[k] = -Math.log(s) - LOG_SQRT_2PI - logGaussMass((lo - mu) / s, (hi - mu) / s);
    }
  } else {
    groupOf = new Int32Array(K);
    const index = new Map<number, Map<number, number>>();
    for (let k = 0; k < K; k++) {
      const mu = mus[k] as number;
      const s = allSigmas[k] as number;
      let bySigma = index.get(mu);
      if (bySigma === undefined) index.set(mu, (bySigma = new Map()));
      let g = bySigma.get(s);
      if (g === undefined) {
        g = gMu.length;
        bySigma.set(s, g);
        gMu.push(mu);
        gSigma.push(s);
        gNorm.push(logGaussMass((lo - mu) / s, (hi - mu) / s));
      }
      groupOf[k] = g;
      logNorm[k] = gNorm[g] as number;
    }
  }
  return {
    kind: 'numeric',
    mus,
    sigmas: allSigmas,
    lo,
    hi,
    log: d.log,
    step,
    low: d.low,
    high: d.high,
    logNorm,
    groupOf,
    groupMu: Float64Array.from(gMu),
    groupSigma: Float64Array.from(gSigma),
    groupLogNorm: Float64Array.from(gNorm),
  };
}

function categoricalKernels(obs: Float64Array, nChoices: number, priorWeight: number): CategoricalKernels {
  const n = obs.length;
  const K = n === 0 ? 1 : n + 1;
  const probs = new Float64Array(K * nChoices);
  if (n === 0) probs.fill(1 / nChoices);
  else {
    probs.fill(priorWeight / K);
    for (let i = 0; i < n; i++) {
      const j = i * nChoices + Math.trunc(obs[i] as number);
      probs[j] = (probs[j] as number) + 1;
    }
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let c = 0; c < nChoices; c++) sum += probs[k * nChoices + c] as number;
      const div = sum === 0 ? 1 : sum;
      for (let c = 0; c < nChoices; c++) probs[k * nChoices + c] = (probs[k * nChoices + c] as number) / div;
    }
  }
  return { kind: 'categorical', nChoices, probs, logProbs: probs.map(Math.log) };
}

function mixtureWeights(n: number, p: ParzenEstimatorParameters): Float64Array {
  if (p.priorWeight < 0) {
    throw new EngineError('invalid-argument', `A non-negative value must be specified for prior_weight, but got ${p.priorWeight}.`);
  }
  if (n === 0) return Float64Array.of(1);
  const raw = Array.from(p.weights(n)).slice(0, n);
  if (raw.some((w) => w < 0)) throw new EngineError('invalid-argument', `The \`weights\` function is not allowed to return negative values ${raw.join(', ')}. The argument of the \`weights\` function is ${n}.`);
  const s = raw.reduce((a, b) => a + b, 0);
  if (raw.length > 0 && s <= 0) throw new EngineError('invalid-argument', `The \`weight\` function is not allowed to return all-zero values. The argument of the \`weights\` function is ${n}.`);
  if (!raw.every(Number.isFinite)) throw new EngineError('invalid-argument', `The \`weights\`function is not allowed to return infinite or NaN values. The argument of the \`weights\` function is ${n}.`);
  const w = Float64Array.from([...raw, p.priorWeight]);
  const total = s + p.priorWeight;
  for (let k = 0; k < w.length; k++) w[k] = (w[k] as number) / total;
  return w;
}

export class ParzenEstimator {
  readonly nKernels: number;
  readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly kernels: Kernels[];
  private scratch = new Float64Array(0);

  /**
   * @param observations internal values per parameter of `space`, all of the same length n (the trials
   *   that contain every parameter), oldest first.
   */
  constructor(
    observations: readonly Float64Array[],
    readonly space: readonly (readonly [string, Distribution])[],
    params: ParzenEstimatorParameters,
  ) {
    const n = observations[0]?.length ?? 0;
    this.weights = mixtureWeights(n, params);
    this.nKernels = this.weights.length;
    this.logWeights = this.weights.map(Math.log);
    this.kernels = space.map(([, d], i) => {
      const obs = observations[i] as Float64Array;
      return d.type === 'categorical' ? categoricalKernels(obs, d.choices.length, params.priorWeight) : numericKernels(obs, d, space.length, params);
    });
  }

  /** Kernel means and bandwidths of numeric parameter `i` (transformed space; last = prior). */
  numericKernels(i: number): { mus: Float64Array; sigmas: Float64Array } {
    const k = this.kernels[i];
    if (k?.kind !== 'numeric') throw new EngineError('invalid-argument', `Parameter ${i} is not numeric.`);
    return { mus: k.mus, sigmas: k.sigmas };
  }

  /** Kernel probability rows of categorical parameter `i` (K × C, last row = prior). */
  categoricalRows(i: number): Float64Array {
    const k = this.kernels[i];
    if (k?.kind !== 'categorical') throw new EngineError('invalid-argument', `Parameter ${i} is not categorical.`);
    return k.probs;
  }

  /** `size` draws in internal representation, one Float64Array per parameter. */
  sample(rng: Rng, size: number): Float64Array[] {
    const K = this.nKernels;
    const active = new Int32Array(size);
    for (let s = 0; s < size; s++) {
      const u = rng.float();
      let acc = 0;
      let k = 0;
      for (; k < K - 1; k++) {
        acc += this.weights[k] as number;
        if (acc > u) break;
      }
      active[s] = k;
    }
    return this.kernels.map((kern) => {
      const out = new Float64Array(size);
      for (let s = 0; s < size; s++) {
        const k = active[s] as number;
        const u = rng.float();
        if (kern.kind === 'categorical') {
          const C = kern.nChoices;
          let acc = 0;
          let c = 0;
          for (; c < C - 1; c++) {
            acc += kern.probs[k * C + c] as number;
            if (!(acc < u)) break;
          }
          out[s] = c;
          continue;
        }
        const mu = kern.mus[k] as number;
        const sigma = kern.sigmas[k] as number;
        let x = truncnormPpf(u, (kern.lo - mu) / sigma, (kern.hi - mu) / sigma) * sigma + mu;
        if (kern.log) x = Math.exp(x);
        if (kern.step !== 0) x = kern.low + roundHalfEven((x - kern.low) / kern.step) * kern.step;
        out[s] = x < kern.low ? kern.low : x > kern.high ? kern.high : x;
      }
      return out;
    });
  }

  /** Mixture log density at `size` points given per parameter (internal representation). */
  logPdf(samples: readonly Float64Array[], size: number): Float64Array {
    const K = this.nKernels;
    if (this.scratch.length < size * K) this.scratch = new Float64Array(size * K);
    const acc = this.scratch;
    for (let m = 0; m < size; m++) acc.set(this.logWeights, m * K);
    this.kernels.forEach((kern, i) => {
      const xs = samples[i] as Float64Array;
      if (kern.kind === 'categorical') addCategorical(acc, kern, xs, size, K);
      else if (kern.step === 0) addContinuous(acc, kern, xs, size, K);
      else addDiscrete(acc, kern, xs, size, K);
    });
    const out = new Float64Array(size);
    for (let m = 0; m < size; m++) {
      const base = m * K;
      let max = -Infinity;
      for (let k = 0; k < K; k++) if ((acc[base + k] as number) > max) max = acc[base + k] as number;
      if (max === -Infinity) {
        out[m] = -Infinity;
        continue;
      }
      const floor = max - LSE_CUTOFF;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const v = acc[base + k] as number;
        if (v > floor) sum += Math.exp(v - max);
      }
      out[m] = max + Math.log(sum);
    }
    return out;
  }
}

function addCategorical(acc: Float64Array, kern: CategoricalKernels, xs: Float64Array, size: number, K: number): void {
  const C = kern.nChoices;
  for (let m = 0; m < size; m++) {
    const c = Math.trunc(xs[m] as number);
    const base = m * K;
    for (let k = 0; k < K; k++) acc[base + k] = (acc[base + k] as number) + (kern.logProbs[k * C + c] as number);
  }
}

function addContinuous(acc: Float64Array, kern: NumericKernels, xs: Float64Array, size: number, K: number): void {
  for (let m = 0; m < size; m++) {
    const x = kern.log ? Math.log(xs[m] as number) : (xs[m] as number);
    const base = m * K;
    if (!(x >= kern.lo && x <= kern.hi)) {
      for (let k = 0; k < K; k++) acc[base + k] = -Infinity;
      continue;
    }
    for (let k = 0; k < K; k++) {
      const z = (x - (kern.mus[k] as number)) / (kern.sigmas[k] as number);
      acc[base + k] = (acc[base + k] as number) - 0.5 * z * z + (kern.logNorm[k] as number);
    }
  }
}

function addDiscrete(acc: Float64Array, kern: NumericKernels, xs: Float64Array, size: number, K: number): void {
  const G = kern.groupMu.length;
  const table = new Float64Array(G);
  const done = new Uint8Array(size);
  for (let m = 0; m < size; m++) {
    if (done[m] === 1) continue;
    const x = xs[m] as number;
    const left = kern.log ? Math.log(x - kern.step / 2) : x - kern.step / 2;
    const right = kern.log ? Math.log(x + kern.step / 2) : x + kern.step / 2;
    for (let g = 0; g < G; g++) {
      const mu = kern.groupMu[g] as number;
      const s = kern.groupSigma[g] as number;
      table[g] = logGaussMass((left - mu) / s, (right - mu) / s) - (kern.groupLogNorm[g] as number);
    }
    // Apply to every candidate with this same value.
    for (let m2 = m; m2 < size; m2++) {
      if (done[m2] === 1 || xs[m2] !== x) continue;
      done[m2] = 1;
      const base = m2 * K;
      for (let k = 0; k < K; k++) acc[base + k] = (acc[base + k] as number) + (table[kern.groupOf[k] as number] as number);
    }
  }
}
