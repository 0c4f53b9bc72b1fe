/**
 * Train the final network: a trial's hyperparameters at a budget the user sets (online by default, on a
 * range of trial counts), with progress, ETA, the loss history and Cancel. After every epoch the run's
 * checkpoint (weights, Adam's moments, epoch, losses, shuffle state) goes to IndexedDB
 * (src/persistence/final-run-store.ts) before training goes on, so a reload or a crash continues from the
 * last epoch (`resume`), bit-identically: every random number of training is keyed by the step, and the
 * online batches by their index. A finished run is scored with the full diagnostics and stored in the
 * model store under the study's final-network key, where Infer offers it.
 */
import type { FrozenTrial } from '../engine/index.ts';
import { trialSpec, type NetworkFile, type TrainingCheckpoint, type TrialHyperparameters } from '../nn/pure.ts';
import type { PosteriorSample } from '../plots/index.ts';
import { finalRunId, type FinalRunRecord, type FinalRunSettings } from '../persistence/index.ts';
import { OnlineFeed, validationPlans, type DmcBatch, type DmcConfig } from '../sim/index.ts';
import { errorMessage, splitmix32 } from '../shared/index.ts';
import {
  dataSeeds,
  trialHyperparameters,
  trialNetwork,
  trialSeed,
  type StudyConfig,
  type SuggestedHyperparameters,
} from '../study-config/index.ts';
import type { TrialRunHooks } from '../workers/train-client.ts';
import {
  DEFAULT_FINAL_SETTINGS,
  finalEta,
  finalNetworkKey,
  finalSimulator,
  isoNow,
  settingsProblems,
  stalledFor,
} from './final-network-support.ts';
import { completedTrialAttrs, decodeDraws, encodeDraws } from './run-support.ts';
import { MetricsVsN, type NumObsEvaluator } from './metrics-vs-n.svelte.ts';
import type { NetworkSink, Trainer } from './study-run.svelte.ts';
import { readStudyMeta, type LibraryStorage } from './study-meta.ts';
import type { BatchPool } from './trials-via-pool.ts';

/** Where runs and their checkpoints are kept (src/persistence/final-run-store.ts FinalRunStore). */
export interface FinalRunKeeper {
  put(record: FinalRunRecord): Promise<void>;
  get(id: string): Promise<FinalRunRecord | undefined>;
  list(studyId: number): Promise<FinalRunRecord[]>;
  delete(id: string): Promise<void>;
}

export interface FinalNetworkDeps {
  storage: LibraryStorage;
  pool: BatchPool;
  /** A training worker of its own, so a final run and a study never swap each other's data. */
  trainer: Trainer;
  runs: FinalRunKeeper;
  /** The model store: finished final networks go there, and their draws come back for the plots. */
  networks: NetworkSink & { load(key: string, trialNumber: number): Promise<NetworkFile | undefined> };
  /** Scores a finished network at several trial counts N (an inference worker); absent: no "Metrics vs N". */
  numObsEvaluator?: NumObsEvaluator;
}

export type FinalPhase = 'idle' | 'simulating' | 'training' | 'diagnostics' | 'finished' | 'cancelled' | 'failed';

export interface FinalLive {
  trialNumber: number;
  epoch: number;
  epochs: number;
  batch: number;
  numBatches: number;
  loss: number[];
  valLoss: number[];
  /** Epochs done when this session started (a continued run starts at its checkpoint). */
  epochsAtStart: number;
  startedAt: number;
}

/** Salt of the final run's validation seed: its sets span its own trial counts, apart from the study's. */
const FINAL_VALIDATION_SALT = 0xf1a1;

export class FinalNetworkRun {
  #phase = $state<FinalPhase>('idle');
  #live = $state.raw<FinalLive | null>(null);
  #error = $state<string | null>(null);
  #records = $state.raw<FinalRunRecord[]>([]);
  #studyId = $state<number | null>(null);
  #now = $state(0);
  #diagnostics = $state.raw<{ id: string; sample: PosteriorSample | null; reason: string | null } | null>(null);
  /** What the run is doing or waiting for now, in words ("simulating the validation sets"). */
  #stage = $state('');
  /** performance.now() of the last progress (a stage begun, a batch or sampling chunk done); 0: none. */
  #progressAt = 0;
  /** The longest time between two progress events so far in this session (ms). */
  #longestGap = 0;
  #controller: AbortController | null = null;
  readonly #deps: FinalNetworkDeps;
  /** The form's settings (Results edits them in place). */
  settings = $state<FinalRunSettings>(structuredClone(DEFAULT_FINAL_SETTINGS) as FinalRunSettings);
  /** The trial the form would train (null: the best). */
  trialNumber = $state<number | null>(null);

  /** "Metrics vs N" of a finished final network (null without an evaluator). */
  readonly metricsVsN: MetricsVsN | null;

  constructor(deps: FinalNetworkDeps) {
    this.#deps = deps;
    this.metricsVsN = deps.numObsEvaluator
      ? new MetricsVsN({ evaluator: deps.numObsEvaluator, networks: deps.networks })
      : null;
  }

  get phase(): FinalPhase {
    return this.#phase;
  }
  get active(): boolean {
    return this.#phase === 'simulating' || this.#phase === 'training' || this.#phase === 'diagnostics';
  }
  get live(): FinalLive | null {
    return this.#live;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The shown study's final runs, newest first. */
  get records(): FinalRunRecord[] {
    return this.#records;
  }
  get studyId(): number | null {
    return this.#studyId;
  }
  /**
   * Runs a closed or reloaded tab left unfinished ('running'), or cancelled after an epoch: offered for
   * Continue from their last checkpoint.
   */
  get interrupted(): FinalRunRecord[] {
    return this.active
      ? []
      : this.#records.filter((r) => r.status === 'running' || (r.status === 'cancelled' && r.checkpoint !== null));
  }
  get etaSeconds(): number | null {
    const l = this.#live;
    if (l === null || this.#phase !== 'training') return null;
    return finalEta({
      epochsAtStart: l.epochsAtStart,
      epochsDone: l.loss.length,
      epochs: l.epochs,
      batchFraction: l.numBatches > 0 ? l.batch / l.numBatches : 0,
      elapsedS: (this.#now - l.startedAt) / 1000,
    });
  }

  /** What the active run is doing or waiting for, in words; '' when none runs. */
  get stage(): string {
    return this.active ? this.#stage : '';
  }

  /**
   * The watchdog: when the active run has made no progress for much longer than its slowest step so
   * far (final-network-support.ts stalledFor), the stage it is stuck in and for how long; else null.
   */
  get stalled(): { stage: string; seconds: number } | null {
    if (!this.active || this.#progressAt === 0) return null;
    const seconds = stalledFor({
      sinceProgressS: (this.#now - this.#progressAt) / 1000,
      longestGapS: this.#longestGap / 1000,
    });
    return seconds === null ? null : { stage: this.#stage, seconds };
  }

  /** Posterior draws of a finished final network on its validation sets (recovery, calibration, contraction). */
  get diagnostics(): { id: string; sample: PosteriorSample | null; reason: string | null } | null {
    return this.#diagnostics;
  }

  async showDiagnostics(record: FinalRunRecord): Promise<void> {
    try {
      const file = await this.#deps.networks.load(finalNetworkKey(record.modelKey), record.trialNumber);
      const d = file === undefined ? null : decodeDraws(file.metadata['validationDraws']);
      this.#diagnostics =
        d === null
          ? { id: record.id, sample: null, reason: 'The final network is no longer stored with its posterior draws.' }
          : {
              id: record.id,
              sample: { draws: d.draws, truths: d.truths, n: d.n, S: d.S, P: d.P, names: d.names },
              reason: null,
            };
    } catch (e) {
      this.#diagnostics = {
        id: record.id,
        sample: null,
        reason: `Could not read the final network: ${errorMessage(e)}`,
      };
    }
  }

  /** What keeps the form's settings from running, in plain words. */
  get problems(): string[] {
    return settingsProblems(this.settings);
  }

  /** Reads the runs of a study (Results calls it when the study opens). */
  async load(studyId: number): Promise<void> {
    if (this.active && this.#studyId !== studyId) return;
    this.#studyId = studyId;
    this.#records = await this.#deps.runs.list(studyId);
  }

  /** Starts a final run of a trial (replacing an earlier one of the same trial). */
  async start(studyId: number, trial: FrozenTrial, settings: FinalRunSettings): Promise<void> {
    const problems = settingsProblems(settings);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const meta = await readStudyMeta(this.#deps.storage, studyId);
    if (meta.config === null) throw new Error(meta.configProblem ?? `study ${meta.name} has no configuration`);
    const hparams: TrialHyperparameters = {
      ...trialHyperparameters(trial.params as SuggestedHyperparameters, meta.config),
      epochs: settings.epochs,
    };
    const seed =
      typeof trial.userAttrs['seed'] === 'number' ? trial.userAttrs['seed'] : trialSeed(meta.config, trial.number);
    const now = isoNow();
    const record: FinalRunRecord = {
      id: finalRunId(meta.modelKey, trial.number),
      modelKey: meta.modelKey,
      studyId,
      studyName: meta.name,
      trialNumber: trial.number,
      settings: structuredClone(settings),
      hparams,
      seed,
      status: 'running',
      error: null,
      checkpoint: null,
      startedAt: now,
      updatedAt: now,
      result: null,
    };
    await this.#deps.runs.put(record);
    await this.#execute(record, meta.config);
  }

  /** Continues an interrupted run from its last checkpoint. */
  async continue(id: string): Promise<void> {
    const record = await this.#deps.runs.get(id);
    if (record === undefined) throw new Error('This final-network run is no longer stored');
    const meta = await readStudyMeta(this.#deps.storage, record.studyId);
    if (meta.config === null) throw new Error(meta.configProblem ?? `study ${meta.name} has no configuration`);
    await this.#execute({ ...record, status: 'running', error: null }, meta.config);
  }

  async discard(id: string): Promise<void> {
    await this.#deps.runs.delete(id);
    if (this.#studyId !== null) await this.load(this.#studyId);
  }

  cancel(): void {
    this.#controller?.abort(new DOMException('Cancelled by the user', 'AbortError'));
  }

  async #execute(record: FinalRunRecord, config: StudyConfig): Promise<void> {
    if (this.active) throw new Error('A final network is already training in this tab');
    const controller = new AbortController();
    this.#controller = controller;
    const signal = controller.signal;
    this.#studyId = record.studyId;
    this.#error = null;
    this.#phase = 'simulating';
    const resume = record.checkpoint;
    this.#live = {
      trialNumber: record.trialNumber,
      epoch: resume?.epoch ?? 0,
      epochs: record.settings.epochs,
      batch: 0,
      numBatches: 0,
      loss: [...(resume?.loss ?? [])],
      valLoss: [...(resume?.valLoss ?? [])],
      epochsAtStart: resume?.epoch ?? 0,
      startedAt: performance.now(),
    };
    this.#progressAt = 0;
    this.#longestGap = 0;
    this.#now = performance.now();
    const ticker = setInterval(() => (this.#now = performance.now()), 1000);
    const bpe = record.settings.mode === 'online' ? record.settings.batchesPerEpoch : null;
    /** Where training stands (restored when an online batch it waited for arrives). */
    let training = `training epoch ${(resume?.epoch ?? 0) + 1}${bpe === null ? '' : `, batch 1 of ${bpe}`}`;
    let current = record;
    const save = async (patch: Partial<FinalRunRecord>): Promise<void> => {
      current = { ...current, ...patch, updatedAt: isoNow() };
      await this.#deps.runs.put(current);
    };
    let feed: OnlineFeed | null = null;
    try {
      this.#mark('reading the stored runs');
      await this.#refresh();
      const s = record.settings;
      const dmc = finalSimulator(config, s);
      const seeds = dataSeeds(config);
      this.#mark(
        s.mode === 'online' ? 'simulating the validation sets' : 'simulating the training and validation sets',
      );
      const { val, train } = await this.#simulate(dmc, s, seeds, signal);
      const truths = concatTruths(val);
      this.#mark('starting the training worker (loading its backend)');
      await this.#deps.trainer.selectBackend(config.backend === 'auto' ? undefined : config.backend);
      this.#mark('handing the data sets to the training worker');
      await this.#deps.trainer.setData(train, val, { transfer: false });
      feed =
        s.mode === 'online'
          ? new OnlineFeed({
              config: dmc,
              seed: seeds.training,
              batchSize: record.hparams.batchSize,
              total: s.epochs * s.batchesPerEpoch,
              simulate: (p, sig) => this.#range(dmc, p, sig),
            })
          : null;
      this.#phase = 'training';
      this.#live = { ...this.#live, startedAt: performance.now() };
      this.#mark(training);
      const onlineFeed = feed;
      // Cancel also ends a wait for an online batch (the worker's request rejects at once).
      if (onlineFeed !== null) signal.addEventListener('abort', () => onlineFeed.dispose(), { once: true });
      const spec = trialSpec(record.hparams, {
        seed: record.seed,
        weights: config.weights,
        network: trialNetwork(config.network),
        online:
          s.mode === 'online' ? { batchesPerEpoch: s.batchesPerEpoch, maxObs: dmc.fixedNumObs ?? dmc.maxNumObs } : null,
        patience: s.patience,
        keep: {
          network: {
            metadata: {
              study: record.studyName,
              trialNumber: record.trialNumber,
              studyConfig: config,
              simulator: dmc,
              finalNetwork: { ...s },
            },
          },
          draws: true,
        },
      });
      const hooks: TrialRunHooks = {
        signal,
        onlineBatch: onlineFeed === null ? undefined : (j: number) => this.#awaitBatch(j, onlineFeed, () => training),
        resume: resume ?? undefined,
        onBatch: (p) => {
          this.#update({ epoch: p.epoch, batch: p.batch + 1, numBatches: p.numBatches });
          training =
            p.batch + 1 < p.numBatches
              ? `training epoch ${p.epoch + 1}, batch ${p.batch + 2} of ${p.numBatches}`
              : `computing the validation loss of epoch ${p.epoch + 1}`;
          this.#mark(training);
        },
        onSampling: () => this.#mark(),
        // Stored before training goes on (the worker awaits it): a reload loses at most the epoch in progress.
        onCheckpoint: async (c: TrainingCheckpoint) => {
          this.#mark(`storing the checkpoint of epoch ${c.epoch}`);
          await save({ checkpoint: c });
          this.#update({ epoch: c.epoch, batch: 0, loss: [...c.loss], valLoss: [...c.valLoss] });
          if (c.epoch >= s.epochs) this.#phase = 'diagnostics';
          training =
            c.epoch >= s.epochs
              ? 'sampling the validation posteriors for the diagnostics'
              : `training epoch ${c.epoch + 1}${bpe === null ? '' : `, batch 1 of ${bpe}`}`;
          this.#mark(training);
        },
      };
      const outcome = await this.#deps.trainer.runTrial(spec, hooks);
      if (outcome.status !== 'complete') throw new Error('the final run stopped although nothing asked to prune it');
      this.#mark('storing the finished network');
      const r = outcome.result;
      if (r.network !== undefined && r.draws !== undefined) {
        r.network.metadata.validationDraws = encodeDraws(
          r.draws,
          truths,
          truths.length / val[0]!.paramNames.length,
          record.hparams.posteriorDraws,
          [...val[0]!.paramNames],
        );
      }
      if (r.network !== undefined)
        await this.#deps.networks.save(finalNetworkKey(record.modelKey), record.trialNumber, r.network);
      const attrs = completedTrialAttrs(r);
      await save({
        status: 'complete',
        checkpoint: null,
        result: {
          L: r.L,
          metrics: attrs['metrics'] as Record<string, Record<string, number>>,
          stoppedEarly: r.stoppedEarly ?? null,
        },
      });
      this.#phase = 'finished';
    } catch (err) {
      if (signal.aborted) {
        // The checkpoint stays: a cancelled run can still be continued from its last epoch.
        await save({ status: 'cancelled' }).catch(() => undefined);
        this.#phase = 'cancelled';
      } else {
        const message = errorMessage(err);
        await save({ status: 'failed', error: message }).catch(() => undefined);
        this.#error = message;
        this.#phase = 'failed';
      }
    } finally {
      feed?.dispose();
      clearInterval(ticker);
      this.#controller = null;
      await this.#refresh().catch(() => undefined);
    }
  }

  async #refresh(): Promise<void> {
    if (this.#studyId !== null) this.#records = await this.#deps.runs.list(this.#studyId);
  }

  /** Progress: the watchdog's clock restarts, and the stage changes when one is given. */
  #mark(stage?: string): void {
    const now = performance.now();
    if (this.#progressAt > 0) this.#longestGap = Math.max(this.#longestGap, now - this.#progressAt);
    this.#progressAt = now;
    this.#now = now;
    if (stage !== undefined) this.#stage = stage;
  }

  /** Online batch j for the training worker; the stage says so while the simulation workers make it. */
  async #awaitBatch(j: number, feed: OnlineFeed, training: () => string): Promise<DmcBatch> {
    this.#mark(`waiting for online batch ${j + 1} from the simulation workers`);
    const batch = await feed.next(j);
    this.#mark(training());
    return batch;
  }

  #update(patch: Partial<FinalLive>): void {
    if (this.#live !== null) this.#live = { ...this.#live, ...patch };
  }

  #range(
    dmc: DmcConfig,
    p: { seed: number; start: number; count: number; numObs: number },
    signal: AbortSignal,
  ): Promise<DmcBatch> {
    const pool = this.#deps.pool;
    if (pool.simulateRange === undefined)
      throw new Error('The final network needs a simulation pool that simulates ranges of data sets');
    return pool.simulateRange(dmc, p.seed, p.start, p.count, p.numObs, { signal });
  }

  /** The fixed validation sets over the trial counts, and (offline) the training sets likewise. */
  async #simulate(
    dmc: DmcConfig,
    s: FinalRunSettings,
    seeds: { training: number; validation: number },
    signal: AbortSignal,
  ): Promise<{ val: DmcBatch[]; train: DmcBatch | null }> {
    const valSeed = splitmix32(seeds.validation ^ FINAL_VALIDATION_SALT);
    const val = await Promise.all(
      validationPlans(dmc, valSeed, s.validationSets).map((p) => this.#range(dmc, p, signal)),
    );
    if (s.mode === 'online') return { val, train: null };
    // Offline: one N (settingsProblems refuses a range), the study's training seed.
    return { val, train: await this.#deps.pool.simulate(dmc, seeds.training, s.trainingSets, { signal }) };
  }
}

/** Truths (n × P) of the validation parts in order. */
function concatTruths(val: readonly DmcBatch[]): Float64Array {
  const out = new Float64Array(val.reduce((a, b) => a + b.params.length, 0));
  let off = 0;
  for (const b of val) {
    out.set(b.params, off);
    off += b.params.length;
  }
  return out;
}
