/**
 * Fully connected layer y = x·W + b over the last axis of a tensor of any rank ≥ 2.
 * Higher ranks are reshaped to 2-D first: `tf.matMul(rank3, rank2)` has no usable gradient in tfjs
 * 4.22 (docs/design/gpu-path.md#rules-the-code-keeps). The product goes through `linear` (fast gradients on wasm, by `ctx.ops`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '../init.ts';
import type { ParamStore } from '../params.ts';
import { linear } from '../ops/index.ts';
import type { ForwardContext } from './context.ts';

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
      const shape = x.shape;
      if (shape[shape.length - 1] !== this.inDim) {
        throw new Error(`Dense: expected last dim ${this.inDim}, got shape [${shape.join(',')}]`);
      }
      const flat = shape.length === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inDim]) as tf.Tensor2D;
      let y: tf.Tensor = linear(flat, this.kernel as tf.Tensor2D, ctx.ops);
      if (this.bias !== null) y = tf.add(y, this.bias);
      return shape.length === 2 ? y : tf.reshape(y, [...shape.slice(0, -1), this.units]);
    });
  }
}
