/**
 * What one trial is: its hyperparameters, network variant and options, seed, metric weights, data mode
 * and what to keep. One plain, structured-cloneable object built once (for a study trial by
 * study-config's `studyTrialSpec`, for the final network and `cli train` from their own settings) and
 * handed unchanged through the training client and worker to the objective (src/nn/objective.ts).
 * Callbacks, the abort signal and a checkpoint to resume from travel apart from it: they belong to one
 * run of the trial, not to what the trial is. No tfjs here (nn/pure.ts exports it to the page).
 */
import type { MetricWeights } from '../../metrics/index.ts';
import type { NetworkConfig, NetworkVariant } from './config.ts';
import type { IntegrationMethod } from '../networks/integrate.ts';
import type { OpsOptions } from '../ops/options.ts';
import type { PreviewOptions } from '../posterior/preview.ts';
import type { NetworkMetadata } from './network-file.ts';

export interface TrialHyperparameters {
  dropout: number;
  lr: number;
  numSeeds: number;
  batchSize: number;
  embedDim: number;
  summaryDim: number;
  epochs: number;
  /** Posterior draws per validation set for the diagnostics (BayesFlow default 1000). */
  posteriorDraws: number;
  /** Fixed integration steps of the flow ODE (BayesFlow default 100). */
  integrationSteps: number;
  integrator: IntegrationMethod;
}

/** The network a trial trains, beyond its tuned hyperparameters. */
export interface TrialNetworkSpec {
  /** "as-tuned" or "reference" (what BayesFlow 2.0.5 ran for the notebook); see NetworkVariant. */
  variant: NetworkVariant;
  /** Standardize the direct condition sqrt(num_obs) (false: the notebook's raw value). */
  standardizeCondition: boolean;
  /** Standardize the per-trial summary inputs rt, accuracy, condition (false: the notebook's raw values). */
  standardizeTrials: boolean;
  /** Flow-matching draws per data set and step (1: BayesFlow's). */
  flowDraws: number;
  /**
   * Architecture settings the study does not tune (numHeads, mlpWidths, numInducingPoints, …). Each one
   * given is applied; one that contradicts a tuned hyperparameter is an error (trialNetworkConfig).
   */
  overrides: Partial<NetworkConfig>;
  /**
   * Op implementations asked for (default DEFAULT_OPS). `matmulPrecision: 'f16'` takes effect only on
   * the webgpu backend, the one with the kernel; elsewhere the trial trains in f32 (effectiveOps).
   */
  ops: Partial<OpsOptions>;
}

/** Online training: a fresh batch every step, asked for through the run's `onlineBatch` hook. */
export interface TrialOnlineSpec {
  batchesPerEpoch: number;
  /** The most trials a batch may have (plans the micro-batch size before any batch exists). */
  maxObs: number;
  /** Data sets the standardization is fitted on (whole batches; null: fit's default, 512). */
  standardizationSets: number | null;
}

/** What the objective returns beyond the score. */
export interface TrialKeep {
  /** The trained network as a file, with this metadata merged into its own; false: no file. */
  network: false | { metadata: Partial<NetworkMetadata> };
  /** The posterior draws of the validation sets (n × S × P, original scale). */
  draws: boolean;
  /** The live recovery preview (src/nn/posterior/preview.ts) with every epoch report; true takes its defaults. */
  preview: boolean | PreviewOptions;
}

export interface TrialSpec {
  hyperparameters: TrialHyperparameters;
  /** Seeds the initial weights, training randomness (shuffle, noise, dropout) and posterior noise. */
  seed: number;
  /** Metric weights by name (absent: 1). */
  weights: Partial<MetricWeights>;
  network: TrialNetworkSpec;
  /** null: offline, on the training sets the worker holds. */
  online: TrialOnlineSpec | null;
  /** Early stopping (Keras EarlyStopping on val_loss) after this many epochs without improvement; null: off. */
  patience: number | null;
  keep: TrialKeep;
  /** Data sets per forward/backward pass (FitOptions.microBatchSize); null: the planner's. */
  microBatchSize: number | null;
  /** Validation sets per sampling chunk; null: ≤ 65,536 rows of draws per chunk. */
  sampleChunkSize: number | null;
}

/** A field of the builder's input: absent and undefined both mean "the default". */
type Loose<T> = { [K in keyof T]?: T[K] | undefined };

/** The builder's input: every field but the hyperparameters optional, nested groups field by field. */
export type TrialSpecInit = Loose<Omit<TrialSpec, 'hyperparameters' | 'network' | 'keep' | 'online'>> & {
  network?: Loose<TrialNetworkSpec> | undefined;
  keep?: Loose<TrialKeep> | undefined;
  online?:
    | (Omit<TrialOnlineSpec, 'standardizationSets'> & { standardizationSets?: number | null | undefined })
    | null
    | undefined;
};

export const DEFAULT_TRIAL_NETWORK: Readonly<TrialNetworkSpec> = Object.freeze({
  variant: 'as-tuned',
  standardizeCondition: false,
  standardizeTrials: false,
  flowDraws: 1,
  overrides: {},
  ops: {},
});

/** A complete spec: the defaults written out, so every reader sees every setting. */
export function trialSpec(hyperparameters: TrialHyperparameters, init: TrialSpecInit = {}): TrialSpec {
  const n = init.network ?? {};
  const k = init.keep ?? {};
  const d = DEFAULT_TRIAL_NETWORK;
  return {
    hyperparameters,
    seed: init.seed ?? 0,
    weights: init.weights ?? {},
    network: {
      variant: n.variant ?? d.variant,
      standardizeCondition: n.standardizeCondition ?? d.standardizeCondition,
      standardizeTrials: n.standardizeTrials ?? d.standardizeTrials,
      flowDraws: n.flowDraws ?? d.flowDraws,
      overrides: n.overrides ?? {},
      ops: n.ops ?? {},
    },
    online:
      init.online == null ? null : { ...init.online, standardizationSets: init.online.standardizationSets ?? null },
    patience: init.patience ?? null,
    keep: { network: k.network ?? false, draws: k.draws ?? false, preview: k.preview ?? false },
    microBatchSize: init.microBatchSize ?? null,
    sampleChunkSize: init.sampleChunkSize ?? null,
  };
}

/** The ops a trial runs on `backend`: mixed-precision products only where the kernel exists (webgpu). */
export function effectiveOps(ops: Partial<OpsOptions>, backend: string): Partial<OpsOptions> {
  if (ops.matmulPrecision !== 'f16' || backend === 'webgpu') return ops;
  const { matmulPrecision: _dropped, ...rest } = ops;
  return rest;
}
