/**
 * Posterior sampling (docs/design/networks.md#flow-matching, docs/design/networks.md#cost): for each data set, draw z ~ N(0, I) (S, D) and integrate
 * the velocity field from t = 0 to 1 (Euler by default, 100 steps; or RK4), dropout off, then invert the
 * standardization. The summary network runs once per data set and its conditions are broadcast over the
 * S draws. Work is done in chunks of data sets so memory stays bounded (≈ chunk·S rows per activation);
 * results are read with `await data()` only (never a synchronous read: webgpu, docs/design/gpu-path.md#rules-the-code-keeps).
 *
 * Base noise for data set i comes from Rng.stream(seed, i): the draws depend on (weights, seed, i)
 * only, not on the chunk size or on which other data sets are sampled together.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../shared/index.ts';
import {
  buildHostInputs,
  DataSets,
  disposeInputs,
  unstandardize,
  uploadInputs,
  validateStandardization,
  type SimBatch,
  type Standardization,
} from '../model/adapter.ts';
import type { Approximator } from '../networks/approximator.ts';
import { integrate, type IntegrationMethod } from '../networks/integrate.ts';
import { GpuErrorWatch } from '../runtime/device.ts';
import { yieldToEventLoop } from '../runtime/yield.ts';

export interface SampleOptions {
  /** Draws per data set (BayesFlow diagnostics: 1000). */
  numSamples: number;
  /** Integration steps (default 100). */
  steps?: number;
  /** 'euler' (default, BayesFlow) or 'rk4'. */
  method?: IntegrationMethod;
  /** Seed of the base noise. */
  seed: number;
  /** Data sets per chunk; default keeps chunk·numSamples ≤ 65,536 rows and makes at least 20 chunks. */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Called after every chunk with data sets done / total. */
  onProgress?: (done: number, total: number) => void;
}

/** Rows (data sets × draws) per integration chunk by default: 64 MiB per 256-wide float32 activation. */
export const DEFAULT_CHUNK_ROWS = 65536;
/** Fewest chunks a sampling run is cut into by default. */
const PROGRESS_CHUNKS = 20;
/** Bound on attention-score entries (sets · heads · N²) per summary-network call during sampling. */
export const SUMMARY_CHUNK_SCORES = 1 << 24;

/** Draws (n, S, P) row-major on the original parameter scale. */
export async function samplePosterior(
  approx: Approximator,
  batch: SimBatch | readonly SimBatch[] | DataSets,
  standardization: Standardization,
  opts: SampleOptions,
): Promise<Float32Array> {
  const sets = DataSets.from(batch);
  const p = approx.config.paramDim;
  if (sets.paramDim !== p)
    throw new Error(`samplePosterior: batch has ${sets.paramDim} parameters, network expects ${p}`);
  validateStandardization(standardization, p);
  const s = opts.numSamples;
  if (!Number.isInteger(s) || s < 1)
    throw new Error(`samplePosterior: numSamples must be a positive integer, got ${s}`);
  const steps = opts.steps ?? 100;
  const method = opts.method ?? 'euler';
  // At least PROGRESS_CHUNKS chunks: progress (and a cancel) arrives per chunk, and one chunk for all
  // 100 validation sets of a small study left the diagnostics bar at 0 % until sampling was over.
  const chunk =
    opts.chunkSize ?? Math.max(1, Math.min(Math.floor(DEFAULT_CHUNK_ROWS / s), Math.ceil(sets.n / PROGRESS_CHUNKS)));
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new Error(`samplePosterior: chunkSize must be a positive integer, got ${chunk}`);

  const out = new Float32Array(sets.n * s * p);
  const gpu = new GpuErrorWatch();
  try {
    for (let start = 0; start < sets.n; start += chunk) {
      opts.signal?.throwIfAborted();
      gpu.check();
      const end = Math.min(sets.n, start + chunk);
      // Each chunk in error scopes, judged with its read: a refused chunk stops the run with the GPU's message.
      const close = gpu.scope();
      let read: Promise<tf.TypedArray>;
      try {
        const conditions = await chunkConditions(approx, sets, standardization, start, end);
        const noise = baseNoise(opts.seed, start, end, s, p);
        const draws = tf.tidy(() => {
          const m = (end - start) * s;
          // (n_c, C) → (n_c·S, C): data set i's condition repeated for each of its S draws.
          const c = tf.reshape(tf.tile(tf.expandDims(conditions, 1), [1, s, 1]), [m, -1]) as tf.Tensor2D;
          const z = tf.tensor2d(noise, [m, p]);
          return integrate(
            (x, t) => approx.inferenceNetwork.velocity(x, tf.fill([m, 1], t) as tf.Tensor2D, c, approx.inference),
            z,
            method,
            steps,
          );
        });
        conditions.dispose();
        read = draws.data().finally(() => draws.dispose());
      } catch (e) {
        await close();
        gpu.check();
        throw e;
      }
      const [values] = await Promise.allSettled([read, close()]);
      gpu.check();
      if (values.status === 'rejected') throw values.reason;
      out.set(unstandardize(values.value as Float32Array, standardization), start * s * p);
      opts.onProgress?.(end, sets.n);
    }
  } finally {
    gpu.dispose();
  }
  return out;
}

/** Conditions (end − start, 1 + summary_dim) for a range of data sets, computed in memory-bounded sub-chunks. */
async function chunkConditions(
  approx: Approximator,
  sets: DataSets,
  standardization: Standardization,
  start: number,
  end: number,
): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  const { numHeads, numInducingPoints } = approx.config;
  const n = sets.maxObs;
  const perSet = numHeads * n * (numInducingPoints ?? n);
  let i = start;
  while (i < end) {
    const size = Math.max(1, Math.min(end - i, Math.floor(SUMMARY_CHUNK_SCORES / perSet)));
    const rows = Int32Array.from({ length: size }, (_, k) => i + k);
    const inputs = uploadInputs(buildHostInputs(sets, rows, standardization, false), sets.paramDim);
    parts.push(approx.conditions(inputs.summary, inputs.mask, inputs.sqrtNumObs, approx.inference));
    disposeInputs(inputs);
    i += size;
    // Let the backend drain between sub-chunks (and an abort message arrive).
    if (i < end) await yieldToEventLoop();
  }
  if (parts.length === 1) return parts[0]!;
  const all = tf.concat(parts, 0) as tf.Tensor2D;
  for (const t of parts) t.dispose();
  return all;
}

function baseNoise(seed: number, start: number, end: number, s: number, p: number): Float32Array {
  const noise = new Float32Array((end - start) * s * p);
  for (let i = start; i < end; i++) {
    const rng = Rng.stream(seed, i);
    const off = (i - start) * s * p;
    for (let k = 0; k < s * p; k++) noise[off + k] = rng.normal();
  }
  return noise;
}
