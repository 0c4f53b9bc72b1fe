/**
 * Continuous approximator (BayesFlow `approximators/continuous_approximator.py`, docs/design/networks.md#data-flow):
 * summary network (SetTransformer) + inference network (FlowMatching), trained end-to-end through the
 * flow-matching loss. Conditions c = concat([sqrt(num_obs), summary]) (direct condition first).
 *
 * Weights: one registry with stable names under `summary/…` and `inference/…`; initial values are a
 * pure function of (config, seed), identical on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../shared/index.ts';
import { type Standardization, validateStandardization } from '../model/adapter.ts';
import { dropoutStream, type ForwardContext } from '../blocks/context.ts';
import { DIRECT_CONDITION_DIM, validateNetworkConfig, type NetworkConfig } from '../model/config.ts';
import { opsOptions, type DropoutKey, type OpsOptions } from '../ops/index.ts';
import { ParamStore, type NamedWeight } from '../model/params.ts';
import { FlowMatching } from './flow-matching.ts';
import { SetTransformer } from './set-transformer.ts';

/** One training/validation mini-batch on the device. */
export interface LossInputs {
  /** (B, N, 3) summary variables. */
  readonly summary: tf.Tensor3D;
  /** (B, N) 1 real / 0 padding, or null. */
  readonly mask: tf.Tensor2D | null;
  /** (B, 1) sqrt(num_obs). */
  readonly sqrtNumObs: tf.Tensor2D;
  /** (B, D) standardized parameters (the flow's target end point). */
  readonly x1: tf.Tensor2D;
  /** (B, D) base noise N(0, I). */
  readonly x0: tf.Tensor2D;
  /** (B, 1) times U(0, 1). */
  readonly t: tf.Tensor2D;
}

export interface ApproximatorOptions {
  /** Seed of the initial weights. */
  seed: number;
  /** Standardization of the inference variables; `fit` fills it from the training set when null. */
  standardization?: Standardization | null;
  /** Op implementations for every forward pass of this network (default: DEFAULT_OPS). */
  ops?: Partial<OpsOptions>;
}

export interface ParameterCounts {
  summary: number;
  inference: number;
  total: number;
}

export class Approximator {
  readonly config: NetworkConfig;
  readonly seed: number;
  readonly summaryNetwork: SetTransformer;
  readonly inferenceNetwork: FlowMatching;
  readonly ops: OpsOptions;
  /** Context of validation, sampling and summaries: no dropout, this network's ops. */
  readonly inference: ForwardContext;
  private standardizationValue: Standardization | null = null;
  private readonly store: ParamStore;
  /** Dropout randomness when `loss(…, true)` is called without explicit row RNGs. */
  private readonly fallbackRng: Rng;
  private disposed = false;

  constructor(config: NetworkConfig, opts: ApproximatorOptions) {
    this.config = validateNetworkConfig(config);
    if (!Number.isFinite(opts.seed)) throw new Error(`Approximator: seed must be a finite number, got ${opts.seed}`);
    this.seed = opts.seed;
    this.ops = opsOptions(opts.ops);
    this.inference = Object.freeze({ training: false, dropout: null, ops: this.ops });
    this.store = new ParamStore(opts.seed);
    this.summaryNetwork = new SetTransformer(this.store.scope('summary'), this.config);
    this.inferenceNetwork = new FlowMatching(
      this.store.scope('inference'),
      this.config,
      DIRECT_CONDITION_DIM + this.config.summaryDim,
    );
    this.fallbackRng = Rng.stream(opts.seed, 0x0d7095);
    if (opts.standardization) this.standardization = opts.standardization;
  }

  get standardization(): Standardization | null {
    return this.standardizationValue;
  }

  set standardization(s: Standardization | null) {
    if (s !== null) validateStandardization(s, this.config.paramDim);
    this.standardizationValue = s;
  }

  get trainableVariables(): tf.Variable[] {
    return this.store.variables;
  }

  get parameterCounts(): ParameterCounts {
    let summary = 0;
    let inference = 0;
    for (const [name, size] of this.store.sizes()) {
      if (name.startsWith('summary/')) summary += size;
      else inference += size;
    }
    return { summary, inference, total: summary + inference };
  }

  /** Learned summary (B, summary_dim); dropout only when ctx.training. */
  summarize(summary: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext = this.inference): tf.Tensor2D {
    this.assertLive();
    return this.summaryNetwork.apply(summary, mask, ctx);
  }

  /** Flow conditions c = [sqrt(num_obs), summary] (B, 1 + summary_dim). */
  conditions(
    summary: tf.Tensor3D,
    mask: tf.Tensor2D | null,
    sqrtNumObs: tf.Tensor2D,
    ctx: ForwardContext = this.inference,
  ): tf.Tensor2D {
    return tf.tidy(() => tf.concat([sqrtNumObs, this.summarize(summary, mask, ctx)], 1) as tf.Tensor2D);
  }

  /**
   * Flow-matching loss of one mini-batch (docs/design/networks.md#flow-matching). `training` switches
   * dropout on; its masks come from `dropoutKey` (the training loop passes one per step, with the
   * micro-batch's position in the batch, so steps are reproducible and independent of micro-batching);
   * without it a key from an internal stream is used.
   */
  loss(inputs: LossInputs, training: boolean, dropoutKey?: DropoutKey): tf.Scalar {
    this.assertLive();
    let ctx: ForwardContext = this.inference;
    if (training) {
      const key = dropoutKey ?? { key0: this.fallbackRng.nextU32(), key1: this.fallbackRng.nextU32(), rowOffset: 0 };
      ctx = { training: true, dropout: dropoutStream(key), ops: this.ops };
    }
    return tf.tidy(() => {
      const c = this.conditions(inputs.summary, inputs.mask, inputs.sqrtNumObs, ctx);
      const sets = inputs.x1.shape[0];
      const draws = inputs.x0.shape[0] / sets;
      if (draws === 1) return this.inferenceNetwork.loss(inputs.x1, inputs.x0, inputs.t, c, ctx);
      if (!Number.isInteger(draws) || draws < 1) {
        throw new Error(
          `Approximator.loss: ${inputs.x0.shape[0]} noise rows for ${sets} data sets (expected a whole multiple)`,
        );
      }
      // Several flow-matching draws (x0, t) per data set: row s·K + k pairs set s with its k-th draw. The
      // summary network runs once per set; only the cheap flow network sees K rows per set. Its dropout
      // rows are numbered in that K-fold space, so masks stay independent of micro-batching.
      const repeat = (x: tf.Tensor2D): tf.Tensor2D =>
        tf.reshape(tf.tile(tf.expandDims(x, 1), [1, draws, 1]), [sets * draws, x.shape[1]]);
      const flowCtx: ForwardContext =
        ctx.dropout === null ? ctx : { ...ctx, dropout: { ...ctx.dropout, rowOffset: ctx.dropout.rowOffset * draws } };
      return this.inferenceNetwork.loss(repeat(inputs.x1), inputs.x0, inputs.t, repeat(c), flowCtx);
    });
  }

  getWeights(): Promise<NamedWeight[]> {
    this.assertLive();
    return this.store.getWeights();
  }

  setWeights(weights: readonly NamedWeight[]): void {
    this.assertLive();
    this.store.setWeights(weights);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('Approximator: used after dispose()');
  }
}
