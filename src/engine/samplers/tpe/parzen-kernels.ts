/**
 * Kernel data of the Parzen estimator per parameter (built in parzen-estimator.ts, read by the
 * density functions).
 */
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
