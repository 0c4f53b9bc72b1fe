/**
 * Fully connected layer y = x·W + b over the last axis of a tensor of any rank ≥ 2.
 * Higher ranks are reshaped to 2-D first: `tf.matMul(rank3, rank2)` has no usable gradient in tfjs
 * 4.22 (docs/design/gpu-path.md#rules-the-code-keeps). The product goes through `linear` (fast gradients on wasm, by `ctx.ops`; binary16 operands with `ops.matmulPrecision` 'f16').
 * `applyActivated` adds the bias, dropout and an activation in one op (`biasAct`: one kernel on webgpu).
 */
import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '../model/init.ts';
import type { ParamStore } from '../model/params.ts';
import { activate, biasAct, linear, type Activation, type BiasActDropout } from '../ops/index.ts';
import { dropout, type ForwardContext } from './context.ts';

export interface DenseOptions {
  kernelInit: Initializer;
  /** Default true (Keras use_bias). Bias is always zero-initialised. */
  useBias?: boolean;
  /** Keras kernel shape for the fan computation, when it differs from [inDim, units]. */
  fanShape?: readonly number[];
}

export class Dense {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    store: ParamStore,
    readonly inDim: number,
    readonly units: number,
    opts: DenseOptions,
  ) {
    this.kernel = store.add('kernel', [inDim, units], opts.kernelInit, opts.fanShape ?? [inDim, units]);
    this.bias = opts.useBias === false ? null : store.add('bias', [units], 'zeros');
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const y = this.product(x, ctx);
      // biasAct's identity is tf.add where it has no kernel; on webgpu its bias gradient is a column sum
      // without tfjs's transpose of the whole gradient.
      return this.bias === null ? y : biasAct(y, this.bias as tf.Tensor1D, 'identity', null);
    });
  }

  /**
   * act(Dropout(x·W + b)) (the BayesFlow MLP order): dropout at `rate` when training, with the next site
   * of ctx's stream, as `dropout` in ./context.ts would number it. Without a bias, the separate ops.
   */
  applyActivated(x: tf.Tensor, ctx: ForwardContext, activation: Activation, rate: number): tf.Tensor {
    return tf.tidy(() => {
      if (this.bias === null) return activate(activation, dropout(this.apply(x, ctx), rate, ctx));
      return biasAct(this.product(x, ctx), this.bias as tf.Tensor1D, activation, dropoutSite(rate, ctx));
    });
  }

  /** x·W in x's shape (…, units), through a 2-D product. */
  private product(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const shape = x.shape;
    if (shape[shape.length - 1] !== this.inDim) {
      throw new Error(`Dense: expected last dim ${this.inDim}, got shape [${shape.join(',')}]`);
    }
    const flat = shape.length === 2 ? (x as tf.Tensor2D) : (tf.reshape(x, [-1, this.inDim]) as tf.Tensor2D);
    const y = linear(flat, this.kernel as tf.Tensor2D, ctx.ops);
    return shape.length === 2 ? y : tf.reshape(y, [...shape.slice(0, -1), this.units]);
  }
}

/** The dropout of one forward pass's next site, or null where `dropout` would be the identity. */
function dropoutSite(rate: number, ctx: ForwardContext): BiasActDropout | null {
  if (!ctx.training || rate === 0) return null;
  if (ctx.dropout === null) throw new Error(`dropout(rate ${rate}) in training needs a dropout stream`);
  return { rate, key: ctx.dropout, site: ctx.dropout.nextSite() };
}
