/**
 * Forward-pass context: whether dropout is active and where its randomness comes from.
 *
 * Dropout masks are drawn from the project's seeded RNG in JavaScript rather than `tf.dropout`, so a
 * training step is reproducible from (seed, step) on every backend (the webgpu-vs-wasm equality check
 * trains from the same weights and gets the same loss) and the mask is one upload, not a random kernel
 * plus a compare.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../shared/rng.ts';

export interface ForwardContext {
  /** Training stage: dropout on. Validation, sampling and summaries use `training: false`. */
  readonly training: boolean;
  /** Source of dropout masks; required when training with a dropout rate > 0. */
  readonly rng: Rng | null;
}

export const INFERENCE: ForwardContext = Object.freeze({ training: false, rng: null });

/**
 * Inverted dropout mask: each entry is 0 with probability `rate`, else 1 / (1 − rate) (Keras
 * `Dropout`). Two decisions per 32-bit draw (16 bits each): the drop probability is rate rounded to
 * a multiple of 2^−16 (error ≤ 7.7e−6), which halves the JavaScript cost of masks for the large
 * attention-probability tensors (B · heads · N² entries).
 */
export function dropoutMask(size: number, rate: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  const threshold = Math.round(rate * 65536);
  const keep = 1 / (1 - rate);
  let i = 0;
  for (; i + 1 < size; i += 2) {
    const u = rng.nextU32();
    out[i] = (u & 0xffff) >= threshold ? keep : 0;
    out[i + 1] = u >>> 16 >= threshold ? keep : 0;
  }
  if (i < size) out[i] = (rng.nextU32() & 0xffff) >= threshold ? keep : 0;
  return out;
}

/** Applies dropout to `x` when training; identity otherwise (and for rate 0). */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate === 0) return x;
  if (ctx.rng === null) throw new Error(`dropout(rate ${rate}) in training needs ctx.rng`);
  return tf.mul(x, tf.tensor(dropoutMask(x.size, rate, ctx.rng), x.shape, 'float32'));
}
