/**
 * Wrong calls of each kernel and the error every backend must give for them: the cases that
 * test/unit/nn/kernels/signatures.inputs.test.ts runs on cpu and wasm and test/browser/kernel-inputs-webgpu.test.ts
 * on webgpu. The kernels are called straight through tfjs's engine, as the ops call them.
 */
import * as tf from '@tensorflow/tfjs';
import { MultiAdam } from '../../../../src/nn/kernels/index.ts';

export interface WrongCall {
  kernel: string;
  /** Input shapes by name (float32 zeros), or in order for a kernel called with an array. */
  inputs: Record<string, number[]> | { shape: number[]; dtype?: 'int32' }[];
  attrs: Record<string, number | boolean | string>;
  error: string;
}

const drop = { rate: 0, key0: 1, key1: 2, site: 0, rowOffset: 0 };

export const WRONG_CALLS: readonly WrongCall[] = [
  {
    kernel: 'DmcTakeSlice',
    inputs: { x: [12] },
    attrs: { index: 0 },
    error: 'DmcTakeSlice: expected a rank-3 tensor, got shape [12]',
  },
  {
    kernel: 'DmcDropout',
    inputs: { x: [2, 3] },
    attrs: { ...drop, rate: 1 },
    error: 'DmcDropout: rate must be in [0, 1), got 1',
  },
  {
    kernel: 'DmcLayerNorm',
    inputs: { x: [2, 4], gamma: [3], beta: [4] },
    attrs: { epsilon: 1e-3 },
    error: "DmcLayerNorm: gamma must have shape [4], x's last axis (x [2,4], gamma [3])",
  },
  {
    kernel: 'DmcLayerNormGrad',
    inputs: { dy: [2, 3], x: [2, 4], gamma: [4] },
    attrs: { epsilon: 1e-3 },
    error: "DmcLayerNormGrad: dy must have x's shape (dy [2,3], x [2,4])",
  },
  {
    kernel: 'DmcLayerNormParamGrad',
    inputs: { dy: [2, 3], x: [2, 4] },
    attrs: { epsilon: 1e-3, rowsPerBlock: 64 },
    error: "DmcLayerNormParamGrad: dy must have x's shape (dy [2,3], x [2,4])",
  },
  {
    kernel: 'DmcColumnSum',
    inputs: { x: [2, 3, 4] },
    attrs: { offset: 0, width: 4, rowsPerBlock: 64 },
    error: 'DmcColumnSum: expected a rank-2 input (x [2,3,4])',
  },
  {
    kernel: 'DmcBiasAct',
    inputs: { x: [2, 4], bias: [3] },
    attrs: { ...drop, activation: 'gelu' },
    error: "DmcBiasAct: bias must have shape [4], x's last axis (x [2,4], bias [3])",
  },
  {
    kernel: 'DmcBiasActGrad',
    inputs: { dy: [2, 3], x: [2, 4], bias: [4] },
    attrs: { ...drop, activation: 'gelu' },
    error: "DmcBiasActGrad: dy must have x's shape (dy [2,3], x [2,4])",
  },
  {
    kernel: 'DmcAttention',
    inputs: { q: [1, 2, 3, 4], k: [1, 2, 5, 3], v: [1, 2, 5, 3] },
    attrs: { scale: 0.5, ...drop },
    error: 'DmcAttention: q [1,2,3,4] and k [1,2,5,3] disagree',
  },
  {
    kernel: 'DmcAttentionGradQ',
    inputs: { q: [1, 2, 3, 4], k: [1, 2, 5, 4], v: [1, 2, 5, 4], ol: [36], dy: [1, 2, 3, 3] },
    attrs: { scale: 0.5, ...drop },
    error: "DmcAttentionGradQ: dy must have q's shape (q [1,2,3,4], dy [1,2,3,3])",
  },
  {
    kernel: 'DmcAttentionGradKV',
    inputs: { q: [1, 2, 3, 4], k: [1, 2, 5, 4], v: [1, 2, 4, 4], ol: [36], dy: [1, 2, 3, 4] },
    attrs: { scale: 0.5, ...drop },
    error: "DmcAttentionGradKV: v must have k's shape (k [1,2,5,4], v [1,2,4,4])",
  },
  {
    kernel: 'DmcBatchNoise',
    inputs: {},
    attrs: { rows: 2, dim: 0, part: 0, key0: 1, key1: 2, rowOffset: 0 },
    error: 'DmcBatchNoise: rows must be a non-negative and dim a positive integer, got 2 and 0',
  },
  {
    kernel: 'DmcMatMulF16',
    inputs: { a: [2, 3], b: [4, 5] },
    attrs: { transposeA: false, transposeB: false },
    error: 'DmcMatMulF16: inner sizes differ (a [2,3], b [4,5])',
  },
  {
    kernel: 'DmcSlicedMatMul',
    inputs: { a: [2, 2, 2], b: [1, 2, 4] },
    attrs: {},
    error: 'DmcSlicedMatMul: shapes [2,2,2] and [1,2,4] do not multiply slice by slice',
  },
  {
    kernel: MultiAdam,
    // state, loss, segments, one parameter of 3 values and its gradient: the state should hold 10.
    inputs: [{ shape: [5] }, { shape: [] }, { shape: [2], dtype: 'int32' }, { shape: [3] }, { shape: [3] }],
    attrs: { alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 1.5 },
    error: 'DmcMultiAdam: state of 5 values for 3 parameters',
  },
];

/** Calls the kernel on the active backend; returns the error's message, or null when it did not throw. */
export function callWrongly(c: WrongCall): string | null {
  const made: tf.Tensor[] = [];
  const zeros = (shape: number[], dtype: 'float32' | 'int32' = 'float32'): tf.Tensor => {
    const t = tf.zeros(shape, dtype);
    made.push(t);
    return t;
  };
  const inputs = Array.isArray(c.inputs)
    ? c.inputs.map((i) => zeros(i.shape, i.dtype))
    : Object.fromEntries(Object.entries(c.inputs).map(([k, shape]) => [k, zeros(shape)]));
  try {
    const out = tf.engine().runKernel(c.kernel, inputs as tf.NamedTensorMap, c.attrs);
    tf.dispose(out as tf.Tensor | tf.Tensor[]);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    tf.dispose(made);
  }
}
