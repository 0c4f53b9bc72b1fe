/**
 * Names and signatures of this project's own tfjs kernels, as tfjs-core's `kernel_names.ts` declares its
 * own: one name constant per kernel, its inputs as an interface of named tensors (tfjs's
 * `Pick<NamedTensorInfoMap, …>` would type every input as possibly undefined) and its attributes as a
 * plain object. The ops in `../ops/` call `tf.engine().runKernel` with exactly these types, and every
 * backend implementation (reference, wasm, webgpu) reads them, so a kernel's contract is written once.
 *
 * Names carry the `Dmc` prefix: tfjs keeps one kernel registry per process, so a bare name could collide
 * with one that a later tfjs release adds.
 */
import type { TensorInfo } from '@tensorflow/tfjs';

/**
 * Slice `index` of a rank-3 tensor x (G, M, K) as a rank-2 tensor (M, K): out[m, k] = x[index, m, k].
 * No gradient of its own: only the custom gradients of the sliced products use it.
 */
export const TakeSlice = 'DmcTakeSlice';
export interface TakeSliceInputs {
  /** (G, M, K). */
  x: TensorInfo;
}
export interface TakeSliceAttrs {
  /** 0-based slice along the leading axis, 0 ≤ index < G. */
  index: number;
}

/**
 * Inverted dropout with masks from Philox4x32-10 (src/shared/philox.ts), computed where they are applied:
 * y = x · keep / (1 − rate). The leading axis of x is the data set: element j of row r (r counted from
 * `rowOffset`, so a data set keeps its masks in any micro-batch) is kept when the 16-bit half (j & 1) of
 * word ((j >> 1) & 3) of Philox(counter (j >> 3, rowOffset + r, site, 0), key (key0, key1)) is at least
 * round(rate · 2^16). The same kernel on dy is the gradient: the mask is recomputed, never stored.
 */
export const Dropout = 'DmcDropout';
export interface DropoutInputs {
  /** (rows, …), float32. */
  x: TensorInfo;
}
export interface DropoutAttrs {
  /** Drop probability in [0, 1). */
  rate: number;
  /** Philox key: per training run and step. */
  key0: number;
  key1: number;
  /** Which dropout of the forward pass (its order in the pass). */
  site: number;
  /** Batch position of row 0. */
  rowOffset: number;
}

/**
 * Fused attention forward: for q (B, h, Nq, k), k and v (B, h, Nk, k) and an optional key bias
 * (B, 1, 1, Nk), P = softmax(scale · q·kᵀ + bias) over keys, dropout on P with the masks `Dropout` would
 * apply to the (B, h, Nq, Nk) tensor at `site` (row b, element (hh·Nq + i)·Nk + j), O = P·v. The scores
 * are never stored. Output: one flat float32 tensor [O (B·h·Nq·k) | (m, log l) per query row (2·B·h·Nq)],
 * O first so the op takes it as a prefix; m = max_j s_j and l = Σ_j exp(s_j − m) are the row's softmax
 * statistics, kept for the backward pass. They are kept apart rather than as m + log l: for a row whose
 * keys are all padded m ≈ −1e9, and m + log l would round log l away in float32. (tfjs runs one output
 * per program; packing keeps O and the statistics from one pass over the keys.)
 */
export const Attention = 'DmcAttention';
export interface AttentionInputs {
  q: TensorInfo;
  k: TensorInfo;
  v: TensorInfo;
  /** (B, 1, 1, Nk) additive key bias (0 or −1e9), or absent. */
  bias?: TensorInfo;
}
export interface AttentionAttrs {
  /** Multiplies q before the product (1 / √k in MultiHeadAttention). */
  scale: number;
  /** Dropout on the probabilities: rate 0 = none (then key, site and rowOffset are unused). */
  rate: number;
  key0: number;
  key1: number;
  site: number;
  rowOffset: number;
}

/**
 * Fused attention backward, dQ (B, h, Nq, k): scores recomputed from q, k, bias and the forward's (m, log l),
 * D = rowsum(dO ∘ O) per query row, dS = P ∘ (dP ∘ mask − D), dQ = scale · dS·k.
 */
export const AttentionGradQ = 'DmcAttentionGradQ';
export interface AttentionGradInputs extends AttentionInputs {
  /** The forward's packed output [O | (m, log l)]. */
  ol: TensorInfo;
  /** dL/dO, (B, h, Nq, k). */
  dy: TensorInfo;
}

/** Fused attention backward, flat [dK (B·h·Nk·k) | dV (B·h·Nk·k)], one pass over the queries per key. */
export const AttentionGradKV = 'DmcAttentionGradKV';
