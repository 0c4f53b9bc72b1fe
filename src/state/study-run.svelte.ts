/**
 * One study running in this tab: simulate the training and validation sets in the
 * worker pool, hand them to the training worker, then run the engine's optimize loop over the IndexedDB
 * journal, one trial = suggest → train (validation loss reported each epoch, so the pruner can stop it)
 * → diagnostics → L. The data sets are regenerated from the study seed, so a study continued after a
 * reload needs nothing stored but its journal; trials a closed tab left RUNNING are marked FAIL
 * ("interrupted") and re-run first with the same parameters (Optuna's RetryFailedTrialCallback: a
 * WAITING trial with `failed_trial` and `retry_history`), without costing the study a trial of its budget.
 */
import {
  loadStudy,
  TrialPruned,
  TrialState,
  withFailReasons,
  type FrozenTrial,
  type Study,
  type Trial,
} from '../engine/index.ts';
import type { BackendChoice, BackendName, NetworkFile, RecoveryPreview, TrialSpec } from '../nn/pure.ts';
import { OnlineFeed, type DmcBatch, type DmcConfig } from '../sim/index.ts';
import {
  checkBudget,
  dataSeeds,
  objectiveMetrics,
  overBudgetText,
  makePruner,
  makeSampler,
  onlineBatchesPerEpoch,
  suggestAll,
  studyTrialSpec,
  toDmcConfig,
  trialSeed,
  type StudyConfig,
  type SuggestedHyperparameters,
} from '../study-config/index.ts';
import type { TrialOutcome, TrialRunHooks } from '../workers/train-client.ts';
import type { BackendStatus } from './backends.svelte.ts';
import { budgetUsed, endSummary, retriesToEnqueue, type EndSummary } from './run-outcome.ts';
import { completedTrialAttrs, encodeDraws, etaSeconds, historyAttrs } from './run-support.ts';
import { isOverBudget, OVER_BUDGET_KEY, overBudgetReason, WEIGHTED_SUM_KEY } from './pareto.ts';
import { objectiveValues } from '../metrics/index.ts';
import type { RunLock } from './run-lock.ts';
import { readStudyMeta, type LibraryStorage } from './study-meta.ts';
import type { BatchPool } from './trials-via-pool.ts';
import { errorMessage } from '../shared/index.ts';

/** Consecutive configurations rejected over budget after which the run stops: the space is all over it. */
export const MAX_REJECTED_IN_A_ROW = 100;

function allOverBudget(n: number, last: FrozenTrial): string {
  return (
    `The last ${n} configurations the sampler proposed were all over the study's budget (the last one: ` +
    `${overBudgetReason(last) ?? 'over budget'}). Raise the budget or narrow the search space in Setup.`
  );
}

/** The training worker as the run uses it (src/workers/train-client.ts TrainClient). */
export interface Trainer {
  selectBackend(preferred?: BackendName): Promise<BackendChoice>;
  /** With `transfer: false` the trainer keeps a copy, so a replaced (crashed) worker gets the data again. */
  setData(train: DmcBatch | null, val: DmcBatch | DmcBatch[], opts?: { transfer?: boolean }): Promise<void>;
  runTrial(spec: TrialSpec, hooks: TrialRunHooks): Promise<TrialOutcome>;
}

/** Where trained networks go (src/persistence/model-store.ts ModelStore). */
export interface NetworkSink {
  save(key: string, trialNumber: number, file: NetworkFile): Promise<unknown>;
}

export interface StudyRunDeps {
  storage: LibraryStorage;
  pool: BatchPool;
  trainer: Trainer;
  networks: NetworkSink;
  backends?: BackendStatus;
  /** Remembers which study this tab runs, so a reload can continue it (null: forget). */
  markActive?: (studyId: number | null) => void;
  /** Keeps two tabs from running the same study. */
  lock?: RunLock;
}

export type RunPhase = 'idle' | 'starting' | 'simulating' | 'training' | 'finished' | 'cancelled' | 'failed';

export interface LiveTrial {
  number: number;
  params: SuggestedHyperparameters;
  epoch: number;
  epochs: number;
  batch: number;
  numBatches: number;
  loss: number[];
  valLoss: number[];
  /** Share of the posterior sampling done (0..1). */
  sampling: number;
  startedAt: number;
  /** When training ended and the diagnostics began (performance.now()), null while training. */
  diagnosticsStartedAt: number | null;
  /** The live recovery preview after the last epoch (none before the first epoch ends). */
  preview?: RecoveryPreview;
}

export class StudyRun {
  #phase = $state<RunPhase>('idle');
  #studyId = $state<number | null>(null);
  #studyName = $state('');
  #config = $state.raw<StudyConfig | null>(null);
  #error = $state<string | null>(null);
  #sim = $state({ done: 0, total: 0 });
  #live = $state.raw<LiveTrial | null>(null);
  #trials = $state.raw<FrozenTrial[]>([]);
  #interrupted = $state.raw<number[]>([]);
  #backend = $state.raw<BackendChoice | null>(null);
  #durations = $state.raw<number[]>([]);
  #diagnosticsDurations = $state.raw<number[]>([]);
  #retried = $state.raw<number[]>([]);
  #cancelling = $state(false);
  #now = $state(0);
  /** When the optimize loop started (performance.now()): the study timeout counts from there. */
  #optimizeStartedAt: number | null = null;
  #controller: AbortController | null = null;
  #ticker: ReturnType<typeof setInterval> | null = null;
  readonly #deps: StudyRunDeps;

  constructor(deps: StudyRunDeps) {
    this.#deps = deps;
  }

  get phase(): RunPhase {
    return this.#phase;
  }
  get active(): boolean {
    return this.#phase === 'starting' || this.#phase === 'simulating' || this.#phase === 'training';
  }
  get studyId(): number | null {
    return this.#studyId;
  }
  get studyName(): string {
    return this.#studyName;
  }
  get config(): StudyConfig | null {
    return this.#config;
  }
  get error(): string | null {
    return this.#error;
  }
  get simulation(): { done: number; total: number } {
    return this.#sim;
  }
  get live(): LiveTrial | null {
    return this.#live;
  }
  get trials(): FrozenTrial[] {
    return this.#trials;
  }
  get interrupted(): number[] {
    return this.#interrupted;
  }
  /** Interrupted trials this run re-runs with their parameters (their numbers). */
  get retried(): number[] {
    return this.#retried;
  }
  /** Cancel was pressed and the running trial is still stopping. */
  get cancelling(): boolean {
    return this.#cancelling && this.active;
  }
  /** How the study stands when the run ends: counts, the first failure, and whether it is usable. */
  get summary(): EndSummary {
    return endSummary(this.#trials);
  }
  get backend(): BackendChoice | null {
    return this.#backend;
  }
  /** Trials of the configured budget that are finished (an interrupted trial that is re-run is not). */
  get finishedCount(): number {
    return budgetUsed(this.#trials);
  }

  get etaSeconds(): number | null {
    const c = this.#config;
    const l = this.#live;
    if (c === null || !this.active) return null;
    const current =
      l === null
        ? null
        : {
            elapsed: (this.#now - l.startedAt) / 1000,
            epochs: l.epochs,
            epochsDone: Math.min(l.epochs, l.epoch + (l.numBatches > 0 ? l.batch / l.numBatches : 0)),
            diagnosticsElapsed:
              l.diagnosticsStartedAt === null ? null : Math.max(0, (this.#now - l.diagnosticsStartedAt) / 1000),
            sampling: l.sampling,
          };
    const remaining = Math.max(0, c.nTrials - this.finishedCount - (l === null ? 0 : 1));
    const timeoutLeft =
      c.timeout === null || this.#optimizeStartedAt === null
        ? null
        : c.timeout - (this.#now - this.#optimizeStartedAt) / 1000;
    return etaSeconds({
      finished: this.#durations,
      diagnostics: this.#diagnosticsDurations,
      current,
      remaining,
      timeoutLeft,
    });
  }

  /** Runs (or continues) a study of the library until its trial budget is spent, it is cancelled or it fails. */
  async run(studyId: number): Promise<void> {
    if (this.active) throw new Error(`study ${this.#studyName} is still running in this tab; cancel it first`);
    const controller = new AbortController();
    this.#controller = controller;
    this.#reset(studyId);
    let release: (() => void) | null;
    try {
      release = this.#deps.lock === undefined ? () => undefined : await this.#deps.lock.acquire(studyId);
    } catch (err) {
      // A refused lock request must end the run here: left in 'starting' it would refuse every later run.
      this.#phase = 'failed';
      this.#error = errorMessage(err);
      this.#controller = null;
      return;
    }
    if (release === null) {
      this.#phase = 'failed';
      this.#error = 'This study is running in another tab of this browser; watch it there or close that tab first.';
      this.#controller = null;
      return;
    }
    this.#deps.markActive?.(studyId);
    this.#ticker = setInterval(() => (this.#now = performance.now()), 1000);
    try {
      await this.#execute(studyId, controller.signal);
      this.#phase = controller.signal.aborted ? 'cancelled' : 'finished';
    } catch (err) {
      this.#phase = controller.signal.aborted ? 'cancelled' : 'failed';
      if (!controller.signal.aborted) this.#error = errorMessage(err);
    } finally {
      if (this.#ticker !== null) clearInterval(this.#ticker);
      this.#ticker = null;
      this.#live = null;
      this.#controller = null;
      this.#cancelling = false;
      this.#deps.markActive?.(null);
      release();
      if (this.#studyId !== null) await this.#refresh().catch(() => undefined);
    }
  }

  /** Stops the run: the current trial ends FAIL ("Aborted") or PRUNED; the journal stays valid. */
  cancel(): void {
    if (this.#controller === null) return;
    this.#cancelling = true;
    this.#controller.abort(new DOMException('Cancelled by the user', 'AbortError'));
  }

  #reset(studyId: number): void {
    this.#phase = 'starting';
    this.#studyId = studyId;
    this.#error = null;
    this.#sim = { done: 0, total: 0 };
    this.#live = null;
    this.#interrupted = [];
    this.#durations = [];
    this.#diagnosticsDurations = [];
    this.#retried = [];
    this.#cancelling = false;
    this.#now = performance.now();
  }

  async #refresh(): Promise<void> {
    const storage = this.#deps.storage;
    const [trials, attrs] = await Promise.all([
      storage.getAllTrials(this.#studyId!),
      storage.getStudySystemAttrs(this.#studyId!),
    ]);
    this.#trials = withFailReasons(trials, attrs);
  }

  async #execute(studyId: number, signal: AbortSignal): Promise<void> {
    const { storage, pool, trainer } = this.#deps;
    const meta = await readStudyMeta(storage, studyId);
    if (meta.config === null) throw new Error(meta.configProblem ?? `study ${meta.name} has no configuration`);
    const config = meta.config;
    this.#config = config;
    this.#studyName = meta.name;
    this.#interrupted = await storage.failStaleTrials(studyId);
    await this.#refresh();
    const retries = retriesToEnqueue(this.#trials);
    for (const r of retries) {
      await storage.createNewTrial(studyId, {
        state: TrialState.WAITING,
        systemAttrs: r.systemAttrs,
        userAttrs: r.userAttrs,
      });
    }
    if (retries.length > 0) await this.#refresh();
    this.#retried = this.#trials
      .filter((t) => t.state === TrialState.WAITING && typeof t.systemAttrs['failed_trial'] === 'number')
      .map((t) => (t.systemAttrs['retry_history'] as number[]).at(-1)!);
    const remaining = config.nTrials - this.finishedCount;
    if (remaining <= 0) return;

    const choice = await trainer.selectBackend(config.backend === 'auto' ? undefined : config.backend);
    this.#backend = choice;
    this.#deps.backends?.reportChoice(choice);

    this.#phase = 'simulating';
    const seeds = dataSeeds(config);
    const dmc = toDmcConfig(config);
    // Online training simulates its batches while it trains; only the fixed validation sets come first.
    const online = onlineBatchesPerEpoch(config);
    const trainCount = online === null ? config.data.trainingSets : 0;
    const total = trainCount + config.data.validationSets;
    this.#sim = { done: 0, total };
    const train =
      online === null
        ? await pool.simulate(dmc, seeds.training, trainCount, {
            signal,
            onProgress: (d) => (this.#sim = { done: d, total }),
          })
        : null;
    const val = await pool.simulate(dmc, seeds.validation, config.data.validationSets, {
      signal,
      onProgress: (d) => (this.#sim = { done: trainCount + d, total }),
    });
    // setData transfers the buffers to the worker; the truths stay here for the stored draws.
    const truths = val.params.slice();
    const valCount = val.n;
    const names = [...val.paramNames];
    // Kept on this side too: a trial that kills the training worker (a wasm abort, a lost GPU device)
    // gets it replaced, and the replacement needs the data sets again.
    await trainer.setData(train, val, { transfer: false });
    signal.throwIfAborted();

    this.#phase = 'training';
    const study = await loadStudy({
      studyName: meta.name,
      storage,
      sampler: makeSampler(config),
      pruner: makePruner(config),
    });
    // The configuration's first trials (Optuna's enqueue_trial); a continued study already has them.
    for (const params of config.enqueueTrials ?? []) await study.enqueueTrial(params, {}, { skipIfExists: true });
    const onlineRun = online === null ? null : { batchesPerEpoch: online, dmc, seed: seeds.training };
    const objective = (trial: Trial): Promise<number | number[]> =>
      this.#objective(study, trial, config, { truths, valCount, names, modelKey: meta.modelKey }, signal, onlineRun);
    this.#optimizeStartedAt = performance.now();
    // Without a budget every trial counts, as optimize's nTrials counts them. With one, a configuration
    // rejected over budget is not a trial of the budget: the loop runs until enough trials that did
    // count are finished (budgetUsed), and gives up on a search space that is all over budget.
    let rejectedInARow = 0;
    await study.optimize(objective, {
      ...(config.budget === undefined ? { nTrials: remaining } : {}),
      ...(config.timeout !== null ? { timeout: config.timeout } : {}),
      signal,
      // A trial that fails (diverged training, a worker crash) is recorded as FAIL; the study goes on.
      catch: () => true,
      callbacks: [
        async (s, frozen) => {
          await this.#refresh();
          if (config.budget === undefined) return;
          rejectedInARow = isOverBudget(frozen) ? rejectedInARow + 1 : 0;
          if (rejectedInARow >= MAX_REJECTED_IN_A_ROW) throw new Error(allOverBudget(rejectedInARow, frozen));
          if (this.finishedCount >= config.nTrials) s.stop();
        },
      ],
    });
  }

  /** Fresh batches for one online trial, simulated ahead in the pool (src/sim/online.ts). */
  #onlineFeed(
    online: { dmc: DmcConfig; seed: number; batchesPerEpoch: number },
    batchSize: number,
    epochs: number,
  ): OnlineFeed {
    const pool = this.#deps.pool;
    const range = pool.simulateRange?.bind(pool);
    if (range === undefined)
      throw new Error('Online training needs a simulation pool that simulates ranges of data sets');
    return new OnlineFeed({
      config: online.dmc,
      seed: online.seed,
      batchSize,
      total: epochs * online.batchesPerEpoch,
      simulate: (p, signal) => range(online.dmc, p.seed, p.start, p.count, p.numObs, { signal }),
    });
  }

  async #objective(
    study: Study,
    trial: Trial,
    config: StudyConfig,
    val: { truths: Float64Array; valCount: number; names: string[]; modelKey: string },
    signal: AbortSignal,
    online: { batchesPerEpoch: number; dmc: DmcConfig; seed: number } | null,
  ): Promise<number | number[]> {
    const startedAt = performance.now();
    const params = await suggestAll(trial, config);
    if (config.budget !== undefined) {
      // Rejected before anything is built: PRUNED with Optuna 5 constraints the samplers rank by.
      const check = checkBudget(config, params);
      for (const [k, v] of Object.entries(check.constraints)) await trial.setConstraint(k, v);
      await trial.setUserAttr('parameter_count', check.parameters);
      await trial.setUserAttr('memory_estimate_mb', Math.round(check.memoryMB));
      const over = overBudgetText(check);
      if (over !== null) {
        await trial.setUserAttr(OVER_BUDGET_KEY, over);
        throw new TrialPruned(`Trial ${trial.number} not trained, ${over}.`);
      }
    }
    const live: LiveTrial = {
      number: trial.number,
      params,
      epoch: 0,
      epochs: config.epochs,
      batch: 0,
      numBatches: 0,
      loss: [],
      valLoss: [],
      sampling: 0,
      startedAt,
      diagnosticsStartedAt: null,
    };
    this.#live = live;
    await this.#refresh();
    // A retry re-runs the interrupted trial exactly: its seed came along with its user attributes.
    const inherited = trial.userAttrs['seed'];
    const isRetry = typeof trial.systemAttrs['failed_trial'] === 'number';
    const seed = isRetry && typeof inherited === 'number' ? inherited : trialSeed(config, trial.number);
    await trial.setUserAttr('seed', seed);
    const update = (patch: Partial<LiveTrial>): void => {
      if (this.#live?.number === trial.number) this.#live = { ...this.#live, ...patch };
    };
    const spec = studyTrialSpec(config, { studyName: study.studyName, trialNumber: trial.number, params, seed });
    const feed = online === null ? null : this.#onlineFeed(online, spec.hyperparameters.batchSize, config.epochs);
    const metrics = objectiveMetrics(config);
    try {
      const outcome = await this.#deps.trainer.runTrial(spec, {
        onlineBatch: feed === null ? undefined : (j: number) => feed.next(j),
        signal,
        onBatch: (p) => update({ epoch: p.epoch, batch: p.batch + 1, numBatches: p.numBatches }),
        onEpoch: async (r) => {
          const cur = this.#live;
          update({
            epoch: r.epoch + 1,
            batch: 0,
            loss: [...(cur?.loss ?? []), r.loss],
            valLoss: [...(cur?.valLoss ?? []), r.valLoss],
            ...(r.preview !== undefined ? { preview: r.preview } : {}),
          });
          // Optuna cannot prune a multi-objective trial (report raises there): a Pareto study has no pruner.
          if (metrics !== null) {
            if (r.epoch + 1 >= config.epochs) update({ diagnosticsStartedAt: performance.now() });
            return false;
          }
          await trial.report(r.valLoss, r.epoch);
          const prune = await trial.shouldPrune();
          if (!prune && r.epoch + 1 >= config.epochs) update({ diagnosticsStartedAt: performance.now() });
          return prune;
        },
        onSampling: (p) =>
          update({
            sampling: p.total > 0 ? p.done / p.total : 0,
            diagnosticsStartedAt: this.#live?.diagnosticsStartedAt ?? performance.now(),
          }),
      });
      // The one place a prune becomes the engine's exception: fit, the objective and the worker carry
      // it as a value, and the optimize loop reads TrialPruned as PRUNED (value = last reported loss).
      if (outcome.status === 'pruned') {
        const l = this.#live;
        if (l !== null) for (const [k, v] of Object.entries(historyAttrs(l))) await trial.setUserAttr(k, v);
        throw new TrialPruned(
          `Trial ${trial.number} pruned after epoch ${outcome.epoch + 1} (validation loss ${outcome.value}).`,
        );
      }
      const r = outcome.result;
      for (const [k, v] of Object.entries(completedTrialAttrs(r))) await trial.setUserAttr(k, v);
      // L always, so that a Pareto study can mark the weighted sum's best among its trade-offs.
      await trial.setUserAttr(WEIGHTED_SUM_KEY, r.L);
      // The wasm backend's thread count (tfjs getThreadsCount in the worker), for the CSV and the journal.
      if (outcome.backend.threads !== undefined) await trial.setUserAttr('threads', outcome.backend.threads.count);
      if (r.network !== undefined) {
        const file = r.network;
        if (r.draws !== undefined) {
          file.metadata.validationDraws = encodeDraws(
            r.draws,
            val.truths,
            val.valCount,
            config.diagnostics.posteriorDraws,
            val.names,
          );
        }
        await this.#deps.networks.save(val.modelKey, trial.number, file);
      }
      return metrics === null ? r.L : objectiveValues(r.table, metrics);
    } finally {
      feed?.dispose();
      const now = performance.now();
      this.#durations = [...this.#durations, (now - startedAt) / 1000];
      const diag = this.#live?.number === trial.number ? this.#live.diagnosticsStartedAt : null;
      if (diag !== null) this.#diagnosticsDurations = [...this.#diagnosticsDurations, (now - diag) / 1000];
    }
  }
}
