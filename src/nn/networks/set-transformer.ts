/**
 * SetTransformer summary network (BayesFlow `networks/transformers/set_transformer.py`,
 * docs/design/networks.md#set-transformer): (B, N, 3) → numAttentionBlocks × SAB (or ISAB) → PMA → flatten
 * (B, num_seeds·e) → Dense(summary_dim) (glorot_uniform, no activation).
 *
 * Permutation invariant in the set axis. With a mask (B, N) (1 real / 0 padding) padded rows are
 * excluded as keys in every attention and from pooling, so a padded set gives the same summary as the
 * unpadded one (the reference never pads; the project adds this so data sets of different num_obs can
 * share a batch).
 */
import * as tf from '@tensorflow/tfjs';
import { SUMMARY_INPUT_DIM, type NetworkConfig } from '../model/config.ts';
import type { ParamStore } from '../model/params.ts';
import { keyBiasFromMask } from '../blocks/attention.ts';
import type { ForwardContext } from '../blocks/context.ts';
import { Dense } from '../blocks/dense.ts';
import {
  InducedSetAttentionBlock,
  PoolingByMultiheadAttention,
  SetAttentionBlock,
  type EquivariantBlock,
  type MabOptions,
} from '../blocks/mab.ts';

export class SetTransformer {
  private readonly blocks: EquivariantBlock[] = [];
  private readonly pma: PoolingByMultiheadAttention;
  private readonly outputDense: Dense;
  readonly summaryDim: number;

  constructor(store: ParamStore, config: NetworkConfig) {
    const o: MabOptions = {
      embedDim: config.embedDim,
      numHeads: config.numHeads,
      mlpWidths: config.mlpWidths,
      dropout: config.dropout,
    };
    let inDim = SUMMARY_INPUT_DIM;
    for (let i = 0; i < config.numAttentionBlocks; i++) {
      this.blocks.push(
        config.numInducingPoints === null
          ? new SetAttentionBlock(store.scope(`sab_${i}`), inDim, o)
          : new InducedSetAttentionBlock(store.scope(`isab_${i}`), inDim, config.numInducingPoints, o),
      );
      inDim = config.embedDim;
    }
    this.pma = new PoolingByMultiheadAttention(store.scope('pma'), inDim, config.numSeeds, o);
    this.outputDense = new Dense(store.scope('output'), config.numSeeds * config.embedDim, config.summaryDim, {
      kernelInit: 'glorot_uniform',
    });
    this.summaryDim = config.summaryDim;
  }

  /** x (B, N, 3), mask (B, N) or null (no padding) → summary (B, summary_dim). */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext): tf.Tensor2D {
    return tf.tidy(() => {
      if (x.shape[2] !== SUMMARY_INPUT_DIM) {
        throw new Error(`SetTransformer: expected input (B, N, ${SUMMARY_INPUT_DIM}), got [${x.shape.join(',')}]`);
      }
      if (mask !== null && (mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1])) {
        throw new Error(
          `SetTransformer: mask shape [${mask.shape.join(',')}] does not match input [${x.shape.join(',')}]`,
        );
      }
      const keyBias = mask === null ? null : keyBiasFromMask(mask);
      let h = x;
      for (const block of this.blocks) h = block.apply(h, keyBias, ctx);
      const pooled = this.pma.apply(h, keyBias, ctx);
      const flat = tf.reshape(pooled, [x.shape[0], -1]);
      return this.outputDense.apply(flat, ctx) as tf.Tensor2D;
    });
  }
}
