/**
 * Layer normalisation over the last axis with learned scale and offset (Keras LayerNormalization,
 * epsilon 1e-3 as in the BayesFlow MAB, docs/design/networks.md#set-transformer): y = (x − μ)/sqrt(σ² + ε)·γ + β,
 * σ² the biased variance.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../params.ts';

export const LAYER_NORM_EPSILON = 1e-3;

export class LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(
    store: ParamStore,
    readonly dim: number,
    readonly epsilon = LAYER_NORM_EPSILON,
  ) {
    this.gamma = store.add('gamma', [dim], 'ones');
    this.beta = store.add('beta', [dim], 'zeros');
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const axis = x.rank - 1;
      const mean = tf.mean(x, axis, true);
      const centered = tf.sub(x, mean);
      const variance = tf.mean(tf.square(centered), axis, true);
      const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma), this.beta);
    });
  }
}
