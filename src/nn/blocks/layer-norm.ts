/**
 * Layer normalisation over the last axis with learned scale and offset (Keras LayerNormalization,
 * epsilon 1e-3 as in the BayesFlow MAB, docs/design/networks.md#set-transformer): y = (x − μ)/sqrt(σ² + ε)·γ + β,
 * σ² the biased variance. One fused kernel forward and three backward on webgpu, the composite of tfjs
 * ops elsewhere (../ops/layer-norm.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../model/params.ts';
import { layerNorm } from '../ops/index.ts';

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
    return layerNorm(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.epsilon);
  }
}
