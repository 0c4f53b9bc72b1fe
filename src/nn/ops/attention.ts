/**
 * Scaled dot-product attention with key padding and dropout on the probabilities, as one op:
 * out = dropout(softmax(scale · q·kᵀ + keyBias)) · v for q (B, h, Nq, k), k and v (B, h, Nk, k).
 *
 * Fused (the `Attention` kernels, ../kernels/names.ts; on webgpu by default): the (B, h, Nq, Nk) scores
 * are never stored; the forward keeps O and each query row's softmax statistics (max and log-sum), and
 * the backward recomputes the probabilities and the dropout mask from them (FlashAttention). The mask is the one `dropoutOp`
 * applies to the probabilities at the same site, so both paths drop the same entries.
 *
 * Composite (every other backend): the ops MultiHeadAttention used before this op existed, in the same
 * order, so those backends compute exactly what they computed then.
 */
import * as tf from '@tensorflow/tfjs';
import {
  ATTENTION,
  ATTENTION_GRAD_KV,
  ATTENTION_GRAD_Q,
  ATTENTION_MAX_DIM,
  Attention,
  AttentionGradKV,
  AttentionGradQ,
  hasKernel,
  runKernel,
  type AttentionAttrs,
  type AttentionInputs,
} from '../kernels/index.ts';
import { dropoutOp, type DropoutKey } from './dropout.ts';
import { batchedMatMul } from './matmul.ts';
import type { OpsOptions } from './options.ts';

/** Dropout on the attention probabilities: its rate, the pass's key and the site it takes. */
export interface AttentionDropout {
  readonly rate: number;
  readonly key: DropoutKey;
  readonly site: number;
}

/** Whether `attentionOp` runs the fused kernels for a head dimension `headDim` on the active backend. */
export function fusedAttentionAvailable(ops: OpsOptions, headDim: number): boolean {
  const mode = ops.attention ?? 'auto';
  if (mode === 'composite') return false;
  const backend = tf.getBackend();
  if (mode === 'auto' && (backend !== 'webgpu' || headDim > ATTENTION_MAX_DIM)) return false;
  return [Attention, AttentionGradQ, AttentionGradKV].every((name) => hasKernel(name, backend, 'float32'));
}

function composite(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  keyBias: tf.Tensor4D | null,
  scale: number,
  drop: AttentionDropout | null,
  ops: OpsOptions,
): tf.Tensor4D {
  let scores: tf.Tensor = batchedMatMul(tf.mul(q, scale) as tf.Tensor4D, k, true, ops);
  if (keyBias !== null) scores = tf.add(scores, keyBias);
  let probs = tf.softmax(scores);
  if (drop !== null) probs = dropoutOp(probs, drop.rate, drop.key, drop.site);
  return batchedMatMul(probs as tf.Tensor4D, v, false, ops);
}

function fused(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  keyBias: tf.Tensor4D | null,
  attrs: AttentionAttrs,
): tf.Tensor4D {
  const [b, h, nq, d] = q.shape;
  const nk = k.shape[2];
  const withBias = (x: AttentionInputs): AttentionInputs => (keyBias === null ? x : { ...x, bias: keyBias });
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qi, ki, vi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    const ol = runKernel(ATTENTION, withBias({ q: qi, k: ki, v: vi }), attrs) as tf.Tensor;
    save([qi, ki, vi, ol]);
    const value = tf.reshape(tf.slice(ol, 0, b * h * nq * d), [b, h, nq, d]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sol] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const inputs = { ...withBias({ q: sq, k: sk, v: sv }), ol: sol, dy };
        const dq = runKernel(ATTENTION_GRAD_Q, inputs, attrs) as tf.Tensor;
        const dkv = runKernel(ATTENTION_GRAD_KV, inputs, attrs) as tf.Tensor;
        const n = b * h * nk * d;
        return [dq, tf.reshape(tf.slice(dkv, 0, n), [b, h, nk, d]), tf.reshape(tf.slice(dkv, n, n), [b, h, nk, d])];
      },
    };
  });
  return op(q, k, v) as tf.Tensor4D;
}

/**
 * out (B, h, Nq, k) = dropout(softmax(scale · q·kᵀ + keyBias)) · v. `keyBias` (B, 1, 1, Nk) is a constant
 * (no gradient); `drop` null means no dropout (inference, or rate 0) and takes no site.
 */
export function attentionOp(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  keyBias: tf.Tensor4D | null,
  scale: number,
  drop: AttentionDropout | null,
  ops: OpsOptions,
): tf.Tensor4D {
  if (!fusedAttentionAvailable(ops, q.shape[3])) return composite(q, k, v, keyBias, scale, drop, ops);
  const attrs: AttentionAttrs = {
    scale,
    rate: drop?.rate ?? 0,
    key0: (drop?.key.key0 ?? 0) >>> 0,
    key1: (drop?.key.key1 ?? 0) >>> 0,
    site: drop?.site ?? 0,
    rowOffset: drop?.key.rowOffset ?? 0,
  };
  return fused(q, k, v, keyBias, attrs);
}
