/**
 * Offline training (BayesFlow `fit_offline`, docs/design/networks.md#training): Adam(0.9, 0.999, ε 1e-7) with
 * per-variable clipnorm 1.5, 5 % linear warmup from 0.1·lr0 then cosine decay to 0 (per step),
 * indices reshuffled every epoch (seeded), num_batches = ceil(n / batch_size) with the last partial
 * batch kept, validation loss once per epoch without dropout (batch-size-weighted mean; the training
 * loss is reported the same way, as Keras' loss tracker does).
 *
 * Randomness per optimizer step s is Philox keyed by (seed stream, s) and the data set's position in the
 * batch — base noise, times and dropout masks, made by kernels where they are used — so a run is
 * reproducible from (weights, data, seed) on every backend and for any micro-batch size, and no step
 * draws random numbers in JavaScript (see batches.ts). Only the per-epoch shuffle uses an Rng stream.
 *
 * Online training (BayesFlow `fit_online`, `opts.online`): instead of reshuffled epochs over fixed sets,
 * every step trains on a fresh batch that `online.next(j)` supplies (global batch j = epoch · batchesPerEpoch
 * + b; src/sim/online.ts makes it a function of the seed and j only, prepared ahead by the simulation
 * workers). Without a given standardization it is fitted on the first online batches, which then train
 * as usual. The validation sets stay fixed.
 *
 * Checkpoints (`onCheckpoint`, `resume`): after every epoch's validation the run's position — epochs and
 * steps done, loss history, Adam's moments, the shuffle generator's state, the standardization — is
 * handed out; a run given that checkpoint (and the approximator's weights of that moment) continues
 * bit-identically to one that never stopped, since every other random number is keyed by the step.
 *
 * Memory: every step runs inside tf.variableGrads/tidy; the optimizer state is created here and
 * disposed on every exit path, so tf.memory().numTensors is the same before and after fit (also when it
 * is cancelled or throws).
 *
 * No step waits for the GPU. A step's loss stays a tensor: Adam takes it as its guard (a non-finite
 * loss halts the optimizer on the device, adam.ts) and its read-back is started at once and awaited
 * only when more than LOSS_READS_IN_FLIGHT later steps have been queued behind it, so the GPU always
 * has work while the host reports progress (onBatch, in step order, when a step's loss has arrived)
 * and sums the epoch mean. Where reads are immediate anyway (wasm, cpu: Adam reads the loss before its
 * update) nothing is left in flight and onBatch follows its step at once. A non-finite loss
 * is reported when its read arrives, as TrainingDivergedError for its own epoch and step; the weights
 * are still those before it, since the halted optimizer skipped every step queued after it.
 *
 * GPU errors (device.ts): each step runs in error scopes that close once its loss read has submitted
 * its commands, and their verdict is awaited with that read; validation runs in scopes of its own.
 * Before each step the watch is checked, so after a validation or out-of-memory error nothing more is
 * queued beyond the steps already in flight, and fit throws the GpuError (the GPU's message) after
 * the usual cleanup.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../shared/index.ts';
import { DataSets, fitStandardization, type SimBatch, type Standardization } from '../model/adapter.ts';
import type { Approximator } from '../networks/approximator.ts';
import { backendMemoryBudget, GpuErrorWatch } from '../runtime/device.ts';
import { yieldToEventLoop } from '../runtime/yield.ts';
import { Adam, REFERENCE_ADAM, type AdamState } from './adam.ts';
import { autoMicroBatchSize, batchRows } from './batches.ts';
import { TrainingDivergedError } from './errors.ts';
import { ScalarCache } from './scalars.ts';
import { learningRateAt, scheduleShape } from './schedule.ts';
import { readScalar, STREAM, streamSeed, trainStep, validationLoss } from './step.ts';

export { validationLoss, type ValidationOptions } from './step.ts';

export interface BatchProgress {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  numBatches: number;
  /** 0-based global optimizer step. */
  step: number;
  totalSteps: number;
  /** Loss of this batch (before the update). */
  loss: number;
  /** Learning rate used for this step. */
  lr: number;
}

export interface EpochResult {
  /** 0-based epoch. */
  epoch: number;
  epochs: number;
  /** Batch-size-weighted mean training loss of the epoch (with dropout). */
  loss: number;
  /** Batch-size-weighted mean validation loss (no dropout). */
  valLoss: number;
  /** Wall time of the epoch's training steps (ms), excluding validation. */
  trainMs: number;
}

/** Fresh training batches for every step (BayesFlow `fit_online`). */
export interface OnlineData {
  batchesPerEpoch: number;
  /** Global batch j (epoch · batchesPerEpoch + batch) of batchSize fresh data sets. */
  next: (j: number) => Promise<SimBatch>;
  /** The most trials a batch may have (plans the micro-batch size before any batch exists). */
  maxObs: number;
  /** Data sets the standardization is fitted on when none is given (whole batches; default 512). */
  standardizationSets?: number;
}

/** Where a run stands after an epoch: with the approximator's weights of that moment, enough to continue. */
export interface FitCheckpoint {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  steps: number;
  loss: number[];
  valLoss: number[];
  adam: AdamState;
  /** State of the per-epoch shuffle generator and the order it last left (offline data; shuffles compound). */
  shuffle: [number, number, number, number];
  order: Int32Array;
  standardization: Standardization;
  /** Training wall time so far (ms), for msPerStep. */
  trainMs: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /**
   * Flow-matching draws (x0, t) per data set and step (default 1, as BayesFlow). K > 1 averages the loss
   * over K draws for each set's one summary-network pass: a gradient with less noise for nearly the
   * same cost, since the summary network dominates a step. Validation keeps one draw per set.
   */
  flowDraws?: number;
  /** Initial learning rate lr0 of the schedule. */
  lr: number;
  seed: number;
  signal?: AbortSignal;
  onBatch?: (p: BatchProgress) => void;
  /**
   * After each epoch's validation. Returning true stops training early (e.g. a pruner); throwing
   * stops it and propagates the error after cleanup.
   */
  onEpoch?: (r: EpochResult) => boolean | void | Promise<boolean | void>;
  /** Standardization of the inference variables; default approx.standardization, else fitted on train. */
  standardization?: Standardization;
  /**
   * When the standardization is fitted here: also standardize the direct condition sqrt(num_obs)
   * (see adapter.ts; default false = the notebook's raw condition).
   */
  standardizeCondition?: boolean;
  /** When the standardization is fitted here: also standardize the per-trial summary inputs (adapter.ts). */
  standardizeTrials?: boolean;
  /** Per-variable clip norm (default 1.5; null disables). */
  clipNorm?: number | null;
  /**
   * Data sets per forward/backward pass; a batch is split into micro-batches whose gradients are
   * accumulated (same result, bounded memory). Default: `autoMicroBatchSize` for the longest set.
   */
  microBatchSize?: number;
  /**
   * Runs each optimizer step: called with the 0-based step and the step itself, it must call `run`
   * once and return its loss. For measurement (profiling/step-profiler.ts counts what one step sends to the
   * device); training is unchanged without it.
   */
  wrapStep?: <T>(step: number, run: () => Promise<T>) => Promise<T>;
  /** Online training: a fresh batch for every step; the `train` argument is then unused (may be null). */
  online?: OnlineData;
  /**
   * After every epoch's validation (before onEpoch), awaited: where the run stands, to store with the
   * approximator's weights. Reading Adam's moments costs a device read, so it runs only when asked for.
   */
  onCheckpoint?: (c: FitCheckpoint) => void | Promise<void>;
  /** Continue from this checkpoint (the approximator must hold the weights saved with it). */
  resume?: FitCheckpoint;
}

export interface FitHistory {
  loss: number[];
  valLoss: number[];
  /** 'callback' when onEpoch returned true. */
  stoppedBy: 'completed' | 'callback';
  /** Optimizer steps taken. */
  steps: number;
  /** Mean wall time per optimizer step (ms), validation excluded. */
  msPerStep: number;
  /** Online: wall time (ms) this run's steps waited for their batch (0 when the feed kept ahead). */
  dataWaitMs: number;
  standardization: Standardization;
}

type DataInput = SimBatch | readonly SimBatch[] | DataSets;

/** Steps whose loss may still be on its way back while the next step is queued (device-guarded Adam). */
const LOSS_READS_IN_FLIGHT = 2;

/** A step whose loss has not been reported yet. */
interface PendingStep {
  loss: Promise<number>;
  /** Settles when the GPU has judged the step's work (errors are recorded in the watch). */
  judged: Promise<void>;
  epoch: number;
  batch: number;
  step: number;
  lr: number;
  size: number;
}

const DEFAULT_STANDARDIZATION_SETS = 512;

export async function fit(
  approx: Approximator,
  train: DataInput | null,
  val: DataInput,
  opts: FitOptions,
): Promise<FitHistory> {
  const online = opts.online ?? null;
  if (online === null && train === null) throw new Error('fit: no training data (pass data sets, or online batches)');
  const trainSets = online === null ? DataSets.from(train!) : null;
  const valSets = DataSets.from(val);
  const p = approx.config.paramDim;
  for (const [what, s] of [
    ['train', trainSets],
    ['val', valSets],
  ] as const) {
    if (s !== null && s.paramDim !== p)
      throw new Error(`fit: ${what} data has ${s.paramDim} parameters, network expects ${p}`);
  }
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
    throw new Error(`fit: batchSize must be a positive integer, got ${opts.batchSize}`);
  }
  if (!(opts.lr > 0) || !Number.isFinite(opts.lr)) throw new Error(`fit: lr must be a positive number, got ${opts.lr}`);
  if (
    opts.flowDraws !== undefined &&
    !(Number.isInteger(opts.flowDraws) && opts.flowDraws >= 1 && opts.flowDraws <= 64)
  ) {
    throw new Error(`fit: flowDraws must be an integer from 1 to 64, got ${opts.flowDraws}`);
  }
  if (online !== null && (!Number.isInteger(online.batchesPerEpoch) || online.batchesPerEpoch < 1)) {
    throw new Error(`fit: batches per epoch must be a positive integer, got ${online.batchesPerEpoch}`);
  }
  // key_dim = embedDim per head (config.ts)
  const budget = backendMemoryBudget(approx.ops, approx.config.embedDim);
  const micro = {
    train: opts.microBatchSize ?? autoMicroBatchSize(approx.config, online?.maxObs ?? trainSets!.maxObs, budget),
    val: opts.microBatchSize ?? autoMicroBatchSize(approx.config, valSets.maxObs, budget),
  };
  if (!Number.isInteger(micro.train) || micro.train < 1) {
    throw new Error(`fit: microBatchSize must be a positive integer, got ${opts.microBatchSize}`);
  }
  const numBatches = online?.batchesPerEpoch ?? Math.ceil(trainSets!.n / opts.batchSize);
  const resume = opts.resume;
  if (
    resume !== undefined &&
    !(Number.isInteger(resume.epoch) && resume.epoch >= 0 && resume.steps === resume.epoch * numBatches)
  ) {
    throw new Error(
      `fit: the checkpoint (epoch ${resume.epoch}, step ${resume.steps}) does not fit a run of ${numBatches} batches per epoch`,
    );
  }
  // Online batches fetched ahead of the loop (to fit the standardization on), handed to it in turn.
  const early = new Map<number, SimBatch>();
  const standardization =
    resume?.standardization ??
    opts.standardization ??
    approx.standardization ??
    fitStandardization(
      trainSets ?? (await firstOnlineBatches(online!, opts.batchSize, numBatches * opts.epochs, early)),
      {
        condition: opts.standardizeCondition === true,
        trials: opts.standardizeTrials === true,
      },
    );
  approx.standardization = standardization;

  const shape = scheduleShape(opts.epochs, numBatches);
  const shuffleRng =
    resume !== undefined ? Rng.fromState(resume.shuffle) : Rng.stream(streamSeed(opts.seed, STREAM.shuffle), 0);
  const order = Int32Array.from({ length: trainSets?.n ?? opts.batchSize }, (_, i) => i);
  if (resume !== undefined) {
    if (resume.order.length !== order.length)
      throw new Error(
        `fit: the checkpoint's order covers ${resume.order.length} data sets, this run has ${order.length}`,
      );
    order.set(resume.order);
  }
  const vars = approx.trainableVariables;
  const adam = new Adam(vars, { ...REFERENCE_ADAM, clipNorm: opts.clipNorm === undefined ? 1.5 : opts.clipNorm });
  const history: FitHistory = {
    loss: [...(resume?.loss ?? [])],
    valLoss: [...(resume?.valLoss ?? [])],
    stoppedBy: 'completed',
    steps: resume?.steps ?? 0,
    msPerStep: 0,
    dataWaitMs: 0,
    standardization,
  };
  const scalars = new ScalarCache();
  const inFlight = adam.guardsOnDevice ? LOSS_READS_IN_FLIGHT : 0;
  const pending: PendingStep[] = [];
  let issued = resume?.steps ?? 0;
  let trainMsTotal = resume?.trainMs ?? 0;
  let sum = 0;
  let epochSets = 0;
  const gpu = new GpuErrorWatch();
  const report = async (): Promise<void> => {
    const p = pending.shift()!;
    const [read] = await Promise.allSettled([p.loss, p.judged]);
    // A read of an invalid buffer may fail or return garbage: the GPU's error comes first.
    gpu.check();
    if (read.status === 'rejected') throw read.reason;
    const loss = read.value;
    if (!Number.isFinite(loss)) throw new TrainingDivergedError(p.epoch, p.step, loss, 'training');
    sum += loss * p.size;
    epochSets += p.size;
    history.steps++;
    opts.onBatch?.({
      epoch: p.epoch,
      batch: p.batch,
      numBatches,
      step: p.step,
      totalSteps: shape.totalSteps,
      loss,
      lr: p.lr,
    });
  };
  /** The sets and rows of step b of this epoch. */
  const batchAt = async (j: number, b: number): Promise<{ sets: DataSets; rows: Int32Array }> => {
    if (online === null) return { sets: trainSets!, rows: batchRows(order, b, opts.batchSize) };
    const got = early.get(j) ?? (await online.next(j));
    early.delete(j);
    if (got.n !== opts.batchSize)
      throw new Error(`fit: online batch ${j} has ${got.n} data sets, expected ${opts.batchSize}`);
    const sets = DataSets.from(got);
    if (sets.paramDim !== p)
      throw new Error(`fit: online batch ${j} has ${sets.paramDim} parameters, network expects ${p}`);
    if (sets.maxObs > online.maxObs)
      throw new Error(
        `fit: online batch ${j} has ${sets.maxObs} trials per set, more than the planned ${online.maxObs}`,
      );
    return { sets, rows: order };
  };
  if (resume !== undefined) adam.importState(resume.adam);

  try {
    for (let epoch = resume?.epoch ?? 0; epoch < opts.epochs; epoch++) {
      if (online === null) shuffleRng.shuffle(order);
      const t0 = performance.now();
      sum = 0;
      epochSets = 0;
      for (let b = 0; b < numBatches; b++) {
        opts.signal?.throwIfAborted();
        gpu.check();
        const step = issued++;
        // Waiting here for an online batch counts as training time: the feed is meant to be ahead.
        const waitFrom = performance.now();
        const { sets, rows } = await batchAt(step, b);
        history.dataWaitMs += performance.now() - waitFrom;
        opts.signal?.throwIfAborted();
        const lr = learningRateAt(step, opts.lr, shape);
        const run = (): Promise<tf.Scalar> =>
          trainStep({
            approx,
            adam,
            vars,
            sets,
            rows,
            standardization,
            seed: opts.seed,
            step,
            lr,
            micro: micro.train,
            scalars,
            flowDraws: opts.flowDraws ?? 1,
          });
        const close = gpu.scope();
        let loss: tf.Scalar;
        try {
          loss = await (opts.wrapStep !== undefined ? opts.wrapStep(step, run) : run());
        } catch (e) {
          // Work on invalid buffers can make tfjs throw too: the GPU's message is the cause.
          await close();
          gpu.check();
          throw e;
        }
        // The read submits the step's pending commands, so their errors land in its scopes.
        const read = readScalar(loss);
        pending.push({ loss: read, judged: close(), epoch, batch: b, step, lr, size: rows.length });
        while (pending.length > inFlight) await report();
        await yieldToEventLoop();
      }
      while (pending.length > 0) await report();
      const trainMs = performance.now() - t0;
      trainMsTotal += trainMs;
      gpu.check();
      const closeVal = gpu.scope();
      let valLoss: number;
      try {
        valLoss = await validationLoss(approx, valSets, standardization, {
          batchSize: opts.batchSize,
          seed: opts.seed,
          epoch,
          microBatchSize: micro.val,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (e) {
        await closeVal();
        gpu.check();
        throw e;
      }
      // Every read was awaited inside, so all of validation's work has been submitted.
      await closeVal();
      gpu.check();
      if (!Number.isFinite(valLoss)) throw new TrainingDivergedError(epoch, null, valLoss, 'validation');
      const loss = sum / epochSets;
      history.loss.push(loss);
      history.valLoss.push(valLoss);
      history.msPerStep = trainMsTotal / history.steps;
      if (opts.onCheckpoint !== undefined) {
        await opts.onCheckpoint({
          epoch: epoch + 1,
          steps: history.steps,
          loss: [...history.loss],
          valLoss: [...history.valLoss],
          adam: await adam.exportState(),
          shuffle: shuffleRng.getState(),
          order: order.slice(),
          standardization,
          trainMs: trainMsTotal,
        });
      }
      const stop = await opts.onEpoch?.({ epoch, epochs: opts.epochs, loss, valLoss, trainMs });
      if (stop === true) {
        history.stoppedBy = 'callback';
        break;
      }
    }
  } finally {
    // Reads still in flight (cancelled or failed mid-epoch) dispose their tensors when they land.
    await Promise.allSettled(pending.flatMap((p) => [p.loss, p.judged]));
    gpu.dispose();
    adam.dispose();
    scalars.dispose();
  }
  return history;
}

/**
 * The first online batches, enough for `standardizationSets` data sets (at most the run's batches); kept in
 * `early` so that training uses them as its first steps rather than simulating them twice.
 */
async function firstOnlineBatches(
  online: OnlineData,
  batchSize: number,
  totalBatches: number,
  early: Map<number, SimBatch>,
): Promise<SimBatch[]> {
  const want = Math.min(
    totalBatches,
    Math.max(1, Math.ceil((online.standardizationSets ?? DEFAULT_STANDARDIZATION_SETS) / batchSize)),
  );
  const out: SimBatch[] = [];
  for (let j = 0; j < want; j++) {
    const b = await online.next(j);
    early.set(j, b);
    out.push(b);
  }
  return out;
}
