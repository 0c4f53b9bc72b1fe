/**
 * Forward-pass context: whether dropout is active, where its randomness comes from, and which op
 * implementations run (`ops`, see ../ops/options.ts).
 *
 * Dropout masks come from a counter-based generator (Philox4x32-10) keyed by (run, step) and indexed
 * by (site, data set, element), computed inside the kernel that applies them (../ops/dropout.ts). So a
 * training step is reproducible from (seed, step) on every backend, with the same bits on webgpu, wasm
 * and cpu, and nothing is drawn in JavaScript or uploaded.
 *
 * Every dropout site in these networks acts on a tensor whose leading axis is the data set —
 * attention probabilities (B, heads, Nq, Nk), set MLPs (B, N, w), the flow MLP (B, w) — and the row
 * index in the counter is the data set's position in the whole batch (`rowOffset` + row). A data set
 * therefore gets the same masks whether its batch is processed whole or split into micro-batches, and
 * the loss does not depend on that split. Sites are numbered in the order the forward pass reaches
 * them, which the network's structure fixes.
 */
import * as tf from '@tensorflow/tfjs';
import { dropoutOp, DEFAULT_OPS, type AttentionDropout, type DropoutKey, type OpsOptions } from '../ops/index.ts';

/** A forward pass's dropout key and its site counter. */
export interface DropoutStream extends DropoutKey {
  /** The next site's number (0, 1, 2, … in the order the pass applies dropout). */
  nextSite(): number;
}

export function dropoutStream(key: DropoutKey): DropoutStream {
  let site = 0;
  return { key0: key.key0, key1: key.key1, rowOffset: key.rowOffset, nextSite: () => site++ };
}

export interface ForwardContext {
  /** Training stage: dropout on. Validation, sampling and summaries use `training: false`. */
  readonly training: boolean;
  /** Required when training with a dropout rate > 0; one stream per forward pass. */
  readonly dropout: DropoutStream | null;
  /** Kernel or composite path of the products (and later kernels); the same values either way. */
  readonly ops: OpsOptions;
}

/** Inference with the default ops; an Approximator's own is `approx.inference` (its `ops`). */
export const INFERENCE: ForwardContext = Object.freeze({ training: false, dropout: null, ops: DEFAULT_OPS });

/**
 * The next dropout site of the pass when dropout at `rate` is active, else null (and no site is taken):
 * for ops that apply dropout inside a kernel of their own (attention).
 */
export function dropoutSite(rate: number, ctx: ForwardContext): AttentionDropout | null {
  if (!ctx.training || rate === 0) return null;
  if (ctx.dropout === null) throw new Error(`dropout(rate ${rate}) in training needs a dropout stream`);
  return { rate, key: ctx.dropout, site: ctx.dropout.nextSite() };
}

/** Applies dropout to `x` when training; identity otherwise (and for rate 0). */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  const d = dropoutSite(rate, ctx);
  return d === null ? x : dropoutOp(x, d.rate, d.key, d.site);
}
