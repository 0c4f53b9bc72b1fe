/**
 * One optimizer step and the validation loss, as fit (fit.ts) runs them: micro-batches of the batch with
 * their gradients accumulated, Adam guarded by the loss on the device, and nothing read back inside.
 * Per-step keys come from seed streams (`streamSeed`) so every backend and micro-batch size sees the
 * same noise and dropout masks.
 */
import * as tf from '@tensorflow/tfjs';
import { splitmix32 } from '../../shared/index.ts';
import type { DataSets, Standardization } from '../model/adapter.ts';
import type { Approximator } from '../networks/approximator.ts';
import { backendMemoryBudget } from '../runtime/device.ts';
import { variableGradsFreeing } from '../kernels/index.ts';
import { yieldToEventLoop } from '../runtime/yield.ts';
import type { Adam } from './adam.ts';
import {
  autoMicroBatchSize,
  batchKeys,
  batchRows,
  disposeLossInputs,
  microRanges,
  uploadLossInputs,
} from './batches.ts';
import type { ScalarCache } from './scalars.ts';

/** Purposes of the per-step RNG streams (hashed with the seed so they never overlap). */
export const STREAM = { shuffle: 0x5f1, noise: 0x2a3, dropout: 0xd20, validation: 0x7a1 } as const;

export function streamSeed(seed: number, purpose: number): number {
  return splitmix32(splitmix32(Math.trunc(seed) ^ purpose) + purpose);
}

/** The value of a scalar loss, read without blocking; the tensor is disposed once it is read. */
export function readScalar(t: tf.Scalar): Promise<number> {
  const value = t
    .data()
    .then((d) => d[0]!)
    .finally(() => t.dispose());
  // Awaited later (in order, or on the way out): a failure must not count as unhandled meanwhile.
  value.catch(() => undefined);
  return value;
}

export interface StepInputs {
  approx: Approximator;
  adam: Adam;
  vars: tf.Variable[];
  sets: DataSets;
  /** Data-set indices of this batch. */
  rows: Int32Array;
  standardization: Standardization;
  seed: number;
  /** 0-based global optimizer step. */
  step: number;
  lr: number;
  /** Data sets per forward/backward pass. */
  micro: number;
  /** The micro-batch weights b_k / B, uploaded once per run. */
  scalars: ScalarCache;
  /** Flow-matching draws (x0, t) per data set (default 1, BayesFlow's). */
  flowDraws?: number;
}

/**
 * One optimizer step, queued; returns the batch loss as a tensor (the caller's to dispose) without
 * reading it. The gradient is Σ_k (b_k / B)·∇loss_k over micro-batches (= ∇ of the batch mean). A
 * non-finite loss leaves the weights untouched (Adam's guard).
 */
export async function trainStep({
  approx,
  adam,
  vars,
  sets,
  rows,
  standardization,
  seed,
  step,
  lr,
  micro,
  scalars,
  flowDraws,
}: StepInputs): Promise<tf.Scalar> {
  const size = rows.length;
  const keys = batchKeys(streamSeed(seed, STREAM.noise), streamSeed(seed, STREAM.dropout), step);
  let total: tf.Scalar | null = null;
  let acc: tf.NamedTensorMap | null = null;
  try {
    for (const [from, to] of microRanges(size, micro)) {
      const inputs = uploadLossInputs(sets, rows, from, to, standardization, keys, flowDraws);
      const weight = (to - from) / size;
      try {
        const { value, grads } = variableGradsFreeing(() => {
          const l = approx.loss(inputs, true, { ...keys.dropout, rowOffset: from });
          return weight === 1 ? l : (tf.mul(l, scalars.get(weight)) as tf.Scalar);
        }, vars);
        if (acc === null || total === null) {
          acc = grads;
          total = value;
        } else {
          const prevAcc: tf.NamedTensorMap = acc;
          const prevTotal: tf.Scalar = total;
          acc = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.add(prevAcc[k]!, g)]));
          total = tf.add(prevTotal, value) as tf.Scalar;
          tf.dispose([...Object.values(prevAcc), ...Object.values(grads), prevTotal, value]);
        }
      } finally {
        disposeLossInputs(inputs);
      }
      // A step of 128 sets at N = 1000 runs 128 passes (~2 min on wasm): between passes the worker
      // stays responsive to messages (a cancel, a test runner's heartbeat).
      if (to < size) await yieldToEventLoop();
    }
    await adam.applyIfFinite(acc!, lr, total!);
    const loss = total!;
    total = null;
    return loss;
  } finally {
    total?.dispose();
    if (acc !== null) tf.dispose(Object.values(acc));
  }
}

export interface ValidationOptions {
  batchSize: number;
  seed: number;
  epoch: number;
  microBatchSize?: number;
  signal?: AbortSignal;
}

/**
 * Validation loss without dropout: batch-size-weighted mean over batches of `batchSize` in data order.
 * Base noise and times come from per-(epoch, batch) streams (the reference draws fresh ones each
 * epoch, so the validation loss is noisy).
 */
export async function validationLoss(
  approx: Approximator,
  sets: DataSets,
  standardization: Standardization,
  opts: ValidationOptions,
): Promise<number> {
  const micro =
    opts.microBatchSize ??
    autoMicroBatchSize(approx.config, sets.maxObs, backendMemoryBudget(approx.ops, approx.config.embedDim));
  const noiseSeed = streamSeed(opts.seed, STREAM.validation) ^ splitmix32(opts.epoch);
  const order = Int32Array.from({ length: sets.n }, (_, i) => i);
  // Reads are started per micro-batch and awaited at the end, summed in micro-batch order (a fixed order: the
  // validation loss is the same number however the reads arrive).
  const reads: Promise<number>[] = [];
  const weights: number[] = [];
  try {
    for (let b = 0; b * opts.batchSize < sets.n; b++) {
      opts.signal?.throwIfAborted();
      const rows = batchRows(order, b, opts.batchSize);
      const keys = batchKeys(noiseSeed, 0, b);
      for (const [from, to] of microRanges(rows.length, micro)) {
        const inputs = uploadLossInputs(sets, rows, from, to, standardization, keys);
        try {
          reads.push(readScalar(approx.loss(inputs, false)));
          weights.push(to - from);
        } finally {
          disposeLossInputs(inputs);
        }
      }
    }
    const values = await Promise.all(reads);
    let sum = 0;
    values.forEach((v, i) => (sum += v * weights[i]!));
    return sum / sets.n;
  } finally {
    await Promise.allSettled(reads);
  }
}
