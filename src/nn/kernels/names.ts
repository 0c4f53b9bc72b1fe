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
 * One Adam step over all variables of a model at once: Keras' per-variable clipnorm, then the Adam update
 * of src/nn/training/adam.ts, on one flat state for every variable (a constant number of GPU
 * dispatches however many variables there are). Guarded: when `loss` is not finite, or an earlier step
 * was not, nothing changes (parameters, moments) and the state stays halted — every later step is
 * skipped too, so the weights are those before the first non-finite loss, whenever the host reads it.
 *
 * Inputs, as an array because their number varies (`packMultiAdamInputs`): the state, the loss, the
 * segment table, the n parameters, then their n gradients. Outputs: the new state, then the n new
 * parameters (fresh tensors for the caller to assign; the inputs are never written).
 */
export const MultiAdam = 'DmcMultiAdam';
export interface MultiAdamInputs {
  /**
   * (3P + 1,) float32, P = Σ sizes: [θ | m | v | halted]. The θ part of an input state is never read
   * (the variables are, so a `setWeights` in between is respected); the output's θ part is the new θ.
   */
  state: TensorInfo;
  /** Scalar float32: the loss of the step; non-finite halts. */
  loss: TensorInfo;
  /** (n + 1,) int32: offset of variable k in the flat layout, and P last. */
  segments: TensorInfo;
  /** The n parameters, float32, in segment order. */
  params: readonly TensorInfo[];
  /** Their gradients, same shapes. */
  grads: readonly TensorInfo[];
}
export interface MultiAdamAttrs {
  /** lr · sqrt(1 − β2^t) / (1 − β1^t), computed on the host in double precision. */
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Per-variable L2 clip norm; 0 = no clipping. */
  clipNorm: number;
}

export function packMultiAdamInputs(x: MultiAdamInputs): TensorInfo[] {
  if (x.params.length !== x.grads.length)
    throw new Error(`MultiAdam: ${x.params.length} parameters, ${x.grads.length} gradients`);
  return [x.state, x.loss, x.segments, ...x.params, ...x.grads];
}

export function unpackMultiAdamInputs(inputs: readonly TensorInfo[]): MultiAdamInputs {
  const n = (inputs.length - 3) / 2;
  if (!Number.isInteger(n) || n < 1) throw new Error(`MultiAdam: ${inputs.length} inputs is not 3 + 2n`);
  return {
    state: inputs[0]!,
    loss: inputs[1]!,
    segments: inputs[2]!,
    params: inputs.slice(3, 3 + n),
    grads: inputs.slice(3 + n),
  };
}

/**
 * Layer normalisation over the last axis: y = (x − μ)·rsqrt(σ² + ε)·γ + β with μ and the biased σ² of
 * each row (a row is the last axis; all leading axes are rows), two-pass (mean first, then squared
 * deviations), as the composite in ../ops/layer-norm.ts.
 */
export const LayerNorm = 'DmcLayerNorm';
export interface LayerNormInputs {
  /** (…, D), float32. */
  x: TensorInfo;
  /** (D). */
  gamma: TensorInfo;
  /** (D). */
  beta: TensorInfo;
}
export interface LayerNormAttrs {
  epsilon: number;
}

/**
 * dx of `LayerNorm` for upstream dy, with μ and σ² recomputed from x (not stored): with
 * x̂ = (x − μ)·r, r = rsqrt(σ² + ε) and g = dy·γ, dx = r·(g − mean(g) − x̂·mean(g·x̂)) per row.
 */
export const LayerNormGrad = 'DmcLayerNormGrad';
export interface LayerNormGradInputs {
  /** (…, D). */
  dy: TensorInfo;
  /** (…, D), the forward input. */
  x: TensorInfo;
  /** (D). */
  gamma: TensorInfo;
}
export type LayerNormGradAttrs = LayerNormAttrs;

/**
 * Partial sums of dγ = Σ dy·x̂ and dβ = Σ dy over blocks of `rowsPerBlock` rows: out (blocks, 2·D) with
 * out[k, j] = Σ_{r in block k} dy[r, j]·x̂[r, j] and out[k, D + j] = Σ_{r in block k} dy[r, j]; rows are
 * all leading axes of x. `ColumnSum` over the blocks finishes the reduction.
 */
export const LayerNormParamGrad = 'DmcLayerNormParamGrad';
export type LayerNormParamGradInputs = Pick<LayerNormGradInputs, 'dy' | 'x'>;
export interface LayerNormParamGradAttrs extends LayerNormAttrs {
  rowsPerBlock: number;
}

/**
 * Column sums of columns [offset, offset + width) of x (R, W) over blocks of `rowsPerBlock` rows:
 * out (ceil(R / rowsPerBlock), width), out[k, c] = Σ_{r in block k} x[r, offset + c], summed in row order.
 * With rowsPerBlock ≥ R it is the full column sum, as (1, width).
 */
export const ColumnSum = 'DmcColumnSum';
export interface ColumnSumInputs {
  /** (R, W), float32. */
  x: TensorInfo;
}
export interface ColumnSumAttrs {
  offset: number;
  width: number;
  rowsPerBlock: number;
}

/** Activations a `BiasAct` kernel applies; codes are the WGSL's. */
export type BiasActivation = 'identity' | 'gelu' | 'mish';

/**
 * y = act(dropout(x + b)) with b broadcast over the last axis of x, exact gelu (erf by Abramowitz &
 * Stegun 7.1.26, as tfjs's Erf kernels), mish as ../ops/activations.ts computes it (x·n/(n + 2),
 * n = e(e + 2), e = exp(min(x, 20))), and dropout exactly as `Dropout` (its rows: the leading axis of x;
 * rate 0: none).
 */
export const BiasAct = 'DmcBiasAct';
export interface BiasActInputs {
  /** (rows, …, C), float32. */
  x: TensorInfo;
  /** (C). */
  bias: TensorInfo;
}
export interface BiasActAttrs extends DropoutAttrs {
  activation: BiasActivation;
}

/**
 * Gradient of `BiasAct` with respect to its pre-activation: dpre = dy·act′(m·(x + b))·m, m the dropout
 * mask value (0 or 1/(1 − rate); 1 at rate 0). dpre is x's gradient; its column sum is b's.
 */
export const BiasActGrad = 'DmcBiasActGrad';
export interface BiasActGradInputs {
  dy: TensorInfo;
  x: TensorInfo;
  bias: TensorInfo;
}
export type BiasActGradAttrs = BiasActAttrs;

/** Rows per block of `LayerNormParamGrad` as its ops call it (the webgpu program's workgroup size). */
export const LAYER_NORM_BLOCK_ROWS = 64;

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

/**
 * The flow-matching noise of a training batch from Philox4x32-10, made where it is used instead of drawn
 * in JavaScript and uploaded: for row r (counted from `rowOffset`, so a data set keeps its noise in any
 * micro-batch) word m of the row is word (m & 3) of Philox(counter (m >> 2, rowOffset + r, 0, 1), key
 * (key0, key1)) — c3 = 1 keeps these counters apart from every `Dropout` counter (c3 = 0). Base noise
 * x0[r, 2i], x0[r, 2i + 1] is the Box–Muller pair of words 2i, 2i + 1: u1 = (w ≫ 8 + 1)/2^24 ∈ (0, 1],
 * θ = 2π·((w' ≫ 8)/2^24 − ½), ρ = sqrt(−2 ln u1), (ρ cos θ, ρ sin θ); the time t[r] is (w ≫ 8)/2^24 ∈ [0, 1)
 * of word 2·⌈dim/2⌉. θ is centred on 0 because WGSL promises its sin and cos accuracy only on [−π, π].
 * `part` 0 gives x0 (rows, dim), 1 gives t (rows, 1). No inputs.
 */
export const BatchNoise = 'DmcBatchNoise';
export interface BatchNoiseAttrs {
  rows: number;
  /** Parameters per data set (the width of x0). */
  dim: number;
  /** 0 = x0, 1 = t. */
  part: 0 | 1;
  key0: number;
  key1: number;
  rowOffset: number;
}

/**
 * Mixed-precision product: C = f16(A)·f16(B) in float32, with every operand rounded to binary16
 * (round to nearest even, overflow to ±Inf, subnormals kept) and the products accumulated in float32
 * in k order. The product of two binary16 values is exact in float32, so the result does not depend on
 * whether a backend holds its tiles as native f16 or as packed halves. A is (M, K), or (K, M) with
 * `transposeA`; B is (K, N), or (N, K) with `transposeB`; rank-3 inputs carry a common leading batch
 * axis (no broadcasting). C is (M, N) or (batch, M, N), float32. On the GPU, operands beyond ±65504
 * convert as the implementation does (WGSL leaves f16(x) and pack2x16float of such values undefined);
 * the reference's ±Inf is the IEEE answer.
 */
export const MatMulF16 = 'DmcMatMulF16';
export interface MatMulF16Inputs {
  a: TensorInfo;
  b: TensorInfo;
}
export interface MatMulF16Attrs {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Per-slice products of rank-3 tensors, all untransposed: out[g] = a[g] · b[g] for a (G, M, K),
 * b (G, K, N), out (G, M, N). On wasm each slice is one XNNPACK product run on views of the inputs'
 * heap memory (no slice copies, no concat, one engine dispatch for all G). No gradient of its own: the
 * custom gradient of ../ops/matmul.ts builds dA and dB from the same kernel and explicit transposes.
 */
export const SlicedMatMul = 'DmcSlicedMatMul';
export interface SlicedMatMulInputs {
  /** (G, M, K), float32. */
  a: TensorInfo;
  /** (G, K, N), float32. */
  b: TensorInfo;
}
