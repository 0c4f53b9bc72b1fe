/**
 * y = act(dropout(x + b)) as one differentiable op. Where the backend has the kernels (webgpu, cpu):
 * one `BiasAct` dispatch forward; backward one `BiasActGrad` dispatch for the pre-activation gradient
 * (the dropout mask recomputed, as in ./dropout.ts) and the bias gradient as its column sum through
 * this project's `ColumnSum` (two passes), not tf.sum: on webgpu tfjs reduces over axis 0 by first
 * transposing the whole gradient (a copy of B·N·C floats) and then reducing, the same two dispatches
 * plus that traffic. Elsewhere (wasm, webgl) the composite tf.add → dropout → activation, exactly the
 * ops the blocks ran before this op existed.
 */
import * as tf from '@tensorflow/tfjs';
import {
  BIAS_ACT,
  BIAS_ACT_GRAD,
  BiasAct,
  BiasActGrad,
  ColumnSum,
  hasKernel,
  runKernel,
  type BiasActAttrs,
  type BiasActGradInputs,
  type BiasActInputs,
  type BiasActivation,
} from '../kernels/index.ts';
import { activate } from './activations.ts';
import { columnSum } from './column-sum.ts';
import { dropoutOp, type DropoutKey } from './dropout.ts';

/** A dropout between the bias and the activation: its rate, the pass's key and its site number. */
export interface BiasActDropout {
  readonly rate: number;
  readonly key: DropoutKey;
  readonly site: number;
}

export function biasActComposite(
  x: tf.Tensor,
  bias: tf.Tensor,
  activation: BiasActivation,
  drop: BiasActDropout | null,
): tf.Tensor {
  return tf.tidy(() => {
    let h = tf.add(x, bias);
    if (drop !== null && drop.rate > 0) h = dropoutOp(h, drop.rate, drop.key, drop.site);
    return activation === 'identity' ? h : activate(activation, h);
  });
}

/** Whether `biasAct` takes its kernel path for x on the active backend. */
export function biasActFused(x: tf.Tensor): boolean {
  const b = tf.getBackend();
  return [BiasAct, BiasActGrad, ColumnSum].every((k) => hasKernel(k, b, x.dtype));
}

/** act(dropout(x + b)), b (C) broadcast over x (rows, …, C); dropout rows are x's leading axis. */
export function biasAct(
  x: tf.Tensor,
  bias: tf.Tensor1D,
  activation: BiasActivation,
  drop: BiasActDropout | null,
): tf.Tensor {
  if (!biasActFused(x)) return biasActComposite(x, bias, activation, drop);
  const rate = drop === null ? 0 : drop.rate;
  const attrs: BiasActAttrs = {
    activation,
    rate,
    key0: rate > 0 ? drop!.key.key0 >>> 0 : 0,
    key1: rate > 0 ? drop!.key.key1 >>> 0 : 0,
    site: rate > 0 ? drop!.site : 0,
    rowOffset: rate > 0 ? drop!.key.rowOffset : 0,
  };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.GradSaveFunc];
    save([xi, b]);
    const inputs: BiasActInputs = { x: xi, bias: b };
    return {
      value: runKernel(BIAS_ACT, inputs, attrs) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [sx, sb] = saved as [tf.Tensor, tf.Tensor1D];
          const gradInputs: BiasActGradInputs = { dy, x: sx, bias: sb };
          // Without an activation or dropout the pre-activation gradient is dy itself: a clone (the
          // same buffer), since the engine disposes returned gradients and dy belongs to the caller.
          const dpre =
            activation === 'identity' && rate === 0
              ? tf.clone(dy)
              : (runKernel(BIAS_ACT_GRAD, gradInputs, attrs) as tf.Tensor);
          const c = sb.shape[0];
          return [dpre, columnSum(tf.reshape(dpre, [-1, c]) as tf.Tensor2D, 0, c)];
        }),
    };
  });
  return op(x, bias);
}
