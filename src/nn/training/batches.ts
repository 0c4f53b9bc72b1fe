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
import {
  DEFAULT_ATTENTION_BUDGET,
  DEFAULT_MEMORY_BUDGET,
  type MemoryBudget,
  type PassOptions,
} from '../runtime/memory-budget.ts';

/**
 * Peak bytes of one training pass, per data set and fixed, for the notebook's architecture family:
 * per set, bytes per attention score entry (h·N·Nk, unfused attention only), per trial and embedding
 * unit (N·e), per trial, and per set, with 2 attention blocks, 4 heads and MLP widths (128, 128); fixed
 * ≈ 10.7 MB + 158 kB per embedding unit (weights, gradients, Adam moments). The terms scale with the
 * blocks, heads and MLP widths they come from, so other architectures get a proportional estimate.
 * Attention (N²) dominates at N = 1000 on the unfused path, the N·e projections below N ≈ 300, which a
 * score-count-only rule misses. The coefficients are measured, per backend, by `npm run bench -- memory`
 * (bench/memory.bench.ts: single passes over a grid of sizes, least squares in relative error).
 */
export function trainingPassBytes(
  config: NetworkConfig,
  numObs: number,
  pass: PassOptions = {},
): { perSet: number; fixed: number } {
  const keys = config.numInducingPoints ?? numObs;
  const blocks = config.numAttentionBlocks / 2;
  const heads = config.numHeads / 4;
  const mlp = config.mlpWidths.reduce((a, b) => a + b, 0) / 256;
  const fit = pass.device === 'webgpu' ? WEBGPU_FIT : WASM_FIT;
  const scores = fusedAttention(config, pass) ? 0 : fit.perScore * (config.numHeads * numObs * keys);
  const perSet =
    blocks * (scores + fit.perTrialEmbed * heads * numObs * config.embedDim + fit.perTrial * mlp * numObs) + fit.perSet;
  const fixed = 10.7e6 + 158e3 * config.embedDim;
  return { perSet, fixed };
}

/** Bytes per set of a pass: per score entry, per trial and embedding unit, per trial, and per set (see trainingPassBytes). */
interface PassFit {
  readonly perScore: number;
  readonly perTrialEmbed: number;
  readonly perTrial: number;
  readonly perSet: number;
}

/**
 * wasm: tfjs's peak tensor bytes of single passes (engine byte count after every kernel), 12 sizes
 * N 50 … 1000 × e 64 / 128, 2 … 96 sets, 8 seeds, summary 32, dropout 0.28; all within 4 % (2026-12-01,
 * after the backward pass began freeing gradients and saved tensors as it goes, ../kernels/tape.ts —
 * before it: 145 B per score, 3,040 per trial·embed, 113 kB per trial, 1.7 MB per set).
 */
const WASM_FIT: PassFit = { perScore: 39.4, perTrialEmbed: 1174, perTrial: 38.2e3, perSet: 0.69e6 };

/**
 * webgpu with this project's kernels (fused attention, LayerNorm, bias + dropout + activation): the GPU
 * buffer bytes tfjs's buffer manager allocated in single-pass steps (the Dawn profiler, compile-only on
 * SwiftShader), 7 sizes N 100 … 1000 × e 64 / 128, all within 3.1 % (2026-12-01, with ../kernels/tape.ts;
 * before it the in-use peak of 64 sets × N 500 × e 64 was 2,935 MB, now 1,829 MB allocated). Allocated,
 * not in use: the pool keeps freed buffers for reuse, and equal passes (microRanges) reuse them. The
 * unfused attention path, off by default here, borrows wasm's bytes per score entry.
 */
const WEBGPU_FIT: PassFit = { perScore: WASM_FIT.perScore, perTrialEmbed: 647, perTrial: 15.6e3, perSet: 0.28e6 };

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
