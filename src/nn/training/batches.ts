/**
 * Mini-batch construction for training and validation: seeded base noise x0 ~ N(0, I) and times
 * t ~ U(0, 1) for the whole batch, the adapter's host arrays per micro-batch, uploaded as tensors.
 *
 * Micro-batches: on memory-limited backends (wasm has a 4 GiB heap; the attention tensors of one
 * batch of 64 sets × 500 trials need more) a batch is processed in slices and their gradients are
 * summed with weights size_k / B. The loss is a mean over data sets and nothing couples data sets
 * (no batch statistics), so this equals the full-batch gradient; noise and dropout masks are drawn per
 * data set, so the split does not change them either.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, splitmix32 } from '../../shared/rng.ts';
import { buildHostInputs, type DataSets, type Standardization } from '../adapter.ts';
import { SUMMARY_INPUT_DIM, type NetworkConfig } from '../config.ts';
import type { LossInputs } from '../networks/approximator.ts';

/**
 * Default bound on attention-score entries (sets · heads · Nq · Nk) per micro-batch: 2^23 floats =
 * 32 MiB per score tensor (8 sets × 4 heads × 500² trials). A training step keeps several tensors of
 * that size per attention block for the backward pass: a whole batch of 64 × 500 (2^26 entries) ran
 * out of wasm's 4 GiB heap (measured, e = 64), 16 sets per micro-batch peaked at 2.7 GB process RSS.
 */
export const DEFAULT_ATTENTION_BUDGET = 1 << 23;

/** Largest micro-batch whose attention scores fit `budget` entries (≥ 1). */
export function autoMicroBatchSize(config: NetworkConfig, numObs: number, budget = DEFAULT_ATTENTION_BUDGET): number {
  const keys = config.numInducingPoints ?? numObs;
  return Math.max(1, Math.floor(budget / (config.numHeads * numObs * keys)));
}

export interface BatchNoise {
  /** (B, D) base noise. */
  readonly x0: Float32Array;
  /** (B) times in [0, 1). */
  readonly t: Float32Array;
  /** One dropout stream per data set of the batch. */
  readonly dropoutRngs: Rng[];
}

/** Noise and dropout streams for a batch of `size` data sets, from (noiseSeed, dropoutSeed, step). */
export function drawBatchNoise(size: number, paramDim: number, noiseSeed: number, dropoutSeed: number, step: number): BatchNoise {
  const rng = Rng.stream(noiseSeed, step);
  const x0 = new Float32Array(size * paramDim);
  for (let i = 0; i < x0.length; i++) x0[i] = rng.normal();
  const t = new Float32Array(size);
  for (let i = 0; i < size; i++) t[i] = rng.float();
  const stepSeed = splitmix32(dropoutSeed ^ splitmix32(step));
  const dropoutRngs = Array.from({ length: size }, (_, r) => Rng.stream(stepSeed, r));
  return { x0, t, dropoutRngs };
}

/** Tensors for rows [from, to) of a batch (`rows` are data-set indices, `noise` covers the whole batch). */
export function uploadLossInputs(
  sets: DataSets,
  rows: Int32Array,
  from: number,
  to: number,
  standardization: Standardization,
  noise: BatchNoise,
): LossInputs {
  const p = sets.paramDim;
  const h = buildHostInputs(sets, rows.subarray(from, to), standardization);
  return {
    summary: tf.tensor3d(h.summary, [h.size, h.numObs, SUMMARY_INPUT_DIM]),
    mask: h.mask === null ? null : tf.tensor2d(h.mask, [h.size, h.numObs]),
    sqrtNumObs: tf.tensor2d(h.sqrtNumObs, [h.size, 1]),
    x1: tf.tensor2d(h.x1!, [h.size, p]),
    x0: tf.tensor2d(noise.x0.subarray(from * p, to * p), [h.size, p]),
    t: tf.tensor2d(noise.t.subarray(from, to), [h.size, 1]),
  };
}

export function disposeLossInputs(b: LossInputs): void {
  for (const t of [b.summary, b.mask, b.sqrtNumObs, b.x1, b.x0, b.t]) t?.dispose();
}

/** Batch b of `order` (the last batch may be partial). */
export function batchRows(order: Int32Array, b: number, batchSize: number): Int32Array {
  return order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
}

/** Micro-batch boundaries [from, to) covering `size` rows in slices of at most `micro`. */
export function microRanges(size: number, micro: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < size; a += micro) out.push([a, Math.min(size, a + micro)]);
  return out;
}
