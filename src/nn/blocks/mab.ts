/**
 * Set Transformer blocks (Lee et al. 2019, "Set Transformer"; BayesFlow
 * `bayesflow/networks/transformers/{mab,sab,isab,pma}.py`, docs/design/networks.md#set-transformer), post-layer-norm:
 *
 *   h   = LayerNorm1(DenseIn(X) + MHA(query X, key/value Y))
 *   out = LayerNorm2(h + DenseOut(MLP(h)))
 *
 * The padding mask travels as an additive key bias (see attention.ts): padded elements of Y are never
 * attended to. Rows of X that are padding produce (finite) garbage that later blocks must mask.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../model/params.ts';
import { MultiHeadAttention } from './attention.ts';
import type { ForwardContext } from './context.ts';
import { Dense } from './dense.ts';
import { LayerNorm } from './layer-norm.ts';
import { ResidualMlp } from './residual-mlp.ts';

export interface MabOptions {
  embedDim: number;
  numHeads: number;
  mlpWidths: readonly number[];
  dropout: number;
}

/** MLP configuration shared by the MAB's inner MLP and the PMA's MLP_ff (gelu, lecun_normal). */
function setMlp(store: ParamStore, inDim: number, o: MabOptions): ResidualMlp {
  return new ResidualMlp(store, inDim, {
    widths: o.mlpWidths,
    activation: 'gelu',
    kernelInit: 'lecun_normal',
    dropout: o.dropout,
  });
}

export class MultiheadAttentionBlock {
  private readonly denseIn: Dense;
  private readonly mha: MultiHeadAttention;
  private readonly ln1: LayerNorm;
  private readonly mlp: ResidualMlp;
  private readonly denseOut: Dense;
  private readonly ln2: LayerNorm;

  constructor(store: ParamStore, queryDim: number, keyDim: number, o: MabOptions) {
    const e = o.embedDim;
    this.denseIn = new Dense(store.scope('dense_in'), queryDim, e, { kernelInit: 'glorot_uniform' });
    this.mha = new MultiHeadAttention(store.scope('mha'), queryDim, keyDim, {
      numHeads: o.numHeads,
      keyDim: e,
      outDim: e,
      dropout: o.dropout,
    });
    this.ln1 = new LayerNorm(store.scope('ln_1'), e);
    this.mlp = setMlp(store.scope('mlp'), e, o);
    this.denseOut = new Dense(store.scope('dense_out'), this.mlp.outDim, e, { kernelInit: 'glorot_uniform' });
    this.ln2 = new LayerNorm(store.scope('ln_2'), e);
  }

  /** x (B, Nq, Fq), y (B, Nk, Fk), keyBias for y (B, 1, 1, Nk) or null → (B, Nq, e). */
  apply(x: tf.Tensor3D, y: tf.Tensor3D, keyBias: tf.Tensor4D | null, ctx: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const h = this.ln1.apply(tf.add(this.denseIn.apply(x, ctx), this.mha.apply(x, y, keyBias, ctx)));
      return this.ln2.apply(tf.add(h, this.denseOut.apply(this.mlp.apply(h, ctx), ctx))) as tf.Tensor3D;
    });
  }
}

/** Common interface of SAB and ISAB: a permutation-equivariant map (B, N, F) → (B, N, e). */
export interface EquivariantBlock {
  apply(x: tf.Tensor3D, keyBias: tf.Tensor4D | null, ctx: ForwardContext): tf.Tensor3D;
}

/** SAB(X) = MAB(X, X). */
export class SetAttentionBlock implements EquivariantBlock {
  private readonly mab: MultiheadAttentionBlock;

  constructor(store: ParamStore, inDim: number, o: MabOptions) {
    this.mab = new MultiheadAttentionBlock(store.scope('mab'), inDim, inDim, o);
  }

  apply(x: tf.Tensor3D, keyBias: tf.Tensor4D | null, ctx: ForwardContext): tf.Tensor3D {
    return this.mab.apply(x, x, keyBias, ctx);
  }
}

/**
 * ISAB(X) = MAB(X, H), H = MAB(I, X) with m learned inducing points I (m, e), glorot_uniform:
 * O(N·m) instead of O(N²). H summarises only the real rows (mask on X), so the outer MAB needs no mask.
 */
export class InducedSetAttentionBlock implements EquivariantBlock {
  private readonly inducing: tf.Variable;
  private readonly mab0: MultiheadAttentionBlock;
  private readonly mab1: MultiheadAttentionBlock;

  constructor(store: ParamStore, inDim: number, numInducingPoints: number, o: MabOptions) {
    this.inducing = store.add('inducing_points', [numInducingPoints, o.embedDim], 'glorot_uniform');
    this.mab0 = new MultiheadAttentionBlock(store.scope('mab_0'), o.embedDim, inDim, o);
    this.mab1 = new MultiheadAttentionBlock(store.scope('mab_1'), inDim, o.embedDim, o);
  }

  apply(x: tf.Tensor3D, keyBias: tf.Tensor4D | null, ctx: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const [m, e] = this.inducing.shape as [number, number];
      const points = tf.tile(tf.reshape(this.inducing, [1, m, e]), [x.shape[0], 1, 1]) as tf.Tensor3D;
      const h = this.mab0.apply(points, x, keyBias, ctx);
      return this.mab1.apply(x, h, null, ctx);
    });
  }
}

/**
 * PMA(X) = MAB(S, MLP_ff(X)) with num_seeds learned seeds S (num_seeds, seed_dim = e),
 * glorot_uniform, tiled over the batch → (B, num_seeds, e). Padded rows of X are excluded as keys.
 */
export class PoolingByMultiheadAttention {
  private readonly seeds: tf.Variable;
  private readonly mlpFf: ResidualMlp;
  private readonly mab: MultiheadAttentionBlock;

  constructor(store: ParamStore, inDim: number, numSeeds: number, o: MabOptions) {
    this.seeds = store.add('seeds', [numSeeds, o.embedDim], 'glorot_uniform');
    this.mlpFf = setMlp(store.scope('mlp_ff'), inDim, o);
    this.mab = new MultiheadAttentionBlock(store.scope('mab'), o.embedDim, this.mlpFf.outDim, o);
  }

  apply(x: tf.Tensor3D, keyBias: tf.Tensor4D | null, ctx: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const [m, e] = this.seeds.shape as [number, number];
      const seeds = tf.tile(tf.reshape(this.seeds, [1, m, e]), [x.shape[0], 1, 1]) as tf.Tensor3D;
      const xf = this.mlpFf.apply(x, ctx) as tf.Tensor3D;
      return this.mab.apply(seeds, xf, keyBias, ctx);
    });
  }
}
