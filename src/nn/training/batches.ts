/**
 * Mini-batch construction for training and validation: the adapter's host arrays per micro-batch,
 * uploaded as tensors, and the base noise x0 ~ N(0, I) and times t ~ U(0, 1), a function of the step's
 * key and the data set's position in the batch (made on the device by the `batchNoise` op).
 *
 * Micro-batches: on memory-limited backends (wasm has a 4 GiB heap; the attention tensors of one
 * batch of 64 sets × 500 trials need more) a batch is processed in slices and their gradients are
 * summed with weights size_k / B. The loss is a mean over data sets and nothing couples data sets
 * (no batch statistics), so this equals the full-batch gradient; noise and dropout masks are drawn per
 * data set, so the split does not change them either.
 */
import * as tf from '@tensorflow/tfjs';
import { buildHostInputs, type DataSets, type Standardization } from '../model/adapter.ts';
import { SUMMARY_INPUT_DIM, type NetworkConfig } from '../model/config.ts';
import type { LossInputs } from '../networks/approximator.ts';
import { ATTENTION_MAX_DIM } from '../kernels/index.ts';
import { batchNoise, type NoiseKey } from '../ops/index.ts';
import { passBytes } from './pass-bytes.ts';
import {
  DEFAULT_ATTENTION_BUDGET,
  DEFAULT_MEMORY_BUDGET,
  type MemoryBudget,
  type PassOptions,
} from '../runtime/memory-budget.ts';

/**
 * Peak bytes of one training pass, per data set and fixed (./pass-bytes.ts passBytes), with the fused
 * attention path where this backend and head width take it.
 */
export function trainingPassBytes(
  config: NetworkConfig,
  numObs: number,
  pass: PassOptions = {},
): { perSet: number; fixed: number } {
  return passBytes(config, numObs, { fused: fusedAttention(config, pass), webgpu: pass.device === 'webgpu' });
}

function fusedAttention(config: NetworkConfig, pass: PassOptions): boolean {
  // MultiHeadAttention's heads are embedDim wide (src/nn/blocks/mab.ts).
  return pass.fusedAttention === true && config.embedDim <= ATTENTION_MAX_DIM;
}

/** Headroom over the fit when planning (its residuals on budget-sized passes are ≈ 1 %). */
const PLAN_MARGIN = 1.1;

export class MemoryBudgetError extends Error {
  override readonly name = 'MemoryBudgetError';
}

/** Floats of the largest single tensor one data set adds to a pass: scores, projections or MLP activations. */
export function largestTensorPerSet(config: NetworkConfig, numObs: number, pass: PassOptions = {}): number {
  const keys = config.numInducingPoints ?? numObs;
  const widest = Math.max(config.numHeads * config.embedDim, ...config.mlpWidths, ...config.flowWidths);
  // Fused: the largest attention tensor is the packed dK | dV, 2 · h · Nk · embed ≤ 2 · N · h · embed.
  if (fusedAttention(config, pass)) return Math.max(2 * config.numHeads * keys * config.embedDim, numObs * widest);
  return Math.max(config.numHeads * numObs * keys, numObs * widest);
}

/**
 * Largest micro-batch (≥ 1 set) within both the single-tensor bound and the memory budget. Throws a
 * MemoryBudgetError naming the sizes when not even one data set fits, so the trial fails with a reason
 * before anything is allocated.
 */
export function autoMicroBatchSize(config: NetworkConfig, numObs: number, budget: MemoryBudget = {}): number {
  const scores = budget.scores ?? DEFAULT_ATTENTION_BUDGET;
  const bytes = budget.bytes ?? DEFAULT_MEMORY_BUDGET;
  const { perSet, fixed } = trainingPassBytes(config, numObs, budget);
  const gib = (x: number): string => `${(x / 2 ** 30).toFixed(2)} GiB`;
  const byBytes = Math.floor((bytes / PLAN_MARGIN - fixed) / perSet);
  if (byBytes < 1) {
    throw new MemoryBudgetError(
      `one data set of ${numObs} trials needs about ${gib((perSet + fixed) * PLAN_MARGIN)} to train with embed_dim ${config.embedDim}, ` +
        `more than the ${gib(bytes)} this backend allows; use fewer trials per data set or a smaller embed_dim`,
    );
  }
  const largest = largestTensorPerSet(config, numObs, budget);
  const byTensor = Math.floor(scores / largest);
  if (byTensor < 1) {
    throw new MemoryBudgetError(
      `one data set of ${numObs} trials needs a ${gib(largest * 4)} tensor (attention scores) with embed_dim ${config.embedDim}, ` +
        `more than the ${gib(scores * 4)} this GPU allows in one buffer; use fewer trials per data set`,
    );
  }
  return Math.min(byBytes, byTensor);
}

/** Philox keys of a step: its flow-matching noise and its dropout masks (rows keyed by batch position). */
export interface BatchKeys {
  readonly noise: NoiseKey;
  readonly dropout: { readonly key0: number; readonly key1: number };
}

/**
 * The keys for step `step` of a run. The noise itself (x0 and t) is made per micro-batch by the
 * `batchNoise` op from (key, row), on the device where the backend can: no step draws random numbers
 * in JavaScript.
 */
export function batchKeys(noiseSeed: number, dropoutSeed: number, step: number): BatchKeys {
  return { noise: { key0: noiseSeed >>> 0, key1: step >>> 0 }, dropout: { key0: dropoutSeed >>> 0, key1: step >>> 0 } };
}

/** Tensors for rows [from, to) of a batch (`rows` are data-set indices, `noise` covers the whole batch). */
export function uploadLossInputs(
  sets: DataSets,
  rows: Int32Array,
  from: number,
  to: number,
  standardization: Standardization,
  keys: BatchKeys,
  /** Flow-matching draws (x0, t) per data set (1: BayesFlow's one draw per set). */
  flowDraws = 1,
): LossInputs {
  const p = sets.paramDim;
  const h = buildHostInputs(sets, rows.subarray(from, to), standardization);
  return {
    summary: tf.tensor3d(h.summary, [h.size, h.numObs, SUMMARY_INPUT_DIM]),
    mask: h.mask === null ? null : tf.tensor2d(h.mask, [h.size, h.numObs]),
    sqrtNumObs: tf.tensor2d(h.sqrtNumObs, [h.size, 1]),
    x1: tf.tensor2d(h.x1!, [h.size, p]),
    ...batchNoise(h.size * flowDraws, p, keys.noise, from * flowDraws),
  };
}

export function disposeLossInputs(b: LossInputs): void {
  for (const t of [b.summary, b.mask, b.sqrtNumObs, b.x1, b.x0, b.t]) t?.dispose();
}

/** Batch b of `order` (the last batch may be partial). */
export function batchRows(order: Int32Array, b: number, batchSize: number): Int32Array {
  return order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
}

/**
 * Micro-batch boundaries [from, to) covering `size` rows in the fewest slices of at most `micro`, as
 * equal as they can be (sizes differ by at most one): tfjs's webgpu buffer pool keeps the buffers of
 * every slice size it has seen, so 35 + 29 holds two sets of buffers where 32 + 32 holds one.
 */
export function microRanges(size: number, micro: number): [number, number][] {
  const passes = Math.max(1, Math.ceil(size / micro));
  const base = Math.floor(size / passes);
  const extra = size - base * passes;
  const out: [number, number][] = [];
  let a = 0;
  for (let k = 0; k < passes && a < size; k++) {
    const b = a + base + (k < extra ? 1 : 0);
    out.push([a, b]);
    a = b;
  }
  return out;
}
