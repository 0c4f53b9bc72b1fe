/**
 * Log densities of the Parzen mixture (see parzen-estimator.ts). The joint path sums per-parameter
 * kernel log densities into a candidates × kernels matrix and log-sum-exps each row; one-parameter
 * mixtures (independent TPE, the default) take shortcuts with the same result: categorical mixtures
 * collapse to one probability per choice, discrete ones to one weight per distinct (mu, sigma), and
 * continuous ones skip the exp of kernels far below the best.
 */
import { logGaussMass } from './truncnorm.ts';

export interface NumericKernels {
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
  /** log of each kernel's normal mass on [lo, hi]. */
  readonly logMass: Float64Array;
  /** Discrete only: kernels grouped by identical (mu, sigma). */
  readonly groupOf: Int32Array;
  readonly groupMu: Float64Array;
  readonly groupSigma: Float64Array;
}

/**
 * Categorical kernels: row i < n puts (pw/K + [c = obs_i]) / (C·pw/K + 1) on choice c, the prior row
 * 1/C (rows normalised as in Optuna; an all-zero row stays zero). The K × C matrix is only built
 * when needed (sampling from l, joint densities); one-parameter densities use `mixture`.
 */
export class CategoricalKernels {
  readonly kind = 'categorical';
  private probsCache: Float64Array | null = null;
  private logProbsCache: Float64Array | null = null;

  constructor(
    readonly nChoices: number,
    /** Observed choice indices, oldest first. */
    readonly obs: Float64Array,
    readonly priorWeight: number,
  ) {}

  private rowValues(): { K: number; base: number; bump: number; prior: number } {
    const n = this.obs.length;
    const C = this.nChoices;
    if (n === 0) return { K: 1, base: 0, bump: 0, prior: 1 / C };
    const K = n + 1;
    const f = this.priorWeight / K;
    const obsSum = C * f + 1;
    const priorSum = C * f;
    return { K, base: f / obsSum, bump: 1 / obsSum, prior: priorSum === 0 ? 0 : f / priorSum };
  }

  /** K × C row-major kernel probabilities (last row = prior). */
  get probs(): Float64Array {
    if (this.probsCache === null) {
      const { K, base, bump, prior } = this.rowValues();
      const C = this.nChoices;
      const n = this.obs.length;
      const p = new Float64Array(K * C).fill(base);
      for (let i = 0; i < n; i++) p[i * C + Math.trunc(this.obs[i] as number)] = base + bump;
      p.fill(prior, (K - 1) * C);
      this.probsCache = p;
    }
    return this.probsCache;
  }

  get logProbs(): Float64Array {
    this.logProbsCache ??= this.probs.map(Math.log);
    return this.logProbsCache;
  }

  /** Σ_k w_k p_k(c) for every choice c, in O(n + C). */
  mixture(weights: Float64Array): Float64Array {
    const { K, base, bump, prior } = this.rowValues();
    const C = this.nChoices;
    const n = this.obs.length;
    let obsWeight = 0;
    const table = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      obsWeight += w;
      const c = Math.trunc(this.obs[i] as number);
      table[c] = (table[c] as number) + w * bump;
    }
    const wPrior = weights[K - 1] as number;
    for (let c = 0; c < C; c++) table[c] = (table[c] as number) + obsWeight * base + wPrior * prior;
    return table;
  }
}

export type Kernels = NumericKernels | CategoricalKernels;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Terms more than this many nats below the largest add < 4e-18 each relative: skipped. */
const LSE_CUTOFF = 40;

/** Reused work buffers (TPE builds two estimators per parameter per trial; no per-call garbage). */
const pools: Float64Array[] = [new Float64Array(1024), new Float64Array(1024), new Float64Array(1024)];
const intPools: Int32Array[] = [0, 1, 2, 3].map(() => new Int32Array(1024));
function intScratchOf(n: number, slot: number): Int32Array {
  if ((intPools[slot] as Int32Array).length < n) intPools[slot] = new Int32Array(Math.max(n, 2 * (intPools[slot] as Int32Array).length));
  return intPools[slot] as Int32Array;
}

function scratchOf(n: number, slot = 0): Float64Array {
  if ((pools[slot] as Float64Array).length < n) pools[slot] = new Float64Array(Math.max(n, 2 * (pools[slot] as Float64Array).length));
  return pools[slot] as Float64Array;
}

/** log Σ exp(v[base .. base+K)), skipping terms far below the maximum. */
function logSumExpRow(v: Float64Array, base: number, K: number): number {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if ((v[base + k] as number) > max) max = v[base + k] as number;
  if (max === -Infinity) return -Infinity;
  const floor = max - LSE_CUTOFF;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const x = v[base + k] as number;
    if (x > floor) sum += Math.exp(x - max);
  }
  return max + Math.log(sum);
}

/** Cell [x − step/2, x + step/2] in the transformed space. */
function cell(kern: NumericKernels, x: number): [number, number] {
  const h = kern.step / 2;
  return kern.log ? [Math.log(x - h), Math.log(x + h)] : [x - h, x + h];
}

function exactCellTerm(kern: NumericKernels, logW: Float64Array, g: number, left: number, right: number): number {
  const mu = kern.groupMu[g] as number;
  const s = kern.groupSigma[g] as number;
  return (logW[g] as number) + logGaussMass((left - mu) / s, (right - mu) / s);
}

/**
 * log Σ_g exp(logW_g + log mass_g(cell of x)). A cheap upper bound on each group's cell mass,
 * (width/σ)·φ(distance from mu to the cell), lets far groups be skipped once some group's exact term
 * is known: a skipped term is more than LSE_CUTOFF nats below it.
 */
function discreteLogMixture(kern: NumericKernels, logW: Float64Array, x: number, terms: Float64Array): number {
  const G = kern.groupMu.length;
  const [left, right] = cell(kern, x);
  const logWidth = Math.log(right - left);
  let bestG = 0;
  for (let g = 0; g < G; g++) {
    const mu = kern.groupMu[g] as number;
    const s = kern.groupSigma[g] as number;
    const dist = mu < left ? left - mu : mu > right ? mu - right : 0;
    const z = dist / s;
    terms[g] = (logW[g] as number) + logWidth - Math.log(s) - LOG_SQRT_2PI - 0.5 * z * z;
    if ((terms[g] as number) > (terms[bestG] as number)) bestG = g;
  }
  const known = exactCellTerm(kern, logW, bestG, left, right);
  const floor = known - LSE_CUTOFF;
  for (let g = 0; g < G; g++) {
    if (g === bestG) terms[g] = known;
    else terms[g] = (terms[g] as number) < floor ? -Infinity : exactCellTerm(kern, logW, g, left, right);
  }
  return logSumExpRow(terms, 0, G);
}

export function logPdf1D(kern: Kernels, weights: Float64Array, xs: Float64Array, size: number, out: Float64Array): Float64Array {
  const K = weights.length;
  if (kern.kind === 'categorical') {
    const table = kern.mixture(weights);
    for (let m = 0; m < size; m++) out[m] = Math.log(table[Math.trunc(xs[m] as number)] as number);
    return out;
  }
  if (kern.step !== 0) {
    const G = kern.groupMu.length;
    const logW = scratchOf(G, 1).fill(0, 0, G);
    for (let k = 0; k < K; k++) logW[kern.groupOf[k] as number] = (logW[kern.groupOf[k] as number] as number) + (weights[k] as number);
    const groupLogMass = scratchOf(G, 2);
    for (let k = 0; k < K; k++) groupLogMass[kern.groupOf[k] as number] = kern.logMass[k] as number;
    for (let g = 0; g < G; g++) logW[g] = Math.log(logW[g] as number) - (groupLogMass[g] as number);
    const terms = scratchOf(G);
    for (let m = 0; m < size; m++) {
      const x = xs[m] as number;
      let prev = -1;
      for (let j = 0; j < m; j++) if (xs[j] === x) prev = j;
      if (prev >= 0) {
        out[m] = out[prev] as number;
        continue;
      }
      out[m] = discreteLogMixture(kern, logW, x, terms);
    }
    return out;
  }
  return continuousLogMixture(kern, weights, xs, size, out);
}

/**
 * One-parameter continuous mixture. With many kernels most are narrow (bandwidth clipped to
 * range/100) and far from a given point; they are bucketed by mean so that only those within reach
 * are evaluated: a narrow kernel is skipped when even its largest possible term (largest narrow
 * constant, widest narrow sigma) is more than LSE_CUTOFF nats below a term already computed — the
 * same tolerance as the log-sum-exp itself. Wide kernels (the prior among them) are always evaluated.
 */
function continuousLogMixture(kern: NumericKernels, weights: Float64Array, xs: Float64Array, size: number, out: Float64Array): Float64Array {
  const K = weights.length;
  const base = scratchOf(K, 1);
  const inv = scratchOf(K, 2);
  let sigmaMin = Infinity;
  for (let k = 0; k < K; k++) {
    const s = kern.sigmas[k] as number;
    base[k] = Math.log((weights[k] as number) / s) - LOG_SQRT_2PI - (kern.logMass[k] as number);
    inv[k] = 1 / s;
    if (k < K - 1 && s < sigmaMin) sigmaMin = s;
  }
  const terms = scratchOf(K, 0);
  const width = 1.5 * sigmaMin; // at large n most bandwidths sit at the magic-clip floor
  const nb = Math.min(4096, Math.floor((kern.hi - kern.lo) / width));
  if (!(K > 64 && nb >= 8)) {
    for (let m = 0; m < size; m++) {
      const x = kern.log ? Math.log(xs[m] as number) : (xs[m] as number);
      if (!(x >= kern.lo && x <= kern.hi)) {
        out[m] = -Infinity;
        continue;
      }
      for (let k = 0; k < K; k++) {
        const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
        terms[k] = (base[k] as number) - 0.5 * z * z;
      }
      out[m] = logSumExpRow(terms, 0, K);
    }
    return out;
  }
  // Counting sort of the narrow kernels (sigma ≤ width) into nb buckets over [lo, hi].
  const bucketW = (kern.hi - kern.lo) / nb;
  const start = intScratchOf(nb + 1, 0).fill(0, 0, nb + 1);
  const bucketOf = intScratchOf(K, 1).fill(-1, 0, K);
  const wide: number[] = [];
  let narrowMaxBase = -Infinity;
  for (let k = 0; k < K; k++) {
    if (k === K - 1 || (kern.sigmas[k] as number) > width) {
      wide.push(k);
      continue;
    }
    const b = Math.min(nb - 1, Math.max(0, Math.floor(((kern.mus[k] as number) - kern.lo) / bucketW)));
    bucketOf[k] = b;
    start[b + 1] = (start[b + 1] as number) + 1;
    if ((base[k] as number) > narrowMaxBase) narrowMaxBase = base[k] as number;
  }
  for (let b = 0; b < nb; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const fill = intScratchOf(nb, 2);
  fill.set(start.subarray(0, nb));
  const members = intScratchOf(K, 3);
  for (let k = 0; k < K; k++) {
    const b = bucketOf[k] as number;
    if (b < 0) continue;
    const at = fill[b] as number;
    members[at] = k;
    fill[b] = at + 1;
  }
  for (let m = 0; m < size; m++) {
    const x = kern.log ? Math.log(xs[m] as number) : (xs[m] as number);
    if (!(x >= kern.lo && x <= kern.hi)) {
      out[m] = -Infinity;
      continue;
    }
    let n = 0;
    let best = -Infinity;
    for (const k of wide) {
      const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
      const t = (base[k] as number) - 0.5 * z * z;
      terms[n++] = t;
      if (t > best) best = t;
    }
    // The kernels of x's own bucket first: they usually hold the largest term.
    const bx = Math.min(nb - 1, Math.max(0, Math.floor((x - kern.lo) / bucketW)));
    for (let j = start[bx] as number; j < (start[bx + 1] as number); j++) {
      const k = members[j] as number;
      const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
      const t = (base[k] as number) - 0.5 * z * z;
      terms[n++] = t;
      if (t > best) best = t;
    }
    // Reach of a narrow kernel: base − ½(d/width)² ≥ best − cutoff  ⇔  d ≤ width·√(2(base − best + cutoff)).
    const slack = narrowMaxBase - best + LSE_CUTOFF;
    if (slack > 0) {
      const span = Math.ceil((width * Math.sqrt(2 * slack)) / bucketW);
      const b0 = Math.max(0, bx - span);
      const b1 = Math.min(nb - 1, bx + span);
      for (let b = b0; b <= b1; b++) {
        if (b === bx) continue;
        for (let j = start[b] as number; j < (start[b + 1] as number); j++) {
          const k = members[j] as number;
          const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
          terms[n++] = (base[k] as number) - 0.5 * z * z;
        }
      }
    }
    out[m] = logSumExpRow(terms, 0, n);
  }
  return out;
}

export function logPdfJoint(
  kernels: readonly Kernels[],
  weights: Float64Array,
  samples: readonly Float64Array[],
  size: number,
  out: Float64Array,
): Float64Array {
  const K = weights.length;
  const acc = scratchOf(size * K);
  for (let m = 0; m < size; m++) for (let k = 0; k < K; k++) acc[m * K + k] = Math.log(weights[k] as number);
  kernels.forEach((kern, i) => {
    const xs = samples[i] as Float64Array;
    if (kern.kind === 'categorical') {
      const C = kern.nChoices;
      for (let m = 0; m < size; m++) {
        const c = Math.trunc(xs[m] as number);
        for (let k = 0; k < K; k++) acc[m * K + k] = (acc[m * K + k] as number) + (kern.logProbs[k * C + c] as number);
      }
    } else if (kern.step === 0) {
      for (let m = 0; m < size; m++) {
        const x = kern.log ? Math.log(xs[m] as number) : (xs[m] as number);
        const inside = x >= kern.lo && x <= kern.hi;
        for (let k = 0; k < K; k++) {
          const s = kern.sigmas[k] as number;
          const z = (x - (kern.mus[k] as number)) / s;
          const v = inside ? -0.5 * z * z - Math.log(s) - LOG_SQRT_2PI - (kern.logMass[k] as number) : -Infinity;
          acc[m * K + k] = (acc[m * K + k] as number) + v;
        }
      }
    } else {
      const G = kern.groupMu.length;
      const table = new Float64Array(G);
      for (let m = 0; m < size; m++) {
        const [left, right] = cell(kern, xs[m] as number);
        for (let g = 0; g < G; g++) {
          const mu = kern.groupMu[g] as number;
          const s = kern.groupSigma[g] as number;
          table[g] = logGaussMass((left - mu) / s, (right - mu) / s);
        }
        for (let k = 0; k < K; k++) {
          acc[m * K + k] = (acc[m * K + k] as number) + (table[kern.groupOf[k] as number] as number) - (kern.logMass[k] as number);
        }
      }
    }
  });
  for (let m = 0; m < size; m++) out[m] = logSumExpRow(acc, m * K, K);
  return out;
}
