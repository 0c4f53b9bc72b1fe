/**
 * Layer normalisation over the last axis (see ../blocks/layer-norm.ts) as a differentiable op. Where
 * the backend has the kernels (webgpu, cpu): the forward pass is one `LayerNorm` dispatch; the
 * backward pass recomputes each row's statistics instead of storing them, dx in one `LayerNormGrad`
 * dispatch, dγ and dβ as per-block partial sums (`LayerNormParamGrad`) finished by one `ColumnSum`
 * each. Elsewhere (wasm, webgl) the composite of tfjs ops, whose gradient goes through tfjs's Mean
 * gradient (on webgpu that uploads a `ones` tensor of x's shape made in JS, each call).
 */
import * as tf from '@tensorflow/tfjs';
import {
  ColumnSum,
  hasKernel,
  LAYER_NORM,
  LAYER_NORM_GRAD,
  LAYER_NORM_PARAM_GRAD,
  runKernel,
  LAYER_NORM_BLOCK_ROWS,
  LayerNorm,
  LayerNormGrad,
  LayerNormParamGrad,
  type LayerNormAttrs,
  type LayerNormGradInputs,
  type LayerNormInputs,
  type LayerNormParamGradAttrs,
  type LayerNormParamGradInputs,
} from '../kernels/index.ts';
import { columnSum } from './column-sum.ts';

/**
 * The partial sums are already 64× fewer rows than x (2,000 at 128,000 rows): one pass over them per
 * column costs less than a second dispatch.
 */
const PARTIALS_SINGLE_PASS_ROWS = 4096;

/** The composite: tfjs ops, μ and the biased σ² by tf.mean. */
export function layerNormComposite(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const mean = tf.mean(x, axis, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), axis, true);
    const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normed, gamma), beta);
  });
}

/** Whether `layerNorm` takes its kernel path for x on the active backend. */
export function layerNormFused(x: tf.Tensor): boolean {
  const b = tf.getBackend();
  return [LayerNorm, LayerNormGrad, LayerNormParamGrad, ColumnSum].every((k) => hasKernel(k, b, x.dtype));
}

/** y = (x − μ)/sqrt(σ² + ε)·γ + β over the last axis of x; γ, β of shape (D). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): tf.Tensor {
  if (!layerNormFused(x)) return layerNormComposite(x, gamma, beta, epsilon);
  const attrs: LayerNormAttrs = { epsilon };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    save([xi, g]);
    const inputs: LayerNormInputs = { x: xi, gamma: g, beta: b };
    return {
      value: runKernel(LAYER_NORM, inputs, attrs) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [sx, sg] = saved as [tf.Tensor, tf.Tensor1D];
          const d = sg.shape[0];
          const gradInputs: LayerNormGradInputs = { dy, x: sx, gamma: sg };
          const dx = runKernel(LAYER_NORM_GRAD, gradInputs, attrs) as tf.Tensor;
          const paramInputs: LayerNormParamGradInputs = { dy, x: sx };
          const paramAttrs: LayerNormParamGradAttrs = { epsilon, rowsPerBlock: LAYER_NORM_BLOCK_ROWS };
          const partials = runKernel(LAYER_NORM_PARAM_GRAD, paramInputs, paramAttrs) as tf.Tensor2D;
          return [
            dx,
            columnSum(partials, 0, d, PARTIALS_SINGLE_PASS_ROWS),
            columnSum(partials, d, d, PARTIALS_SINGLE_PASS_ROWS),
          ];
        }),
    };
  });
  return op(x, gamma, beta);
}
