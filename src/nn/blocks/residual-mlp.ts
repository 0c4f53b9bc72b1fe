/**
 * BayesFlow residual MLP (`bayesflow/networks/mlp/mlp.py`, `networks/residual/residual.py`):
 * a stack of blocks y = P(x) + act(Dropout(W·x + b)), order Dense → Dropout → activation, P a full
 * Dense(width) with glorot_uniform kernel and bias even when the width does not change
 * (docs/design/networks.md#flow-matching). No normalisation, no dropout on the residual path.
 */
import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '../model/init.ts';
import type { ParamStore } from '../model/params.ts';
import type { Activation } from './activations.ts';
import type { ForwardContext } from './context.ts';
import { Dense } from './dense.ts';

export interface ResidualMlpOptions {
  widths: readonly number[];
  activation: Activation;
  kernelInit: Initializer;
  dropout: number;
}

class ResidualBlock {
  private readonly dense: Dense;
  private readonly projector: Dense;

  constructor(
    store: ParamStore,
    inDim: number,
    width: number,
    private readonly opts: ResidualMlpOptions,
  ) {
    this.dense = new Dense(store.scope('dense'), inDim, width, { kernelInit: opts.kernelInit });
    this.projector = new Dense(store.scope('projector'), inDim, width, { kernelInit: 'glorot_uniform' });
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const h = this.dense.applyActivated(x, ctx, this.opts.activation, this.opts.dropout);
      return tf.add(this.projector.apply(x, ctx), h);
    });
  }
}

export class ResidualMlp {
  private readonly blocks: ResidualBlock[];
  readonly outDim: number;

  constructor(store: ParamStore, inDim: number, opts: ResidualMlpOptions) {
    this.blocks = [];
    let d = inDim;
    opts.widths.forEach((w, i) => {
      this.blocks.push(new ResidualBlock(store.scope(`block_${i}`), d, w, opts));
      d = w;
    });
    this.outDim = d;
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.blocks.reduce<tf.Tensor>((h, b) => b.apply(h, ctx), x));
  }
}
