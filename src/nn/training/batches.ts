/**
 * Mini-batch construction for training and validation: the adapter's host arrays plus seeded base
 * noise x0 ~ N(0, I) and times t ~ U(0, 1), uploaded as one set of tensors per batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../shared/rng.ts';
import { buildHostInputs, type DataSets, type Standardization } from '../adapter.ts';
import { SUMMARY_INPUT_DIM } from '../config.ts';
import type { LossInputs } from '../networks/approximator.ts';

export function makeLossInputs(
  sets: DataSets,
  rows: ArrayLike<number>,
  standardization: Standardization,
  noiseRng: Rng,
): LossInputs {
  const h = buildHostInputs(sets, rows, standardization);
  const p = sets.paramDim;
  const x0 = new Float32Array(h.size * p);
  for (let i = 0; i < x0.length; i++) x0[i] = noiseRng.normal();
  const t = new Float32Array(h.size);
  for (let i = 0; i < t.length; i++) t[i] = noiseRng.float();
  return {
    summary: tf.tensor3d(h.summary, [h.size, h.numObs, SUMMARY_INPUT_DIM]),
    mask: h.mask === null ? null : tf.tensor2d(h.mask, [h.size, h.numObs]),
    sqrtNumObs: tf.tensor2d(h.sqrtNumObs, [h.size, 1]),
    x1: tf.tensor2d(h.x1!, [h.size, p]),
    x0: tf.tensor2d(x0, [h.size, p]),
    t: tf.tensor2d(t, [h.size, 1]),
  };
}

export function disposeLossInputs(b: LossInputs): void {
  for (const t of [b.summary, b.mask, b.sqrtNumObs, b.x1, b.x0, b.t]) t?.dispose();
}

/** Batch b of `order` (the last batch may be partial). */
export function batchRows(order: Int32Array, b: number, batchSize: number): Int32Array {
  return order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
}
