/**
 * Multi-head attention as Keras `MultiHeadAttention(num_heads, key_dim, value_dim = key_dim,
 * output_shape = e, dropout)` (docs/design/networks.md#set-transformer), built from batched matMul and softmax because tfjs has
 * no MHA layer (docs/design/gpu-path.md#rules-the-code-keeps).
 *
 * Shapes: query (B, Nq, Fq), key/value (B, Nk, Fk) → (B, Nq, outDim).
 * Q/K/V projections Fq|Fk → heads·keyDim with biases; scores = Q·Kᵀ/√keyDim per head; softmax over
 * keys; dropout on the probabilities (these three in `attentionOp`, fused kernels on webgpu); output
 * projection heads·keyDim → outDim with bias. Kernels are glorot_uniform with Keras' fans for its 3-D
 * EinsumDense kernels ((F, heads, keyDim) for Q/K/V, (heads, keyDim, outDim) for the output).
 *
 * Padding: `keyBias` (B, 1, 1, Nk) is 0 for real keys and −1e9 for padded ones, added to the scores
 * before the softmax: exp(−1e9 − max) underflows to exactly 0 in float32, so padded keys receive zero
 * weight (and stay finite, unlike −∞, which would give NaN for a query whose keys were all padded).
 */
import * as tf from '@tensorflow/tfjs';
import { attentionOp } from '../ops/index.ts';
import type { ParamStore } from '../model/params.ts';
import { dropoutSite, type ForwardContext } from './context.ts';
import { Dense } from './dense.ts';

/** Additive score bias for padded keys. */
export const MASK_NEG = -1e9;

/** (B, Nk) mask of 1 = real / 0 = padded → additive key bias (B, 1, 1, Nk). Built outside any gradient. */
export function keyBiasFromMask(mask: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, n] = mask.shape;
    return tf.reshape(tf.mul(tf.sub(1, mask), MASK_NEG), [b, 1, 1, n]) as tf.Tensor4D;
  });
}

export interface MhaOptions {
  numHeads: number;
  keyDim: number;
  outDim: number;
  dropout: number;
}

export class MultiHeadAttention {
  private readonly query: Dense;
  private readonly key: Dense;
  private readonly value: Dense;
  private readonly output: Dense;
  private readonly scale: number;

  constructor(
    store: ParamStore,
    queryDim: number,
    keyDim: number,
    private readonly opts: MhaOptions,
  ) {
    const { numHeads: h, keyDim: k, outDim } = opts;
    const proj = (name: string, f: number): Dense =>
      new Dense(store.scope(name), f, h * k, { kernelInit: 'glorot_uniform', fanShape: [f, h, k] });
    this.query = proj('query', queryDim);
    this.key = proj('key', keyDim);
    this.value = proj('value', keyDim);
    this.output = new Dense(store.scope('output'), h * k, outDim, {
      kernelInit: 'glorot_uniform',
      fanShape: [h, k, outDim],
    });
    this.scale = 1 / Math.sqrt(k);
  }

  /** query (B, Nq, Fq), keyValue (B, Nk, Fk), keyBias (B, 1, 1, Nk) or null → (B, Nq, outDim). */
  apply(query: tf.Tensor3D, keyValue: tf.Tensor3D, keyBias: tf.Tensor4D | null, ctx: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const { numHeads: h, keyDim: k } = this.opts;
      const [b, nq] = query.shape;
      const nk = keyValue.shape[1];
      // (B, N, h·k) → (B, h, N, k).
      const heads = (x: tf.Tensor, n: number): tf.Tensor4D =>
        tf.transpose(tf.reshape(x, [b, n, h, k]), [0, 2, 1, 3]) as tf.Tensor4D;
      const q = heads(this.query.apply(query, ctx), nq);
      const kk = heads(this.key.apply(keyValue, ctx), nk);
      const v = heads(this.value.apply(keyValue, ctx), nk);
      // The site is taken here, in the pass's order, whichever path attentionOp runs.
      const drop = dropoutSite(this.opts.dropout, ctx);
      const attended = attentionOp(q, kk, v, keyBias, this.scale, drop, ctx.ops); // (B, h, Nq, k)
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [b, nq, h * k]);
      return this.output.apply(merged, ctx) as tf.Tensor3D;
    });
  }
}
