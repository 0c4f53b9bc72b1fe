/**
 * The Parzen estimator of TPE (optuna/samplers/_tpe/parzen_estimator.py and
 * probability_distributions.py, v5.0; v4.9's multivariate bandwidth as an option): a mixture of n + 1 product kernels — one per observation plus
 * the prior — over the (sub)space. See docs/design/study-engine.md#tpe.
 *
 * Numeric parameters live in a transformed space (log for log parameters; bounds widened by step/2
 * for stepped and integer ones; integer-log uses log(low − ½), log(high + ½) as in Optuna ≥ 4.7).
 * Continuous kernels are truncated normals on the transformed bounds (log densities without the
 * Jacobian, which cancels in log l − log g); discrete kernels give the probability mass of the grid
 * cell. Categorical kernels put (pw/(n+1) + [k = c_i]) / (C·pw/(n+1) + 1) on choice k.
 *
 * Typed arrays throughout; densities are in parzen-density.ts.
 */
import type { Rng } from '../../../shared/index.ts';
import { EngineError, type Distribution, type FloatDistribution, type IntDistribution } from '../../types.ts';
import { roundHalfEven } from '../numeric.ts';
import { lowerBound, sortFloat64 } from './sort.ts';
import { logPdf1D, logPdfJoint } from './parzen-density.ts';
import { CategoricalKernels, type Kernels, type NumericKernels } from './parzen-kernels.ts';
import { logGaussMass, truncnormPpf } from './truncnorm.ts';
import { Workspace } from './workspace.ts';

export interface ParzenEstimatorParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  multivariate: boolean;
  /**
   * Bandwidth of multivariate kernels: 'neighbor' (Optuna 5.0: per dimension, as univariate ones) or
   * 'scott' (Optuna ≤ 4.x: 0.2·max(n, 1)^(−1/(d+4))·range for every kernel). Absent: 'neighbor'.
   * Univariate kernels use the neighbour rule either way.
   */
  bandwidth?: 'neighbor' | 'scott';
  weights: (n: number) => ArrayLike<number>;
}

const EPS = 1e-12;
/** Below this truncated mass, rejection sampling would waste draws: invert the CDF instead. */
const REJECTION_MIN_MASS = 0.3;

/**
 * Univariate bandwidths (v4.9): distance to the farther sorted neighbour, bounds as outer neighbours;
 * without endpoints the extreme kernels use their inner gap. Equal mus take the sorted positions of
 * their run in observation order (a stable argsort).
 */
function univariateSigmas(
  mus: Float64Array,
  n: number,
  low: number,
  high: number,
  considerEndpoints: boolean,
  ws: Workspace,
  out: Float64Array,
): void {
  const sorted = ws.f64('sorted', n);
  sorted.set(mus.subarray(0, n));
  sortFloat64(sorted, n);
  const sortedSigma = ws.f64('sortedSigma', n);
  for (let p = 0; p < n; p++) {
    const mu = sorted[p] as number;
    const left = p === 0 ? low : (sorted[p - 1] as number);
    const right = p === n - 1 ? high : (sorted[p + 1] as number);
    sortedSigma[p] = Math.max(mu - left, right - mu);
  }
  if (!considerEndpoints && n >= 2) {
    sortedSigma[0] = (sorted[1] as number) - (sorted[0] as number);
    sortedSigma[n - 1] = (sorted[n - 1] as number) - (sorted[n - 2] as number);
  }
  const taken = ws.i32('taken', n);
  for (let i = 0; i < n; i++) {
    const p = lowerBound(sorted, n, mus[i] as number);
    out[i] = sortedSigma[p + (taken[p] as number)] as number;
    taken[p] = (taken[p] as number) + 1;
  }
}

function numericKernels(
  obs: Float64Array,
  d: FloatDistribution | IntDistribution,
  dim: number,
  p: ParzenEstimatorParameters,
  ws: Workspace,
  slot: number,
): NumericKernels {
  const n = obs.length;
  const step = d.step ?? 0;
  let lo = d.low - step / 2;
  let hi = d.high + step / 2;
  if (d.log) {
    lo = Math.log(lo);
    hi = Math.log(hi);
  }
  const K = n + 1;
  const mus = ws.f64(`mus${slot}`, K);
  const sigmas = ws.f64(`sigmas${slot}`, K);
  for (let i = 0; i < n; i++) mus[i] = d.log ? Math.log(obs[i] as number) : (obs[i] as number);
  if (p.multivariate && p.bandwidth === 'scott') sigmas.fill(0.2 * Math.max(n, 1) ** (-1 / (dim + 4)) * (hi - lo));
  else univariateSigmas(mus, n, lo, hi, p.considerEndpoints, ws, sigmas);
  const maxSigma = hi - lo;
  const minSigma = p.considerMagicClip ? (hi - lo) / Math.min(100, n + 2) : EPS;
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(Math.max(sigmas[i] as number, minSigma), maxSigma);
  mus[n] = 0.5 * (lo + hi);
  sigmas[n] = hi - lo;

  const logMass = ws.f64(`logMass${slot}`, K);
  let groupOf = ws.i32(`groupOf${slot}`, 0);
  let groupMu = ws.f64(`groupMu${slot}`, 0);
  let groupSigma = ws.f64(`groupSigma${slot}`, 0);
  if (step === 0) {
    for (let k = 0; k < K; k++) {
      const mu = mus[k] as number;
      const s = sigmas[k] as number;
      logMass[k] = logGaussMass((lo - mu) / s, (hi - mu) / s);
    }
  } else {
    // Discrete masses are evaluated once per distinct (mu, sigma): integer observations repeat.
    groupOf = ws.i32(`groupOf${slot}`, K);
    const gMu = ws.f64(`gMu${slot}`, K);
    const gSigma = ws.f64(`gSigma${slot}`, K);
    const gMass = ws.f64(`gMass${slot}`, K);
    // Groups sharing a mu are chained: head by mu in a Map, then nextSame[g] − 1 (0 ends the chain).
    const head = new Map<number, number>();
    const nextSame = ws.i32(`nextSame${slot}`, K);
    let G = 0;
    for (let k = 0; k < K; k++) {
      const mu = mus[k] as number;
      const s = sigmas[k] as number;
      let g = head.get(mu) ?? -1;
      while (g >= 0 && gSigma[g] !== s) g = (nextSame[g] as number) - 1;
      if (g < 0) {
        g = G++;
        gMu[g] = mu;
        gSigma[g] = s;
        gMass[g] = logGaussMass((lo - mu) / s, (hi - mu) / s);
        nextSame[g] = (head.get(mu) ?? -1) + 1;
        head.set(mu, g);
      }
      groupOf[k] = g;
      logMass[k] = gMass[g] as number;
    }
    groupMu = gMu.subarray(0, G);
    groupSigma = gSigma.subarray(0, G);
  }
  return {
    kind: 'numeric',
    mus,
    sigmas,
    lo,
    hi,
    log: d.log,
    step,
    low: d.low,
    high: d.high,
    logMass,
    groupOf,
    groupMu,
    groupSigma,
  };
}

function mixtureWeights(n: number, p: ParzenEstimatorParameters, ws: Workspace): Float64Array {
  if (p.priorWeight < 0) {
    throw new EngineError(
      'invalid-argument',
      `A non-negative value must be specified for prior_weight, but got ${p.priorWeight}.`,
    );
  }
  if (n === 0) return ws.f64('weights', 1).fill(1);
  const raw = p.weights(n);
  const w = ws.f64('weights', n + 1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = Number(raw[i]);
    if (x < 0)
      throw new EngineError(
        'invalid-argument',
        `The \`weights\` function is not allowed to return negative values. The argument of the \`weights\` function is ${n}.`,
      );
    if (!Number.isFinite(x))
      throw new EngineError(
        'invalid-argument',
        `The \`weights\`function is not allowed to return infinite or NaN values. The argument of the \`weights\` function is ${n}.`,
      );
    w[i] = x;
    sum += x;
  }
  if (sum <= 0)
    throw new EngineError(
      'invalid-argument',
      `The \`weight\` function is not allowed to return all-zero values. The argument of the \`weights\` function is ${n}.`,
    );
  w[n] = p.priorWeight;
  const total = sum + p.priorWeight;
  for (let k = 0; k <= n; k++) w[k] = (w[k] as number) / total;
  return w;
}

export class ParzenEstimator {
  readonly nKernels: number;
  readonly weights: Float64Array;
  private readonly cumWeights: Float64Array;
  private readonly kernels: Kernels[];
  private readonly ws: Workspace;

  /**
   * @param observations internal values per parameter of `space`, all of length n (the trials that
   *   contain every parameter), oldest first; categorical observations must stay unchanged while
   *   the estimator is used.
   * @param ws buffers to build in, and the density code's work buffers; the estimator is valid until
   *   `ws` builds another one.
   */
  constructor(
    observations: readonly Float64Array[],
    readonly space: readonly (readonly [string, Distribution])[],
    params: ParzenEstimatorParameters,
    ws: Workspace = new Workspace(),
  ) {
    const n = observations[0]?.length ?? 0;
    this.ws = ws;
    this.weights = mixtureWeights(n, params, ws);
    this.nKernels = this.weights.length;
    this.cumWeights = ws.f64('cumWeights', this.nKernels);
    let acc = 0;
    for (let k = 0; k < this.nKernels; k++) this.cumWeights[k] = acc += this.weights[k] as number;
    this.kernels = space.map(([, d], i) => {
      const obs = observations[i] as Float64Array;
      return d.type === 'categorical'
        ? new CategoricalKernels(d.choices.length, obs, params.priorWeight)
        : numericKernels(obs, d, space.length, params, ws, i);
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

  /**
   * `size` draws in internal representation, one Float64Array per parameter (views into the
   * estimator's workspace, valid until its next `sample` call).
   */
  sample(rng: Rng, size: number): Float64Array[] {
    const K = this.nKernels;
    const active = this.ws.i32('active', size);
    for (let s = 0; s < size; s++) {
      // First kernel whose cumulative weight exceeds u (numpy's choice with p=weights).
      const u = rng.float() * (this.cumWeights[K - 1] as number);
      let a = 0;
      let b = K - 1;
      while (a < b) {
        const mid = (a + b) >> 1;
        if ((this.cumWeights[mid] as number) > u) b = mid;
        else a = mid + 1;
      }
      active[s] = a;
    }
    return this.kernels.map((kern, i) => {
      const out = this.ws.f64(`draws${i}`, size);
      for (let s = 0; s < size; s++) {
        const k = active[s] as number;
        if (kern.kind === 'categorical') {
          const u = rng.float();
          const C = kern.nChoices;
          const probs = kern.probs;
          let acc = 0;
          let c = 0;
          for (; c < C - 1; c++) {
            acc += probs[k * C + c] as number;
            if (!(acc < u)) break;
          }
          out[s] = c;
          continue;
        }
        const mu = kern.mus[k] as number;
        const sigma = kern.sigmas[k] as number;
        const a = (kern.lo - mu) / sigma;
        const b = (kern.hi - mu) / sigma;
        let z: number;
        if ((kern.logMass[k] as number) > Math.log(REJECTION_MIN_MASS)) {
          do z = rng.normal();
          while (z < a || z > b);
        } else {
          z = truncnormPpf(rng.float(), a, b);
        }
        let x = z * sigma + mu;
        if (kern.log) x = Math.exp(x);
        if (kern.step !== 0) x = kern.low + roundHalfEven((x - kern.low) / kern.step) * kern.step;
        out[s] = x < kern.low ? kern.low : x > kern.high ? kern.high : x;
      }
      return out;
    });
  }

  /**
   * Mixture log density at `size` points given per parameter (internal representation); a view into
   * the estimator's workspace, valid until its next `logPdf` call.
   */
  logPdf(samples: readonly Float64Array[], size: number): Float64Array {
    const out = this.ws.f64('logPdf', size);
    if (this.kernels.length === 1)
      return logPdf1D(this.ws, this.kernels[0] as Kernels, this.weights, samples[0] as Float64Array, size, out);
    return logPdfJoint(this.ws, this.kernels, this.weights, samples, size, out);
  }
}
