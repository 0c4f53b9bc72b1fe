/**
 * The Infer view's state: a data file imported and mapped (detected, changeable, validated as a whole),
 * a trained network chosen (the best or any kept trial of a study, or a network file), posteriors per
 * participant (× group) sampled in the inference worker with progress and cancel, out-of-range warnings
 * (trained num_obs range; a prior predictive check simulated in the pool), posterior predictive checks
 * simulated in the pool from posterior draws, and every run kept in IndexedDB so it reopens after a reload.
 */
import {
  applyMapping,
  averageBands,
  averageStats,
  DEFAULT_RULES,
  detectMapping,
  distinctValues,
  guessCongruent,
  guessRtUnit,
  parseTable,
  networkWarnings,
  predictiveChecks,
  resultsCsv,
  resultsJson,
  runInference,
  simulatorSettings,
  type ColumnMapping,
  type ImportResult,
  type NetworkWarning,
  type ParticipantData,
  type ParticipantResult,
  type PredictiveStats,
  type RawTable,
  type SimulatorSettings,
  type TrialStats,
} from '../inference/index.ts';
import { parseNetworkFile, type NetworkFile, type ObservedDraws, type ObservedSet } from '../nn/pure.ts';
import type {
  InferenceNetworkRef,
  InferenceRunRecord,
  InferenceRunSummary,
  StoredNetworkSummary,
} from '../persistence/index.ts';
import type { DmcConfig } from '../sim/index.ts';
import { fileSource, MetricsVsN, type NetworkToScore, type NumObsEvaluator } from './metrics-vs-n.svelte.ts';
import { NumberField } from './number-field.svelte.ts';
import { modelKey } from './study-meta.ts';
import type { BatchPool } from './trials-via-pool.ts';
import { errorMessage } from '../shared/index.ts';

export interface PosteriorSampler {
  sample(
    file: NetworkFile,
    sets: readonly ObservedSet[],
    opts: {
      numSamples: number;
      steps: number;
      seed: number;
      signal?: AbortSignal;
      onProgress?: (done: number, total: number) => void;
    },
  ): Promise<ObservedDraws & { backend: string }>;
}

export interface NetworkSource {
  list(): Promise<StoredNetworkSummary[]>;
  load(studyName: string, trialNumber: number): Promise<NetworkFile | undefined>;
}

export interface InferenceRuns {
  save(run: Omit<InferenceRunRecord, 'id'> & { id?: number }): Promise<number>;
  list(): Promise<InferenceRunSummary[]>;
  load(id: number): Promise<InferenceRunRecord | undefined>;
  delete(id: number): Promise<void>;
}

export interface InferenceDeps {
  sampler: PosteriorSampler;
  /** Scores the chosen network at several trial counts N (an inference worker); absent: no "Metrics vs N". */
  numObsEvaluator?: NumObsEvaluator;
  pool: BatchPool;
  networks: NetworkSource;
  runs: InferenceRuns;
  /** The study library, for the studies' names: networks are stored under the study id (`study-3`). */
  studies?: { getAllStudies(): Promise<readonly { studyId: number; studyName: string }[]> };
}

export type Phase = 'idle' | 'prior-check' | 'sampling' | 'ppc';

/** All participants averaged, in the participant selector. */
export const AVERAGE = '__average__';

export class InferenceSession {
  readonly fields = {
    draws: new NumberField(
      'draws',
      'Posterior draws',
      1000,
      { integer: true, min: 10, max: 100_000 },
      '',
      'per participant',
    ),
    steps: new NumberField(
      'steps',
      'Integration steps',
      100,
      { integer: true, min: 1, max: 2000 },
      '',
      'Euler steps of the flow',
    ),
    ppcDraws: new NumberField(
      'ppcDraws',
      'Predictive data sets',
      50,
      { integer: true, min: 2, max: 1000 },
      '',
      'per participant, from the draws',
    ),
    seed: new NumberField('seed', 'Seed', 1, { integer: true, min: 0, max: 2 ** 32 - 1 }),
  };

  #fileName = $state<string | null>(null);
  #table = $state.raw<RawTable | null>(null);
  #parseError = $state<string | null>(null);
  mapping = $state<ColumnMapping | null>(null);

  #stored = $state.raw<StoredNetworkSummary[]>([]);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole ($state.raw), never mutated
  #studyNames = $state.raw<ReadonlyMap<string, string>>(new Map());
  #network = $state.raw<{ ref: InferenceNetworkRef; file: NetworkFile } | null>(null);
  #networkError = $state<string | null>(null);

  #phase = $state<Phase>('idle');
  #progress = $state({ done: 0, total: 0 });
  /** When the current phase began (performance.now()), for its time left. */
  #phaseStart = 0;
  #error = $state<string | null>(null);
  #cancelled = $state(false);
  #controller: AbortController | null = null;

  #run = $state.raw<InferenceRunRecord | null>(null);
  #saved = $state.raw<InferenceRunSummary[]>([]);
  selected = $state<string>(AVERAGE);

  readonly #deps: InferenceDeps;

  /** "Metrics vs N" of the chosen network (null without an evaluator). */
  readonly metricsVsN: MetricsVsN | null;

  constructor(deps: InferenceDeps) {
    this.#deps = deps;
    this.metricsVsN = deps.numObsEvaluator ? new MetricsVsN({ evaluator: deps.numObsEvaluator }) : null;
  }

  // ---- data file ------------------------------------------------------------------------------------

  get fileName(): string | null {
    return this.#fileName;
  }
  get table(): RawTable | null {
    return this.#table;
  }
  get parseError(): string | null {
    return this.#parseError;
  }

  loadFile(name: string, text: string): void {
    this.#fileName = name;
    try {
      const t = parseTable(text);
      this.#table = t;
      this.mapping = detectMapping(t);
      this.#parseError = null;
    } catch (e) {
      this.#table = null;
      this.mapping = null;
      this.#parseError = errorMessage(e);
    }
  }

  /** The levels of the mapped condition column (for choosing the congruent one). */
  get conditionLevels(): string[] {
    const t = this.#table;
    const c = this.mapping?.condition;
    return t === null || c === null || c === undefined ? [] : distinctValues(t, c, 10);
  }

  setColumn(role: 'participant' | 'rt' | 'accuracy' | 'condition', col: number | null): void {
    const m = this.mapping;
    const t = this.#table;
    if (m === null || t === null) return;
    const next = { ...m, [role]: col, groups: m.groups.filter((g) => g !== col) };
    if (role === 'condition') next.congruentValue = col === null ? null : guessCongruent(distinctValues(t, col, 3));
    if (role === 'rt' && col !== null) next.rtUnit = guessRtUnit(t, col);
    this.mapping = next;
  }

  toggleGroup(col: number): void {
    const m = this.mapping;
    if (m === null) return;
    this.mapping = {
      ...m,
      groups: m.groups.includes(col) ? m.groups.filter((g) => g !== col) : [...m.groups, col].sort((a, b) => a - b),
    };
  }

  /** The mapped file validated against the chosen network's tmax (1500 ms until a network is chosen). */
  get imported(): ImportResult | null {
    const t = this.#table;
    const m = this.mapping;
    if (t === null || m === null) return null;
    return applyMapping(t, m, { ...DEFAULT_RULES, tmaxMs: this.settings?.config.tmax ?? DEFAULT_RULES.tmaxMs });
  }

  // ---- network --------------------------------------------------------------------------------------

  get storedNetworks(): StoredNetworkSummary[] {
    return this.#stored;
  }

  /** Per study, the trial with the lowest objective L (the study's best kept network). */
  get bestPerStudy(): Map<string, number> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway map inside a getter, not state
    const best = new Map<string, StoredNetworkSummary>();
    for (const s of this.#stored) {
      const cur = best.get(s.studyName);
      if (cur === undefined || (s.L !== null && (cur.L === null || s.L < cur.L))) best.set(s.studyName, s);
    }
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fresh value per read, not state
    return new Map([...best].map(([k, v]) => [k, v.trialNumber]));
  }

  get network(): { ref: InferenceNetworkRef; file: NetworkFile } | null {
    return this.#network;
  }
  get networkError(): string | null {
    return this.#networkError;
  }

  get settings(): SimulatorSettings | null {
    const n = this.#network;
    return n === null ? null : simulatorSettings(n.file.metadata);
  }

  /** The chosen network for Metrics vs N, or null (none chosen, or a file without simulator settings). */
  get networkToScore(): NetworkToScore | null {
    const n = this.#network;
    const s = this.settings;
    return n === null || s === null ? null : fileSource(n.file, s.numObs);
  }

  async refresh(): Promise<void> {
    const [stored, saved, studies] = await Promise.all([
      this.#deps.networks.list(),
      this.#deps.runs.list(),
      this.#deps.studies?.getAllStudies() ?? [],
    ]);
    this.#stored = stored;
    this.#saved = saved;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole ($state.raw), never mutated
    this.#studyNames = new Map(studies.map((s) => [modelKey(s.studyId), s.studyName]));
  }

  /** The study's name for a model-store key ("study-3" → "demo-cpu"); the key itself for a deleted study. */
  studyName(key: string): string {
    return this.#studyNames.get(key) ?? key;
  }

  async chooseStored(studyName: string, trialNumber: number): Promise<void> {
    try {
      const file = await this.#deps.networks.load(studyName, trialNumber);
      if (file === undefined) throw new Error(`no network stored for ${studyName}, trial ${trialNumber}`);
      const best = this.bestPerStudy.get(studyName) === trialNumber;
      this.#network = {
        ref: {
          kind: 'trial',
          label: `${this.studyName(studyName)} · trial ${trialNumber}${best ? ' (best)' : ''}`,
          studyName,
          trialNumber,
        },
        file,
      };
      this.#networkError = null;
    } catch (e) {
      this.#networkError = errorMessage(e);
    }
  }

  loadNetworkFile(name: string, text: string): void {
    try {
      const file = parseNetworkFile(text);
      this.#network = { ref: { kind: 'file', label: name, fileName: name }, file };
      this.#networkError = null;
    } catch (e) {
      this.#network = null;
      this.#networkError = errorMessage(e);
    }
  }

  // ---- running --------------------------------------------------------------------------------------

  get phase(): Phase {
    return this.#phase;
  }
  get running(): boolean {
    return this.#phase !== 'idle';
  }
  get progress(): { done: number; total: number } {
    return this.#progress;
  }
  get error(): string | null {
    return this.#error;
  }

  /**
   * Seconds left in the current phase, from its pace so far (null before the first step is done).
   * Sampling is compute-bound (README, Infer): 16 participants × 1000 draws × 100 steps take minutes on
   * wasm, so the wait is stated, not hidden behind a bar that moves once a participant.
   */
  get secondsLeft(): number | null {
    const { done, total } = this.#progress;
    if (this.#phase === 'idle' || done <= 0 || total <= done) return null;
    return ((performance.now() - this.#phaseStart) / done) * (total - done);
  }
  get cancelled(): boolean {
    return this.#cancelled;
  }
  get run(): InferenceRunRecord | null {
    return this.#run;
  }
  get savedRuns(): InferenceRunSummary[] {
    return this.#saved;
  }

  /** Why Run is disabled, or null. */
  get blocker(): string | null {
    const imp = this.imported;
    if (imp === null) return 'Import a data file first.';
    if (!imp.ok) return 'Fix the data problems listed above.';
    if (this.#network === null) return 'Choose a trained network.';
    const names = this.#network.file.metadata.paramNames;
    if (!names.every((n) => ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'].includes(n)))
      return `The network infers ${names.join(', ')}, not DMC parameters.`;
    if (Object.values(this.fields).some((f) => f.value === null)) return 'Fix the settings marked in red.';
    return null;
  }

  cancel(): void {
    this.#controller?.abort();
  }

  /** Prior predictive check, then posterior sampling in the worker; the run is saved when done. */
  async samplePosteriors(): Promise<void> {
    const imp = this.imported;
    const net = this.#network;
    if (this.blocker !== null || imp === null || !imp.ok || net === null) {
      this.#error = this.blocker;
      return;
    }
    const draws = this.fields.draws.value!;
    const steps = this.fields.steps.value!;
    const seed = this.fields.seed.value!;
    const ppcDraws = this.fields.ppcDraws.value!;
    const participants = imp.data.participants;
    const controller = this.#start();
    try {
      const sampler = this.#deps.sampler;
      const out = await runInference(this.#deps.pool, (sets, opts) => sampler.sample(net.file, sets, opts), {
        participants,
        metadata: net.file.metadata,
        draws,
        steps,
        seed,
        signal: controller.signal,
        onPhase: (phase) => {
          this.#phase = phase;
          if (phase !== 'sampling') return;
          this.#progress = { done: 0, total: participants.length };
          this.#phaseStart = performance.now();
        },
        onProgress: (done, total) => this.#onProgress(controller, done, total),
      });
      const record: Omit<InferenceRunRecord, 'id'> = {
        // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp string, not state
        createdAt: new Date().toISOString(),
        studyName: net.ref.studyName ?? null,
        network: net.ref,
        dataFile: { name: this.#fileName ?? 'data', participants: participants.length, trials: imp.data.trials },
        settings: { draws, steps, seed, ppcDraws },
        paramNames: out.sampled.paramNames,
        prior: out.prior,
        results: out.results,
        networkWarnings: out.networkWarnings,
        draws: out.sampled.draws,
        backend: out.sampled.backend,
        samplingSeconds: (performance.now() - this.#phaseStart) / 1000,
      };
      const id = await this.#deps.runs.save(record);
      if (this.#controller !== controller) return;
      this.#run = { ...record, id };
      this.#trials = participants;
      this.selected = AVERAGE;
      this.#saved = await this.#deps.runs.list();
    } catch (e) {
      this.#fail(controller, e);
    } finally {
      this.#finish(controller);
    }
  }

  /** Trials of the current run's participants (kept for the predictive checks; re-imported on reopen). */
  #trials: ParticipantData[] | null = null;

  get canCheck(): boolean {
    return this.#run !== null && this.#participantsForRun() !== null && !this.running;
  }

  #participantsForRun(): ParticipantData[] | null {
    const run = this.#run;
    if (run === null) return null;
    if (this.#trials !== null && this.#trials.length === run.results.length) return this.#trials;
    // a reopened run: its data are the imported file's when that file is loaded again
    const imp = this.imported;
    if (
      imp?.ok &&
      imp.data.participants.length === run.results.length &&
      imp.data.participants.every((p, i) => p.id === run.results[i]!.id)
    ) {
      return imp.data.participants;
    }
    return null;
  }

  /** Posterior predictive checks: data sets simulated in the pool from evenly spread posterior draws. */
  async check(): Promise<void> {
    const run = this.#run;
    const participants = this.#participantsForRun();
    if (run === null || participants === null) return;
    const controller = this.#start();
    this.#phase = 'ppc';
    try {
      const predicted = await predictiveChecks(this.#deps.pool, {
        participants,
        draws: run.draws,
        paramNames: run.paramNames,
        samples: run.settings.draws,
        ppcDraws: run.settings.ppcDraws,
        seed: run.settings.seed,
        base: this.#baseConfig(run),
        signal: controller.signal,
        onProgress: (done, total) => this.#onProgress(controller, done, total),
      });
      const results = run.results.map((r, i) => ({ ...r, predicted: predicted[i]! }));
      const next: InferenceRunRecord = { ...run, results };
      await this.#deps.runs.save(next);
      if (this.#controller !== controller) return;
      this.#run = next;
    } catch (e) {
      this.#fail(controller, e);
    } finally {
      this.#finish(controller);
    }
  }

  /** The simulator of the run's network when that network is loaded (else the pipeline's default). */
  #baseConfig(run: InferenceRunRecord): DmcConfig | null {
    const s = this.#network !== null && this.#sameNetwork(run) ? this.settings : null;
    return s?.config ?? null;
  }

  #sameNetwork(run: InferenceRunRecord): boolean {
    const a = this.#network?.ref;
    return a !== undefined && a.label === run.network.label;
  }

  #start(): AbortController {
    this.#controller?.abort();
    const c = new AbortController();
    this.#controller = c;
    this.#error = null;
    this.#cancelled = false;
    this.#progress = { done: 0, total: 0 };
    this.#phaseStart = performance.now();
    return c;
  }

  #onProgress(c: AbortController, done: number, total: number): void {
    if (this.#controller === c) this.#progress = { done, total };
  }

  #fail(c: AbortController, e: unknown): void {
    if (this.#controller !== c) return;
    if (c.signal.aborted) this.#cancelled = true;
    else this.#error = errorMessage(e);
  }

  #finish(c: AbortController): void {
    if (this.#controller !== c) return;
    this.#controller = null;
    this.#phase = 'idle';
  }

  // ---- saved runs -----------------------------------------------------------------------------------

  async open(id: number): Promise<void> {
    const rec = await this.#deps.runs.load(id);
    if (rec === undefined) {
      this.#error = `Inference run ${id} is no longer stored.`;
      return;
    }
    this.#run = rec;
    this.#trials = null;
    this.selected = AVERAGE;
    if (rec.network.kind === 'trial' && rec.network.studyName !== undefined && rec.network.trialNumber !== undefined) {
      await this.chooseStored(rec.network.studyName, rec.network.trialNumber);
    }
  }

  async remove(id: number): Promise<void> {
    await this.#deps.runs.delete(id);
    if (this.#run?.id === id) this.#run = null;
    this.#saved = await this.#deps.runs.list();
  }

  // ---- what the view shows --------------------------------------------------------------------------

  /** Draws (S, P) of one participant of the current run. */
  drawsOf(id: string): Float32Array | null {
    const run = this.#run;
    if (run === null) return null;
    const i = run.results.findIndex((r) => r.id === id);
    if (i < 0) return null;
    const n = run.settings.draws * run.paramNames.length;
    return run.draws.subarray(i * n, (i + 1) * n);
  }

  /**
   * The warnings about the network as a whole (shown once, above the posteriors); for a run kept before
   * they were stored, those its record still allows (trial counts when its network is loaded, draws vs prior).
   */
  get networkWarnings(): NetworkWarning[] {
    const run = this.#run;
    if (run === null) return [];
    if (run.networkWarnings !== undefined) return run.networkWarnings;
    const same = this.#network !== null && this.#sameNetwork(run);
    return networkWarnings({
      metadata: same ? this.#network!.file.metadata : null,
      settings: same ? this.settings : null,
      trials: run.results.map((r) => r.trials),
      draws: run.draws,
      paramNames: run.paramNames,
      prior: run.prior,
    });
  }

  /** A participant's own warnings, less those the network-level warning already says for everyone. */
  participantNotes(r: ParticipantResult): string[] {
    const countsSaid = this.networkWarnings.some((w) => w.kind === 'num-obs');
    return r.warnings.filter((w) => !(countsSaid && w.kind === 'num-obs')).map((w) => w.message);
  }

  /** Observed and predicted statistics of the selection (a participant, or all averaged). */
  get shown(): { observed: TrialStats; predicted: PredictiveStats | null; label: string } | null {
    const run = this.#run;
    if (run === null || run.results.length === 0) return null;
    if (this.selected === AVERAGE) {
      const preds = run.results.map((r) => r.predicted).filter((p): p is PredictiveStats => p !== undefined);
      return {
        observed: averageStats(run.results.map((r) => r.observed)),
        predicted: preds.length === run.results.length ? averageBands(preds) : null,
        label: `all ${run.results.length} participants, averaged`,
      };
    }
    const r = run.results.find((x) => x.id === this.selected);
    return r === undefined
      ? null
      : { observed: r.observed, predicted: r.predicted ?? null, label: `participant ${r.id}` };
  }

  exportCsv(): string {
    return this.#run === null ? '' : resultsCsv(this.#run.results);
  }

  exportJson(): string {
    if (this.#run === null) return '';
    // the network-level warnings travel with the numbers they qualify
    const warnings = this.networkWarnings;
    return JSON.stringify(
      { ...resultsJson(this.#run.results, true), ...(warnings.length > 0 ? { network_warnings: warnings } : {}) },
      null,
      1,
    );
  }
}
