/**
 * Activations missing from tfjs (`browser-runtime.md` §6.4: no tf.gelu), written with gradient-safe ops.
 */
import * as tf from '@tensorflow/tfjs';

const INV_SQRT2 = Math.SQRT1_2;

/** Exact gelu 0.5·x·(1 + erf(x/√2)) (Keras `gelu(approximate=False)`, the BayesFlow MLP default). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, INV_SQRT2)), 1)));
}

/** mish(x) = x·tanh(softplus(x)) (Misra 2019; BayesFlow FlowMatching subnet activation). */
export function mish(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.tanh(tf.softplus(x))));
}

export type Activation = 'gelu' | 'mish';

export function activate(kind: Activation, x: tf.Tensor): tf.Tensor {
  return kind === 'gelu' ? gelu(x) : mish(x);
}
