/**
 * Forward-pass context: whether dropout is active, where its randomness comes from, and which op
 * implementations run (`ops`, see ../ops/options.ts).
 *
 * Dropout masks are drawn from the project's seeded RNG in JavaScript rather than `tf.dropout`, so a
 * training step is reproducible from (seed, step) on every backend (the webgpu-vs-wasm equality check
 * trains from the same weights and gets the same loss) and the mask is one upload, not a random kernel
 * plus a compare.
 *
 * One RNG per data set (row of the batch): every dropout site in these networks acts on a tensor whose
 * leading axis is the data set — attention probabilities (B, heads, Nq, Nk), set MLPs (B, N, w), the
 * flow MLP (B, w) — so row r's mask entries come from rngs[r] in a fixed order. A data set therefore
 * gets the same masks whether its batch is processed whole or split into micro-batches (gradient
 * accumulation on memory-limited backends) and the loss does not depend on that split.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../shared/index.ts';
import { DEFAULT_OPS, type OpsOptions } from '../ops/index.ts';

export interface ForwardContext {
  /** Training stage: dropout on. Validation, sampling and summaries use `training: false`. */
  readonly training: boolean;
  /** One dropout RNG per data set of the batch; required when training with a dropout rate > 0. */
  readonly rngs: readonly Rng[] | null;
  /** Kernel or composite path of the products (and later kernels); the same values either way. */
  readonly ops: OpsOptions;
}

/** Inference with the default ops; an Approximator's own is `approx.inference` (its `ops`). */
export const INFERENCE: ForwardContext = Object.freeze({ training: false, rngs: null, ops: DEFAULT_OPS });

/**
 * Inverted dropout mask: each entry is 0 with probability `rate`, else 1 / (1 − rate) (Keras
 * `Dropout`). Two decisions per 32-bit draw (16 bits each): the drop probability is rate rounded to
 * a multiple of 2^−16 (error ≤ 7.7e−6), which halves the JavaScript cost of masks for the large
 * attention-probability tensors (B · heads · N² entries).
 */
export function dropoutMask(size: number, rate: number, rngs: readonly Rng[]): Float32Array {
  const rows = rngs.length;
  if (rows === 0 || size % rows !== 0) throw new Error(`dropoutMask: ${size} values do not split into ${rows} rows`);
  const out = new Float32Array(size);
  const per = size / rows;
  const threshold = Math.round(rate * 65536);
  const keep = 1 / (1 - rate);
  for (let r = 0; r < rows; r++) {
    const rng = rngs[r]!;
    const end = (r + 1) * per;
    let i = r * per;
    for (; i + 1 < end; i += 2) {
      const u = rng.nextU32();
      out[i] = (u & 0xffff) >= threshold ? keep : 0;
      out[i + 1] = u >>> 16 >= threshold ? keep : 0;
    }
    if (i < end) out[i] = (rng.nextU32() & 0xffff) >= threshold ? keep : 0;
  }
  return out;
}

/** Applies dropout to `x` when training; identity otherwise (and for rate 0). */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate === 0) return x;
  if (ctx.rngs === null) throw new Error(`dropout(rate ${rate}) in training needs ctx.rngs`);
  if (x.shape[0] !== ctx.rngs.length) {
    throw new Error(`dropout: leading axis ${x.shape[0]} does not match ${ctx.rngs.length} row RNGs`);
  }
  return tf.mul(x, tf.tensor(dropoutMask(x.size, rate, ctx.rngs), x.shape, 'float32'));
}
