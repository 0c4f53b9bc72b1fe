/**
 * The Results view's data: one study's trials and configuration, the best trial, the posterior
 * draws of a chosen trial for its recovery / calibration / contraction plots (read from the trial's
 * network file in the model store), parameter importances (PED-ANOVA, Optuna 5's default, computed here;
 * fANOVA, when chosen, off the main thread), and the exports
 * (trials CSV, best network). Plot shaping itself is PLOTS' (src/plots); this class only loads.
 */
import type { ClusterOptions, SimulateSets } from '../cluster/index.ts';
import {
  pedAnovaImportances,
  StudyDirection,
  TrialState,
  withFailReasons,
  type DirectionName,
  type FrozenTrial,
} from '../engine/index.ts';
import { weightedSumBest, weightedSumView } from './pareto.ts';
import type { NetworkFile } from '../nn/pure.ts';
import type { ImportanceOutcome, PosteriorSample } from '../plots/index.ts';
import { simulateBatch } from '../sim/index.ts';
import type { StudyConfig } from '../study-config/index.ts';
import { clusterArchive, describeMerge, mergeClusterJournal, type ClusterArchive } from './cluster-transfer.ts';
import { decodeDraws } from './run-support.ts';
import { linkClusterNetworks, type NetworkLinks, type PickedFile } from './cluster-networks.ts';
import { METRIC_NAMES_ATTR, modelKey, readStudyMeta, type LibraryStorage } from './study-meta.ts';
import { errorMessage } from '../shared/index.ts';
import { StudyNotes } from './study-notes.svelte.ts';
import { TrialFilterView } from './trial-filter-view.svelte.ts';

export interface NetworkSource {
  load(key: string, trialNumber: number): Promise<NetworkFile | undefined>;
  list(key?: string): Promise<{ trialNumber: number; source?: string }[]>;
  save(key: string, trialNumber: number, file: NetworkFile): Promise<unknown>;
}

export interface ImportanceSource {
  importances(trials: readonly FrozenTrial[], opts?: { signal?: AbortSignal }): Promise<ImportanceOutcome>;
}

/** Importance evaluators the Results view offers: Optuna 5's default first. */
export const IMPORTANCE_EVALUATORS = ['ped-anova', 'fanova'] as const;
export type ImportanceEvaluator = (typeof IMPORTANCE_EVALUATORS)[number];
export const EVALUATOR_LABEL: Readonly<Record<ImportanceEvaluator, string>> = {
  'ped-anova': 'PED-ANOVA',
  fanova: 'fANOVA',
};

/**
 * PED-ANOVA importances of a study that minimizes L (engine/importance/ped-anova.ts). Deterministic and
 * O(trials × parameters × 50): cheap enough for the main thread. Below 2 finished trials Optuna would
 * return equal shares with a warning; the view says why there is nothing to show instead.
 */
export function pedAnovaOutcome(trials: readonly FrozenTrial[]): ImportanceOutcome {
  const done = trials.filter(
    (t) => t.state === TrialState.COMPLETE && t.values !== null && t.values.every(Number.isFinite),
  );
  if (done.length < 2)
    return {
      ok: false,
      reason: `PED-ANOVA needs at least 2 completed trials with a finite value (this study has ${done.length}).`,
    };
  return { ok: true, importances: pedAnovaImportances(done, { direction: 'minimize' }) };
}

export type DrawsState =
  | { status: 'idle' }
  | { status: 'loading'; trial: number }
  | { status: 'ready'; trial: number; sample: PosteriorSample }
  | { status: 'missing'; trial: number; reason: string };

export class StudyResults {
  #studyId = $state<number | null>(null);
  #name = $state('');
  #config = $state.raw<StudyConfig | null>(null);
  #trials = $state.raw<FrozenTrial[]>([]);
  #directions = $state.raw<DirectionName[]>(['minimize']);
  #metricNames = $state.raw<string[] | null>(null);
  #networks = $state.raw<number[]>([]);
  #clusterNetworks = $state.raw<number[]>([]);
  #error = $state<string | null>(null);
  #loading = $state(false);
  #draws = $state.raw<DrawsState>({ status: 'idle' });
  #importance = $state.raw<ImportanceOutcome | { kind: 'pending' } | { kind: 'error'; message: string } | null>(null);
  #importanceAbort: AbortController | null = null;
  #evaluator = $state<ImportanceEvaluator>('ped-anova');
  #drawsRequest = 0;
  #clusterStatus = $state.raw<{ kind: 'ok' | 'error'; text: string } | null>(null);
  /** The trial filter (kept in the address); `shown` is what the table, importances and plots take. */
  readonly filter = new TrialFilterView(
    () => this.#trials,
    () => this.#directions.map((d) => (d === 'maximize' ? StudyDirection.MAXIMIZE : StudyDirection.MINIMIZE)),
  );
  /** Study and trial notes, in optuna-dashboard's system attrs. */
  readonly notes: StudyNotes;

  constructor(
    private readonly storage: LibraryStorage,
    private readonly models: NetworkSource,
    private readonly fanova: ImportanceSource,
    /** Simulates the data sets of a cluster export (the app passes its worker pool; default: this thread). */
    private readonly simulate: SimulateSets = simulateBatch,
  ) {
    this.notes = new StudyNotes(storage);
  }

  get studyId(): number | null {
    return this.#studyId;
  }
  get name(): string {
    return this.#name;
  }
  get config(): StudyConfig | null {
    return this.#config;
  }
  get trials(): FrozenTrial[] {
    return this.#trials;
  }
  /** The trials that pass the filter: the one list every table and plot of Results takes. */
  get shown(): FrozenTrial[] {
    return this.filter.shown;
  }
  /** Takes the address's filter query; importances follow the filtered trials. */
  setFilterQuery(query: string): void {
    if (this.filter.setQuery(query) && this.#studyId !== null && this.#trials.length > 0)
      void this.#computeImportance(weightedSumView(this.shown));
  }
  get error(): string | null {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get draws(): DrawsState {
    return this.#draws;
  }
  get importance(): ImportanceOutcome | { kind: 'pending' } | { kind: 'error'; message: string } | null {
    return this.#importance;
  }
  get evaluator(): ImportanceEvaluator {
    return this.#evaluator;
  }
  /** Chooses the importance evaluator and recomputes the importances of the loaded study. */
  setEvaluator(e: ImportanceEvaluator): void {
    if (e === this.#evaluator) return;
    this.#evaluator = e;
    if (this.#studyId !== null) void this.#computeImportance(weightedSumView(this.shown));
  }
  /** Outcome of the last cluster export or import, for the Results view. */
  get clusterStatus(): { kind: 'ok' | 'error'; text: string } | null {
    return this.#clusterStatus;
  }
  /** Trial numbers whose trained network is stored. */
  get networks(): number[] {
    return this.#networks;
  }
  /** Trial numbers whose stored network was trained on the cluster (imported with the grown journal). */
  get clusterNetworks(): readonly number[] {
    return this.#clusterNetworks;
  }

  /** The trial with the lowest L (in a multi-objective study: the weighted sum's best, ./pareto.ts). */
  get best(): FrozenTrial | null {
    return weightedSumBest(this.#trials, this.#directions.length === 1 && this.#directions[0] === 'maximize');
  }
  /** The study's directions: one for a weighted-sum study, one per objective for a Pareto study. */
  get directions(): readonly DirectionName[] {
    return this.#directions;
  }
  /** The objectives' names as the study stored them (Optuna's `set_metric_names`), or null. */
  get metricNames(): readonly string[] | null {
    return this.#metricNames;
  }

  /** Loads (or reloads) a study; keeps the chosen trial's draws when the study is the same. */
  async load(studyId: number): Promise<void> {
    const same = studyId === this.#studyId;
    this.#studyId = studyId;
    this.#loading = true;
    this.#error = null;
    if (!same) {
      this.#draws = { status: 'idle' };
      this.#importance = null;
      this.#trials = [];
      this.#clusterStatus = null;
    }
    try {
      const meta = await readStudyMeta(this.storage, studyId);
      const [raw, attrs, nets, directions] = await Promise.all([
        this.storage.getAllTrials(studyId),
        this.storage.getStudySystemAttrs(studyId),
        this.models.list(meta.modelKey),
        this.storage.getStudyDirections(studyId),
      ]);
      const trials = withFailReasons(raw, attrs);
      if (this.#studyId !== studyId) return;
      this.#name = meta.name;
      this.#config = meta.config;
      this.#trials = trials;
      this.#directions = directions.map((d) => (d === StudyDirection.MAXIMIZE ? 'maximize' : 'minimize'));
      const names = attrs[METRIC_NAMES_ATTR];
      this.#metricNames =
        Array.isArray(names) && names.length === directions.length && names.every((n) => typeof n === 'string')
          ? (names as string[])
          : null;
      this.notes.read(studyId, attrs, trials);
      this.#networks = nets.map((n) => n.trialNumber);
      this.#clusterNetworks = nets.filter((n) => n.source === 'cluster').map((n) => n.trialNumber);
      // A Pareto study's importances are those for its recorded L (weightedSumView).
      void this.#computeImportance(weightedSumView(this.shown));
    } catch (e) {
      if (this.#studyId === studyId) this.#error = `Could not load study ${studyId}: ${errorMessage(e)}`;
    } finally {
      if (this.#studyId === studyId) this.#loading = false;
    }
  }

  async #computeImportance(trials: readonly FrozenTrial[]): Promise<void> {
    this.#importanceAbort?.abort();
    const controller = new AbortController();
    this.#importanceAbort = controller;
    if (this.#evaluator === 'ped-anova') {
      try {
        this.#importance = pedAnovaOutcome(trials);
      } catch (e) {
        this.#importance = { kind: 'error', message: errorMessage(e) };
      }
      return;
    }
    this.#importance = { kind: 'pending' };
    try {
      const outcome = await this.fanova.importances(trials, { signal: controller.signal });
      if (this.#importanceAbort === controller) this.#importance = outcome;
    } catch (e) {
      if (this.#importanceAbort === controller && !controller.signal.aborted) {
        this.#importance = { kind: 'error', message: errorMessage(e) };
      }
    }
  }

  /** Loads the posterior draws of one trial from its stored network file. */
  async showTrial(trialNumber: number): Promise<void> {
    const id = this.#studyId;
    if (id === null) return;
    const request = ++this.#drawsRequest;
    this.#draws = { status: 'loading', trial: trialNumber };
    let next: DrawsState;
    try {
      const file = await this.models.load(`study-${id}`, trialNumber);
      const d = file === undefined ? null : decodeDraws(file.metadata['validationDraws']);
      next =
        file === undefined
          ? {
              status: 'missing',
              trial: trialNumber,
              reason: `Trial ${trialNumber} has no stored network: only completed trials run in this browser keep their posterior draws.`,
            }
          : d === null
            ? { status: 'missing', trial: trialNumber, reason: withoutDraws(trialNumber, file) }
            : {
                status: 'ready',
                trial: trialNumber,
                sample: { draws: d.draws, truths: d.truths, n: d.n, S: d.S, P: d.P, names: d.names },
              };
    } catch (e) {
      next = {
        status: 'missing',
        trial: trialNumber,
        reason: `Could not read the network of trial ${trialNumber}: ${errorMessage(e)}`,
      };
    }
    if (request === this.#drawsRequest) this.#draws = next;
  }

  /** The stored network file of a trial, for download. */
  async network(trialNumber: number): Promise<NetworkFile | undefined> {
    if (this.#studyId === null) return undefined;
    return this.models.load(`study-${this.#studyId}`, trialNumber);
  }

  /** The study's cluster export folder as a .zip (null when it cannot be built; the reason is in clusterStatus). */
  async clusterArchive(options: ClusterOptions): Promise<ClusterArchive | null> {
    const id = this.#studyId;
    const config = this.#config;
    if (id === null || config === null) return null;
    try {
      const archive = await clusterArchive(this.storage, id, config, options, this.simulate);
      const left = archive.trialsLeftOut > 0 ? ` (${archive.trialsLeftOut} unfinished trial(s) stay here)` : '';
      this.#clusterStatus = {
        kind: 'ok',
        text: `${archive.fileName}: ${archive.trialsCarried} finished trial(s) go to the cluster${left}.`,
      };
      return archive;
    } catch (e) {
      this.#clusterStatus = { kind: 'error', text: `Could not build the cluster export: ${errorMessage(e)}` };
      return null;
    }
  }

  /** Shows a problem with the files picked for a cluster import. */
  reportClusterProblem(text: string): void {
    this.#clusterStatus = { kind: 'error', text };
  }

  /** Merges a journal grown on a cluster into this study, then reloads it (tables and plots follow). */
  async importFromCluster(text: string, fileName: string, networkFiles: readonly PickedFile[] = []): Promise<boolean> {
    const id = this.#studyId;
    if (id === null) return false;
    try {
      const plan = await mergeClusterJournal(this.storage, id, text);
      let networks: NetworkLinks | undefined;
      if (networkFiles.length > 0) {
        // After the merge: the new trials have their numbers in this study now.
        networks = linkClusterNetworks(plan, await this.storage.getAllTrials(id), networkFiles);
        for (const l of networks.links) await this.models.save(modelKey(id), l.trialNumber, l.file);
      }
      this.#clusterStatus = { kind: 'ok', text: describeMerge(plan, fileName, networks) };
    } catch (e) {
      this.#clusterStatus = { kind: 'error', text: `Could not import ${fileName}: ${errorMessage(e)}` };
      return false;
    }
    await this.load(id);
    return true;
  }
}

function withoutDraws(trialNumber: number, file: NetworkFile): string {
  return file.metadata['source'] === 'cluster'
    ? `Trial ${trialNumber} was trained on the cluster: its network is here (Infer, download), BayesFlow's posterior draws are not.`
    : `The network of trial ${trialNumber} was stored without posterior draws.`;
}
