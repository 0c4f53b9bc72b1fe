/**
 * Adapter: simulator output → network inputs, and back (BayesFlow `adapters/*`, docs/design/networks.md#data-flow, docs/design/networks.md#adapter-and-standardization).
 *
 * - inference variables x1 (B, P): the parameters in the batch's `paramNames` order (A, tau, mu_c,
 *   mu_r, b[, sd_r]), standardized with a fixed per-parameter mean and std (ddof 1) fitted once on
 *   the training set; the inverse x·std + mean maps samples back;
 * - summary variables (B, N, 3): [rt, accuracy, condition] per trial, raw (−1 rows of non-crossing
 *   trials go in as they are);
 * - direct condition (B, 1): sqrt(num_obs), not standardized — the notebook's adapter
 *   (docs/design/networks.md#adapter-and-standardization). Opt-in (`fitStandardization(…, { condition: true })`): standardized with a fixed
 *   mean/std of sqrt(num_obs) over the training sets, as BayesFlow's default adapter
 *   (`ContinuousApproximator.build_adapter`, `.standardize()` on every key) does. Why offer it: the raw
 *   value (22.4 at N = 500) is a large constant input to the velocity MLP and slows training a lot.
 *   Measured: fitting the data-free velocity of 3 N(0, 1) parameters (MLP 2 × 64, Adam 5e-4, warmup +
 *   cosine, 1000 steps) reached a loss of 1.97 with a constant condition 22 against 1.64 with 0
 *   (optimum ≈ 1.571); on DMC data (notebook prior, N = 100, 1024 sets, 10 epochs of 32, e = 32) the
 *   final validation loss was 1.65 raw vs 1.34 standardized, and the correlation of posterior means
 *   with the truth b 0.38 vs 0.73, mu_c 0.41 vs 0.62, A 0.07 vs 0.48 (mu_r 0.81 vs 0.82).
 *
 * Data sets with different num_obs (several simulator batches) can be combined: rows are padded with
 * zeros to the longest set in the mini-batch and a mask (B, Nmax) (1 real / 0 padding) is returned.
 * Host-side arrays are built here (pure TypeScript); `toTensors` uploads them.
 */
import * as tf from '@tensorflow/tfjs';
import { SUMMARY_INPUT_DIM } from './config.ts';

/**
 * Structural view of the simulator's `DmcBatch` (src/sim), so nn/ does not import sim/:
 * params n×P row-major in `paramNames` order; rt/accuracy/conditions n×numObs row-major.
 */
export interface SimBatch {
  readonly n: number;
  readonly numObs: number;
  readonly paramNames: readonly string[];
  readonly params: Float64Array;
  readonly rt: Float32Array;
  readonly accuracy: Float32Array;
  readonly conditions: Float32Array;
}

/** Fixed per-parameter standardization of the inference variables (fitted on the training set). */
export interface Standardization {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /**
   * Optional standardization of the direct condition sqrt(num_obs); absent ⇒ raw (notebook). A network
   * trained with it must be stored and loaded with it.
   */
  readonly condition?: { readonly mean: number; readonly std: number };
  /**
   * Optional standardization of the summary network's per-trial inputs (rt, accuracy, condition), one
   * mean and std per input over every real trial of the training sets; absent ⇒ raw (notebook). Between
   * data sets the mean RT varies by about 0.05 s while the raw inputs sit near 0.5, so at initialisation
   * the summary outputs differ between sets by a few percent of their size and the flow network needs
   * many steps to amplify that; standardized inputs make the same differences several times larger.
   */
  readonly trials?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

export interface StandardizationOptions {
  /** Also standardize the direct condition sqrt(num_obs) (default false: the notebook's raw value). */
  condition?: boolean;
  /** Also standardize the per-trial summary inputs (default false: the notebook's raw values). */
  trials?: boolean;
}

export class AdapterError extends Error {
  override readonly name = 'AdapterError';
}

/** Several simulator batches (possibly of different num_obs) seen as one indexed collection of data sets. */
export class DataSets {
  readonly n: number;
  readonly paramNames: readonly string[];
  readonly paramDim: number;
  readonly maxObs: number;
  private readonly batchOf: Int32Array;
  private readonly rowOf: Int32Array;

  private constructor(private readonly batches: readonly SimBatch[]) {
    const first = batches[0];
    if (first === undefined) throw new AdapterError('DataSets: at least one batch is required');
    this.paramNames = [...first.paramNames];
    this.paramDim = this.paramNames.length;
    let n = 0;
    let maxObs = 0;
    batches.forEach((b, k) => {
      validateBatch(b, k);
      if (b.paramNames.length !== this.paramDim || b.paramNames.some((p, i) => p !== this.paramNames[i])) {
        throw new AdapterError(
          `DataSets: batch ${k} has paramNames [${b.paramNames.join(',')}], expected [${this.paramNames.join(',')}]`,
        );
      }
      n += b.n;
      maxObs = Math.max(maxObs, b.numObs);
    });
    this.n = n;
    this.maxObs = maxObs;
    this.batchOf = new Int32Array(n);
    this.rowOf = new Int32Array(n);
    let i = 0;
    batches.forEach((b, k) => {
      for (let r = 0; r < b.n; r++, i++) {
        this.batchOf[i] = k;
        this.rowOf[i] = r;
      }
    });
  }

  static from(input: SimBatch | readonly SimBatch[] | DataSets): DataSets {
    if (input instanceof DataSets) return input;
    return new DataSets(isBatchArray(input) ? input : [input]);
  }

  numObs(i: number): number {
    return this.batch(i).numObs;
  }

  /** Parameter j of data set i (original scale). */
  param(i: number, j: number): number {
    return this.batch(i).params[this.rowOf[i]! * this.paramDim + j]!;
  }

  /** Writes data set i's trials as (numObs, 3) rows [rt, accuracy, condition] into `out` at `offset`. */
  writeTrials(i: number, out: Float32Array, offset: number): void {
    const b = this.batch(i);
    const nObs = b.numObs;
    const base = this.rowOf[i]! * nObs;
    for (let k = 0; k < nObs; k++) {
      const o = offset + k * SUMMARY_INPUT_DIM;
      out[o] = b.rt[base + k]!;
      out[o + 1] = b.accuracy[base + k]!;
      out[o + 2] = b.conditions[base + k]!;
    }
  }

  private batch(i: number): SimBatch {
    if (!(i >= 0 && i < this.n)) throw new AdapterError(`DataSets: index ${i} out of range [0, ${this.n})`);
    return this.batches[this.batchOf[i]!]!;
  }
}

function isBatchArray(x: SimBatch | readonly SimBatch[]): x is readonly SimBatch[] {
  return Array.isArray(x);
}

function validateBatch(b: SimBatch, k: number): void {
  const p = b.paramNames.length;
  if (!Number.isInteger(b.n) || b.n < 1) throw new AdapterError(`batch ${k}: n must be a positive integer, got ${b.n}`);
  if (!Number.isInteger(b.numObs) || b.numObs < 1) {
    throw new AdapterError(`batch ${k}: numObs must be a positive integer, got ${b.numObs}`);
  }
  if (b.params.length !== b.n * p) {
    throw new AdapterError(`batch ${k}: params has ${b.params.length} values, expected n·P = ${b.n * p}`);
  }
  for (const key of ['rt', 'accuracy', 'conditions'] as const) {
    if (b[key].length !== b.n * b.numObs) {
      throw new AdapterError(`batch ${k}: ${key} has ${b[key].length} values, expected n·numObs = ${b.n * b.numObs}`);
    }
  }
}

/**
 * Per-parameter mean and std (ddof 1) over all data sets; a constant parameter gets std 1 (the guard of
 * BayesFlow's Standardization layer, no division by 0). With `condition`, the same for sqrt(num_obs).
 */
export function fitStandardization(
  input: SimBatch | readonly SimBatch[] | DataSets,
  opts: StandardizationOptions = {},
): Standardization {
  const sets = DataSets.from(input);
  if (sets.n < 2) throw new AdapterError(`fitStandardization: need at least 2 data sets, got ${sets.n}`);
  const p = sets.paramDim;
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const m = meanSd(sets.n, (i) => sets.param(i, j));
    mean[j] = m.mean;
    std[j] = m.std;
  }
  return {
    mean,
    std,
    ...(opts.condition ? { condition: meanSd(sets.n, (i) => Math.sqrt(sets.numObs(i))) } : {}),
    ...(opts.trials ? { trials: trialMoments(sets) } : {}),
  };
}

/** Mean and std (ddof 1; 1 where constant) of each per-trial input over every trial of every set. */
function trialMoments(sets: DataSets): { mean: number[]; std: number[] } {
  const sum = new Float64Array(SUMMARY_INPUT_DIM);
  const sq = new Float64Array(SUMMARY_INPUT_DIM);
  let count = 0;
  const row = new Float32Array(sets.maxObs * SUMMARY_INPUT_DIM);
  for (let i = 0; i < sets.n; i++) {
    const ni = sets.numObs(i);
    sets.writeTrials(i, row, 0);
    for (let k = 0; k < ni * SUMMARY_INPUT_DIM; k++) {
      sum[k % SUMMARY_INPUT_DIM]! += row[k]!;
      sq[k % SUMMARY_INPUT_DIM]! += row[k]! * row[k]!;
    }
    count += ni;
  }
  const mean = Array.from(sum, (v) => v / count);
  const std = Array.from(sq, (v, j) => {
    const sd = Math.sqrt(Math.max(0, (v - count * mean[j]! ** 2) / (count - 1)));
    return sd > 0 ? sd : 1;
  });
  return { mean, std };
}

function meanSd(n: number, value: (i: number) => number): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < n; i++) s += value(i);
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (value(i) - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return { mean, std: sd > 0 ? sd : 1 };
}

export function validateStandardization(s: Standardization, paramDim: number): void {
  if (s.mean.length !== paramDim || s.std.length !== paramDim) {
    throw new AdapterError(
      `standardization has ${s.mean.length} means and ${s.std.length} stds, expected ${paramDim} each`,
    );
  }
  s.std.forEach((v, j) => {
    if (!(v > 0) || !Number.isFinite(v)) throw new AdapterError(`standardization std[${j}] must be > 0, got ${v}`);
  });
  s.mean.forEach((v, j) => {
    if (!Number.isFinite(v)) throw new AdapterError(`standardization mean[${j}] must be finite, got ${v}`);
  });
  if (s.trials !== undefined) {
    const { mean, std } = s.trials;
    if (mean.length !== SUMMARY_INPUT_DIM || std.length !== SUMMARY_INPUT_DIM) {
      throw new AdapterError(
        `standardization trials must have ${SUMMARY_INPUT_DIM} means and stds, got ${mean.length} and ${std.length}`,
      );
    }
    mean.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new AdapterError(`standardization trials.mean[${j}] must be finite, got ${v}`);
    });
    std.forEach((v, j) => {
      if (!(v > 0) || !Number.isFinite(v))
        throw new AdapterError(`standardization trials.std[${j}] must be > 0, got ${v}`);
    });
  }
  if (s.condition !== undefined) {
    const { mean, std } = s.condition;
    if (!Number.isFinite(mean)) throw new AdapterError(`standardization condition.mean must be finite, got ${mean}`);
    if (!(std > 0) || !Number.isFinite(std))
      throw new AdapterError(`standardization condition.std must be > 0, got ${std}`);
  }
}

/** Host-side network inputs for a list of data sets (one mini-batch). */
export interface HostInputs {
  readonly size: number;
  /** Padded set length: the largest num_obs among the selected data sets. */
  readonly numObs: number;
  /** (size, numObs, 3) [rt, accuracy, condition], zero rows for padding. */
  readonly summary: Float32Array;
  /** (size, numObs) 1 real / 0 padding; null when every selected set has numObs rows. */
  readonly mask: Float32Array | null;
  /** (size, 1) sqrt(num_obs), standardized when the standardization has a `condition` part. */
  readonly sqrtNumObs: Float32Array;
  /** (size, P) standardized parameters; null when no standardization is given. */
  readonly x1: Float32Array | null;
}

/**
 * Host arrays for the selected data sets. `standardization` scales x1 and (if it has a condition part)
 * the direct condition; `withParams: false` skips x1 (sampling, where the parameters are unknown).
 */
export function buildHostInputs(
  sets: DataSets,
  rows: ArrayLike<number>,
  standardization: Standardization | null,
  withParams = true,
): HostInputs {
  const size = rows.length;
  if (size === 0) throw new AdapterError('buildHostInputs: no rows selected');
  let numObs = 0;
  let padded = false;
  for (let r = 0; r < size; r++) numObs = Math.max(numObs, sets.numObs(rows[r]!));
  for (let r = 0; r < size; r++) if (sets.numObs(rows[r]!) !== numObs) padded = true;
  if (standardization !== null) validateStandardization(standardization, sets.paramDim);
  const summary = new Float32Array(size * numObs * SUMMARY_INPUT_DIM);
  const mask = padded ? new Float32Array(size * numObs) : null;
  const sqrtNumObs = new Float32Array(size);
  for (let r = 0; r < size; r++) {
    const i = rows[r]!;
    const ni = sets.numObs(i);
    sets.writeTrials(i, summary, r * numObs * SUMMARY_INPUT_DIM);
    const t = standardization?.trials;
    if (t !== undefined) {
      // Real trials only: padding rows stay zero (the mask hides them).
      const from = r * numObs * SUMMARY_INPUT_DIM;
      for (let k = 0; k < ni * SUMMARY_INPUT_DIM; k++) {
        const j = k % SUMMARY_INPUT_DIM;
        summary[from + k] = (summary[from + k]! - t.mean[j]!) / t.std[j]!;
      }
    }
    if (mask !== null) mask.fill(1, r * numObs, r * numObs + ni);
    const c = standardization?.condition;
    sqrtNumObs[r] = c === undefined ? Math.sqrt(ni) : (Math.sqrt(ni) - c.mean) / c.std;
  }
  let x1: Float32Array | null = null;
  if (standardization !== null && withParams) {
    const p = sets.paramDim;
    x1 = new Float32Array(size * p);
    for (let r = 0; r < size; r++) {
      for (let j = 0; j < p; j++) {
        x1[r * p + j] = (sets.param(rows[r]!, j) - standardization.mean[j]!) / standardization.std[j]!;
      }
    }
  }
  return { size, numObs, summary, mask, sqrtNumObs, x1 };
}

/** Network inputs as tensors (caller disposes, e.g. with `disposeInputs`). */
export interface AdaptedTensors {
  readonly summary: tf.Tensor3D;
  readonly mask: tf.Tensor2D | null;
  readonly sqrtNumObs: tf.Tensor2D;
  readonly x1: tf.Tensor2D | null;
}

export function uploadInputs(h: HostInputs, paramDim: number): AdaptedTensors {
  return {
    summary: tf.tensor3d(h.summary, [h.size, h.numObs, SUMMARY_INPUT_DIM]),
    mask: h.mask === null ? null : tf.tensor2d(h.mask, [h.size, h.numObs]),
    sqrtNumObs: tf.tensor2d(h.sqrtNumObs, [h.size, 1]),
    x1: h.x1 === null ? null : tf.tensor2d(h.x1, [h.size, paramDim]),
  };
}

/** Adapts the selected data sets (default: all) and uploads them as tensors. */
export function toTensors(
  input: SimBatch | readonly SimBatch[] | DataSets,
  standardization: Standardization | null,
  rows?: ArrayLike<number>,
): AdaptedTensors {
  const sets = DataSets.from(input);
  const idx = rows ?? Int32Array.from({ length: sets.n }, (_, i) => i);
  return uploadInputs(buildHostInputs(sets, idx, standardization), sets.paramDim);
}

export function disposeInputs(t: AdaptedTensors): void {
  t.summary.dispose();
  t.mask?.dispose();
  t.sqrtNumObs.dispose();
  t.x1?.dispose();
}

/** Inverse standardization in place-free form: z (…, P) flattened → x = z·std + mean (float32 out). */
export function unstandardize(z: ArrayLike<number>, standardization: Standardization): Float32Array {
  const p = standardization.mean.length;
  if (z.length % p !== 0) throw new AdapterError(`unstandardize: ${z.length} values is not a multiple of P = ${p}`);
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const j = i % p;
    out[i] = z[i]! * standardization.std[j]! + standardization.mean[j]!;
  }
  return out;
}
