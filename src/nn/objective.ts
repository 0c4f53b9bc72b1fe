/**
 * The trial objective (docs/design/simulator.md#objective, docs/design/networks.md#training, docs/design/networks.md#diagnostics): build the notebook's
 * approximator from the trial's hyperparameters, train it on the training sets while reporting the
 * validation loss after every epoch (so a pruner can stop it), sample the posterior of every validation
 * set in memory-bounded chunks, and score the draws with the BayesFlow diagnostics and the weighted
 * metric sum L.
 *
 * Hyperparameter wiring (docs/design/networks.md#hyperparameters-the-notebook-meant): dropout → SetTransformer (attention + MLP) and FlowMatching
 * MLP; lr → lr0 of the warmup-cosine schedule; numSeeds → PMA seeds; batchSize → training and
 * validation batches; embedDim → both attention blocks; summaryDim → summary width. Everything else
 * stays at the BayesFlow defaults unless `spec.network.overrides` overrides it. The "reference" variant
 * instead fixes what BayesFlow 2.0.5 ran for the notebook (FlowMatching dropout 0.05, embed_dims (64, 64)).
 */
import * as tf from '@tensorflow/tfjs';
import { splitmix32 } from '../shared/index.ts';
import { computeDiagnostics, tableToRecord, weightedMetricSum, type DiagnosticsTable } from '../metrics/index.ts';
import type { SimBatch } from './model/adapter.ts';
import {
  defaultNetworkConfig,
  NetworkConfigError,
  REFERENCE_NETWORK,
  type NetworkConfig,
  type NetworkVariant,
} from './model/config.ts';
import { effectiveOps, type TrialHyperparameters, type TrialSpec } from './model/trial-spec.ts';
import { Approximator } from './networks/approximator.ts';
import { samplePosterior } from './posterior/sample.ts';
import { recoveryPreview, type PreviewOptions, type RecoveryPreview } from './posterior/preview.ts';
import type { NetworkFile } from './model/network-file.ts';
import { serializeNetwork } from './networks/network-file-io.ts';
import type { NamedWeight } from './model/params.ts';
import {
  fit,
  type BatchProgress,
  type EpochResult,
  type FitCheckpoint,
  type FitOptions,
  type OnlineData,
} from './training/fit.ts';

export type { TrialHyperparameters } from './model/trial-spec.ts';

/** A fit checkpoint with the approximator's weights of that moment: all a run needs to continue. */
export interface TrainingCheckpoint extends FitCheckpoint {
  weights: NamedWeight[];
}

/**
 * What the objective reports after each epoch: fit's own epoch result, with the live recovery preview
 * when one was asked for (TrialSpec.keep.preview).
 */
export type EpochReport = EpochResult & { preview?: RecoveryPreview };

export interface SamplingProgress {
  done: number;
  total: number;
}

/**
 * One run of a trial, apart from what the trial is (TrialSpec): the abort signal, the callbacks, the
 * online batches and the checkpoint to continue from. An undefined field is an absent one.
 */
export interface ObjectiveHooks {
  signal?: AbortSignal | undefined;
  onBatch?: ((p: BatchProgress) => void) | undefined;
  /**
   * After every epoch's validation. Resolving to true prunes the trial: training stops and the
   * objective resolves to `{status: 'pruned'}` with this epoch and its validation loss.
   */
  onEpoch?: ((r: EpochReport) => boolean | void | Promise<boolean | void>) | undefined;
  onSampling?: ((p: SamplingProgress) => void) | undefined;
  /** Online batch j (epoch · batchesPerEpoch + batch) of a spec with `online`; required then. */
  onlineBatch?: OnlineData['next'] | undefined;
  /** After every epoch: the checkpoint to store (weights included), awaited before training goes on. */
  onCheckpoint?: ((c: TrainingCheckpoint) => void | Promise<void>) | undefined;
  /** Continue the run this checkpoint was taken from (same spec and data). */
  resume?: TrainingCheckpoint | undefined;
  /** Passed to fit: runs each optimizer step, e.g. to profile one (FitOptions.wrapStep). */
  wrapStep?: FitOptions['wrapStep'] | undefined;
}

export interface ObjectiveResult {
  L: number;
  table: DiagnosticsTable;
  history: { loss: number[]; valLoss: number[] };
  /** The epoch (1-based count) after which early stopping ended training, or null. */
  stoppedEarly?: number | null;
  /** Online: wall time (ms) training waited for its batches (FitHistory.dataWaitMs). */
  dataWaitMs?: number;
  /** Mean wall time per optimizer step (ms), validation excluded. */
  msPerStep: number;
  /** Wall time of the posterior sampling (ms). */
  samplingMs: number;
  backend: string;
  parameterCount: number;
  network?: NetworkFile;
  draws?: Float32Array;
}

/**
 * How a trial's run ended, when it did not throw. A prune is a value, not an exception, on its way
 * through fit, this objective and the worker (whose transport would flatten an exception's class into
 * a plain Error); only the study's objective turns it into the engine's `TrialPruned`, the one
 * exception the optimize loop reads as PRUNED, as Optuna handles `TrialPruned` in one place.
 */
export type ObjectiveOutcome =
  | { status: 'complete'; result: ObjectiveResult }
  | {
      status: 'pruned';
      /** 0-based epoch after which training stopped. */
      epoch: number;
      /** That epoch's validation loss (the value a pruned Optuna trial keeps). */
      value: number;
    };

export class HyperparameterError extends Error {
  override readonly name = 'HyperparameterError';
}

/** Checks every hyperparameter; the error names the field and the value received. */
export function validateHyperparameters(h: TrialHyperparameters): TrialHyperparameters {
  const posInt = (k: keyof TrialHyperparameters): void => {
    const v = h[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new HyperparameterError(`hyperparameter ${k} must be a positive integer, got ${JSON.stringify(v)}`);
    }
  };
  for (const k of [
    'numSeeds',
    'batchSize',
    'embedDim',
    'summaryDim',
    'epochs',
    'posteriorDraws',
    'integrationSteps',
  ] as const) {
    posInt(k);
  }
  if (typeof h.dropout !== 'number' || !(h.dropout >= 0 && h.dropout < 1)) {
    throw new HyperparameterError(`hyperparameter dropout must be in [0, 1), got ${JSON.stringify(h.dropout)}`);
  }
  if (typeof h.lr !== 'number' || !(h.lr > 0) || !Number.isFinite(h.lr)) {
    throw new HyperparameterError(`hyperparameter lr must be a positive number, got ${JSON.stringify(h.lr)}`);
  }
  if (h.integrator !== 'euler' && h.integrator !== 'rk4') {
    throw new HyperparameterError(
      `hyperparameter integrator must be 'euler' or 'rk4', got ${JSON.stringify(h.integrator)}`,
    );
  }
  return h;
}

/** Network fields each tuned hyperparameter sets; an override of one of them would silently undo the trial's value. */
const TUNED_FIELDS = {
  dropout: 'dropout',
  numSeeds: 'numSeeds',
  embedDim: 'embedDim',
  summaryDim: 'summaryDim',
} as const;

/**
 * The network the trial trains: BayesFlow defaults with the tuned hyperparameters applied as the
 * variant says, then every explicit override. An override of a field the trial itself sets (dropout,
 * numSeeds, embedDim, summaryDim) is refused, naming both values, rather than letting one of the two
 * quietly lose; the reference's fixed embedDim is such a field, so it may only be overridden with 64.
 */
export function trialNetworkConfig(
  h: TrialHyperparameters,
  paramDim: number,
  extra: Partial<NetworkConfig> = {},
  variant: NetworkVariant = 'as-tuned',
): NetworkConfig {
  const tuned: Partial<NetworkConfig> = {
    paramDim,
    summaryDim: h.summaryDim,
    numSeeds: h.numSeeds,
    embedDim: variant === 'reference' ? REFERENCE_NETWORK.embedDim : h.embedDim,
    dropout: h.dropout,
    flowDropout: variant === 'reference' ? REFERENCE_NETWORK.flowDropout : h.dropout,
  };
  for (const k of Object.values(TUNED_FIELDS)) {
    const v = extra[k];
    if (v !== undefined && v !== tuned[k]) {
      throw new NetworkConfigError(
        `network override ${k} = ${JSON.stringify(v)} contradicts the trial's ${k} = ${JSON.stringify(tuned[k])}` +
          ` (${variant} network); a tuned hyperparameter is fixed through the search space, not an override`,
      );
    }
  }
  if (extra.paramDim !== undefined && extra.paramDim !== paramDim) {
    throw new NetworkConfigError(
      `network override paramDim = ${extra.paramDim} contradicts the data's ${paramDim} parameters`,
    );
  }
  return defaultNetworkConfig({ ...tuned, ...extra });
}

/** Truths (n × P) of the validation sets, concatenated over batches. */
function truthsOf(batches: readonly SimBatch[]): { truths: Float64Array; n: number; names: string[] } {
  const names = [...batches[0]!.paramNames];
  const n = batches.reduce((a, b) => a + b.n, 0);
  const truths = new Float64Array(n * names.length);
  let off = 0;
  for (const b of batches) {
    truths.set(b.params.subarray(0, b.n * names.length), off);
    off += b.n * names.length;
  }
  return { truths, n, names };
}

/**
 * Keras EarlyStopping(monitor='val_loss', patience, min_delta=0): stop once the best loss is `patience`
 * epochs old. Its state is a function of the loss history, so a resumed run picks it up from the
 * checkpoint's losses.
 */
export function earlyStopping(
  patience: number | undefined,
  history: readonly number[],
): { stop: (valLoss: number) => boolean } {
  let best = Number.POSITIVE_INFINITY;
  let wait = 0;
  const see = (v: number): boolean => {
    if (v < best) {
      best = v;
      wait = 0;
    } else wait++;
    return patience !== undefined && wait >= patience;
  };
  for (const v of history) see(v);
  return { stop: see };
}

/** Salt that separates the posterior-noise seed from the weight and training seeds. */
const SAMPLING_SALT = 0x5a3b1e;
/** Salt of the live recovery preview's noise (kept apart from the diagnostics' noise). */
const PREVIEW_SALT = 0x1d4e7c;

export async function runObjective(
  spec: TrialSpec,
  train: SimBatch | readonly SimBatch[] | null,
  val: SimBatch | readonly SimBatch[],
  hooks: ObjectiveHooks = {},
): Promise<ObjectiveOutcome> {
  const h = validateHyperparameters(spec.hyperparameters);
  const trainList = train === null ? null : Array.isArray(train) ? (train as readonly SimBatch[]) : [train as SimBatch];
  const valList = Array.isArray(val) ? (val as readonly SimBatch[]) : [val as SimBatch];
  if ((trainList === null && spec.online === null) || trainList?.length === 0 || valList.length === 0) {
    throw new HyperparameterError('runObjective: empty training or validation data');
  }
  if (spec.online !== null && hooks.onlineBatch === undefined) {
    throw new HyperparameterError('runObjective: an online trial needs the onlineBatch hook');
  }
  const { patience } = spec;
  if (patience !== null && !(Number.isInteger(patience) && patience >= 1)) {
    throw new HyperparameterError(
      `runObjective: patience must be a whole number of at least 1 epoch, got ${JSON.stringify(patience)}`,
    );
  }
  const { seed, network: net, keep } = spec;
  const { truths, n, names } = truthsOf(valList);
  const P = names.length;
  const config = trialNetworkConfig(h, P, net.overrides, net.variant);
  const approx = new Approximator(config, { seed, ops: effectiveOps(net.ops, tf.getBackend()) });
  // The preview's base noise is fixed for the trial, so its points move only as the weights do.
  const previewOpts: PreviewOptions | null =
    keep.preview === false
      ? null
      : { seed: splitmix32(seed ^ PREVIEW_SALT), ...(keep.preview === true ? {} : keep.preview) };
  const { signal, onEpoch, onCheckpoint, onlineBatch, resume } = hooks;
  const online: OnlineData | undefined =
    spec.online === null || onlineBatch === undefined
      ? undefined
      : {
          batchesPerEpoch: spec.online.batchesPerEpoch,
          maxObs: spec.online.maxObs,
          next: onlineBatch,
          ...(spec.online.standardizationSets !== null ? { standardizationSets: spec.online.standardizationSets } : {}),
        };
  const fitOptions: FitOptions = {
    epochs: h.epochs,
    batchSize: h.batchSize,
    lr: h.lr,
    seed,
    standardizeCondition: net.standardizeCondition,
    standardizeTrials: net.standardizeTrials,
    flowDraws: net.flowDraws,
  };
  if (signal !== undefined) fitOptions.signal = signal;
  if (hooks.onBatch !== undefined) fitOptions.onBatch = hooks.onBatch;
  if (hooks.wrapStep !== undefined) fitOptions.wrapStep = hooks.wrapStep;
  if (spec.microBatchSize !== null) fitOptions.microBatchSize = spec.microBatchSize;
  if (online !== undefined) fitOptions.online = online;
  if (resume !== undefined) fitOptions.resume = resume;
  if (onCheckpoint !== undefined)
    fitOptions.onCheckpoint = async (c: FitCheckpoint) => onCheckpoint({ ...c, weights: await approx.getWeights() });
  try {
    if (resume !== undefined) approx.setWeights(resume.weights);
    const early = earlyStopping(patience ?? undefined, resume?.valLoss ?? []);
    let pruned = false;
    const history = await fit(approx, trainList, valList, {
      ...fitOptions,
      onEpoch: async (r) => {
        const report: EpochReport = {
          epoch: r.epoch,
          epochs: r.epochs,
          loss: r.loss,
          valLoss: r.valLoss,
          trainMs: r.trainMs,
        };
        if (previewOpts !== null && onEpoch !== undefined)
          report.preview = await recoveryPreview(approx, valList, previewOpts, signal);
        pruned = (await onEpoch?.(report)) === true;
        return pruned || early.stop(r.valLoss);
      },
    });
    if (pruned) {
      return { status: 'pruned', epoch: history.valLoss.length - 1, value: history.valLoss.at(-1)! };
    }
    const t0 = performance.now();
    const draws = await samplePosterior(approx, valList, history.standardization, {
      numSamples: h.posteriorDraws,
      steps: h.integrationSteps,
      method: h.integrator,
      seed: splitmix32(seed ^ SAMPLING_SALT),
      ...(spec.sampleChunkSize !== null ? { chunkSize: spec.sampleChunkSize } : {}),
      ...(signal ? { signal } : {}),
      onProgress: (done, total) => hooks.onSampling?.({ done, total }),
    });
    const samplingMs = performance.now() - t0;
    const table = computeDiagnostics(draws, truths, n, h.posteriorDraws, P, names);
    const L = weightedMetricSum(table, spec.weights);
    const result: ObjectiveResult = {
      L,
      table,
      history: { loss: history.loss, valLoss: history.valLoss },
      stoppedEarly:
        history.stoppedBy === 'callback' && history.valLoss.length < h.epochs ? history.valLoss.length : null,
      msPerStep: history.msPerStep,
      samplingMs,
      backend: tf.getBackend(),
      parameterCount: approx.parameterCounts.total,
    };
    if (online !== undefined) result.dataWaitMs = history.dataWaitMs;
    if (keep.network !== false) {
      result.network = await serializeNetwork(approx, names, {
        hyperparameters: { ...h },
        network: net.variant,
        standardizeCondition: net.standardizeCondition,
        ...(net.standardizeTrials ? { standardizeTrials: true } : {}),
        history: result.history,
        L,
        metrics: tableToRecord(table),
        backend: result.backend,
        msPerStep: result.msPerStep,
        ...keep.network.metadata,
      });
    }
    if (keep.draws) result.draws = draws;
    return { status: 'complete', result };
  } finally {
    approx.dispose();
  }
}
