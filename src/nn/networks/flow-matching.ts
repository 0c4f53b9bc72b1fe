/**
 * FlowMatching inference network (BayesFlow `networks/flow_matching/flow_matching.py`, docs/design/networks.md#flow-matching):
 * a velocity field v_θ(x_t, t, c) trained on the linear (rectified-flow) path and integrated from
 * t = 0 (base N(0, I)) to t = 1 for sampling.
 *
 * Velocity MLP: h = concat([x_t, t, c]) with the raw scalar t (no time embedding) and
 * c = [sqrt(num_obs), summary]; residual blocks y = P(x) + mish(Dropout(W·x + b)) (W he_normal,
 * P glorot_uniform); output Dense(D), glorot_uniform kernel, zero bias.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkConfig } from '../model/config.ts';
import type { ParamStore } from '../model/params.ts';
import type { ForwardContext } from '../blocks/context.ts';
import { Dense } from '../blocks/dense.ts';
import { ResidualMlp } from '../blocks/residual-mlp.ts';

export class FlowMatching {
  private readonly mlp: ResidualMlp;
  private readonly output: Dense;
  readonly paramDim: number;
  readonly conditionDim: number;

  constructor(store: ParamStore, config: NetworkConfig, conditionDim: number) {
    this.paramDim = config.paramDim;
    this.conditionDim = conditionDim;
    this.mlp = new ResidualMlp(store.scope('mlp'), config.paramDim + 1 + conditionDim, {
      widths: config.flowWidths,
      activation: 'mish',
      kernelInit: 'he_normal',
      dropout: config.flowDropout,
    });
    this.output = new Dense(store.scope('output'), this.mlp.outDim, config.paramDim, { kernelInit: 'glorot_uniform' });
  }

  /** x (M, D), t (M, 1), conditions (M, C) → velocity (M, D). */
  velocity(x: tf.Tensor2D, t: tf.Tensor2D, conditions: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    return tf.tidy(() => {
      const h = tf.concat([x, t, conditions], 1);
      return this.output.apply(this.mlp.apply(h, ctx), ctx) as tf.Tensor2D;
    });
  }

  /**
   * Linear-path flow-matching loss: x_t = t·x1 + (1 − t)·x0, target u = x1 − x0,
   * loss = mean_batch mean_D (v_θ(x_t, t, c) − u)². x0 ~ N(0, I) (B, D) and t ~ U(0, 1) (B, 1) are
   * passed in (drawn from the seeded RNG by the caller) so a step is reproducible on every backend.
   */
  loss(x1: tf.Tensor2D, x0: tf.Tensor2D, t: tf.Tensor2D, conditions: tf.Tensor2D, ctx: ForwardContext): tf.Scalar {
    return tf.tidy(() => {
      const xt = tf.add(tf.mul(t, x1), tf.mul(tf.sub(1, t), x0)) as tf.Tensor2D;
      const target = tf.sub(x1, x0);
      const v = this.velocity(xt, t, conditions, ctx);
      return tf.mean(tf.squaredDifference(v, target)) as tf.Scalar;
    });
  }
}
