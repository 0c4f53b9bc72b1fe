/**
 * The study library of Home: every study in IndexedDB with its progress and
 * best value; rename, duplicate, delete (with its trained networks); Optuna journal export and import.
 * Errors are kept per study row (or for the import) so the view shows them where they happened.
 */
import { isOverBudget, weightedSumBest, weightedSumOf } from './pareto.ts';
import {
  durationSeconds,
  EngineError,
  exportStudyJournal,
  type FrozenTrial,
  importStudies,
  JournalDamageError,
  readJournalStudies,
  StudyDirection,
  TrialState,
  withFailReasons,
} from '../engine/index.ts';
import { finalNetworkKey } from './final-network-support.ts';
import { configFromAttrs, modelKey, type LibraryStorage } from './study-meta.ts';
import { errorMessage } from '../shared/index.ts';

/** Model-store operations the library needs (src/persistence/model-store.ts). */
export interface NetworkLibrary {
  deleteStudy(key: string): Promise<number>;
  list(key?: string): Promise<{ trialNumber: number }[]>;
  load(key: string, trialNumber: number): Promise<unknown>;
  save(key: string, trialNumber: number, file: never): Promise<unknown>;
}

export interface StudyEntry {
  studyId: number;
  name: string;
  nTrials: number;
  complete: number;
  /** Configurations rejected over the study's budget before training (not counted as trials). */
  overBudget: number;
  pruned: number;
  failed: number;
  running: number;
  /** Trial budget of the stored configuration, or null (no configuration). */
  budget: number | null;
  best: { number: number; value: number } | null;
  /** Seconds the finished trials ran, summed (wall time of each trial, not of the study). */
  trialSeconds: number;
  startedAt: string | null;
  configProblem: string | null;
}

function summarize(
  studyId: number,
  name: string,
  trials: readonly FrozenTrial[],
  budget: number | null,
  problem: string | null,
  startedAt: string | null,
  maximize: boolean,
): StudyEntry {
  const count = (s: TrialState): number => trials.filter((t) => t.state === s).length;
  const overBudget = trials.filter(isOverBudget).length;
  // L: the value of a weighted-sum study, the recorded L of a Pareto one (./pareto.ts).
  const b = weightedSumBest(trials, maximize);
  const best: StudyEntry['best'] = b === null ? null : { number: b.number, value: weightedSumOf(b)! };
  let trialSeconds = 0;
  for (const t of trials) trialSeconds += durationSeconds(t.datetimeStart, t.datetimeComplete) ?? 0;
  return {
    studyId,
    name,
    nTrials: trials.length,
    complete: count(TrialState.COMPLETE),
    // A configuration rejected over budget is PRUNED but was never a trial of the budget (./pareto.ts).
    pruned: count(TrialState.PRUNED) - overBudget,
    overBudget,
    failed: count(TrialState.FAIL),
    running: count(TrialState.RUNNING),
    budget,
    best,
    trialSeconds,
    startedAt,
    configProblem: problem,
  };
}

function message(e: unknown): string {
  return errorMessage(e);
}

/** The outcome of a journal import; `damaged` offers to import the valid lines before the damage. */
export type ImportStatus =
  | { kind: 'ok' | 'error'; text: string }
  | { kind: 'damaged'; text: string; validOps: number; line: number; accept: () => Promise<number[]> };

export class StudyLibrary {
  #studies = $state.raw<StudyEntry[] | null>(null);
  #loadError = $state<string | null>(null);
  #rowErrors = $state.raw<Record<number, string>>({});
  #importStatus = $state.raw<ImportStatus | null>(null);
  /** Studies ticked for Compare, in the order they were ticked. */
  #selected = $state.raw<number[]>([]);
  readonly #storage: LibraryStorage;
  readonly #networks: NetworkLibrary;

  constructor(storage: LibraryStorage, networks: NetworkLibrary) {
    this.#storage = storage;
    this.#networks = networks;
  }

  get studies(): StudyEntry[] | null {
    return this.#studies;
  }
  get loadError(): string | null {
    return this.#loadError;
  }
  get importStatus(): ImportStatus | null {
    return this.#importStatus;
  }
  get selected(): readonly number[] {
    return this.#selected;
  }
  isSelected(studyId: number): boolean {
    return this.#selected.includes(studyId);
  }
  /** Ticks or unticks a study for Compare. */
  toggleSelected(studyId: number): void {
    this.#selected = this.isSelected(studyId)
      ? this.#selected.filter((id) => id !== studyId)
      : [...this.#selected, studyId];
  }
  rowError(studyId: number): string | null {
    return this.#rowErrors[studyId] ?? null;
  }

  async refresh(): Promise<void> {
    try {
      const summaries = await this.#storage.getAllStudies();
      const entries = await Promise.all(
        summaries.map(async (s) => {
          const trials = withFailReasons(await this.#storage.getAllTrials(s.studyId), s.systemAttrs);
          const { config, problem } = configFromAttrs(s.userAttrs, s.studyName);
          const maximize = s.directions.length === 1 && s.directions[0] === StudyDirection.MAXIMIZE;
          return summarize(s.studyId, s.studyName, trials, config?.nTrials ?? null, problem, s.datetimeStart, maximize);
        }),
      );
      this.#studies = entries.sort((a, b) => b.studyId - a.studyId);
      // A deleted study cannot stay ticked.
      this.#selected = this.#selected.filter((id) => entries.some((e) => e.studyId === id));
      this.#loadError = null;
    } catch (e) {
      this.#loadError = `Could not read the study library: ${message(e)}`;
    }
  }

  /** A name not used by any study: `base`, else `base (2)`, `base (3)`, … */
  async freeName(base: string): Promise<string> {
    // A throwaway lookup table, not state: nothing renders it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const taken = new Set((await this.#storage.getAllStudies()).map((s) => s.studyName));
    if (!taken.has(base)) return base;
    for (let k = 2; ; k++) if (!taken.has(`${base} (${k})`)) return `${base} (${k})`;
  }

  async #act(studyId: number, what: string, fn: () => Promise<void>): Promise<boolean> {
    const { [studyId]: _old, ...rest } = this.#rowErrors;
    this.#rowErrors = rest;
    try {
      await fn();
      await this.refresh();
      return true;
    } catch (e) {
      this.#rowErrors = { ...this.#rowErrors, [studyId]: `${what} failed: ${message(e)}` };
      return false;
    }
  }

  rename(studyId: number, name: string): Promise<boolean> {
    return this.#act(studyId, 'Rename', async () => {
      const n = name.trim();
      if (n === '') throw new Error('the new name is empty');
      await this.#storage.renameStudy(studyId, n);
    });
  }

  /** Copies the journal; the copy starts without trained networks except the best one's, copied along. */
  duplicate(studyId: number): Promise<boolean> {
    return this.#act(studyId, 'Duplicate', async () => {
      const name = await this.freeName(`${await this.#storage.getStudyNameFromId(studyId)} copy`);
      const copy = await this.#storage.duplicateStudy(studyId, name);
      const from = modelKey(studyId);
      for (const s of await this.#networks.list(from)) {
        const file = await this.#networks.load(from, s.trialNumber);
        if (file !== undefined) await this.#networks.save(modelKey(copy), s.trialNumber, file as never);
      }
    });
  }

  delete(studyId: number): Promise<boolean> {
    return this.#act(studyId, 'Delete', async () => {
      await this.#storage.deleteStudy(studyId);
      await this.#networks.deleteStudy(modelKey(studyId));
      // Final networks trained from its trials (Results → Final network) go with it.
      await this.#networks.deleteStudy(finalNetworkKey(modelKey(studyId)));
    });
  }

  /** The study as an Optuna journal file (loads in optuna ≥ 3.1 with JournalStorage). */
  async exportJournal(studyId: number): Promise<string | null> {
    try {
      return await exportStudyJournal(this.#storage, studyId);
    } catch (e) {
      this.#rowErrors = { ...this.#rowErrors, [studyId]: `Export failed: ${message(e)}` };
      return null;
    }
  }

  /**
   * Imports every study of an Optuna journal (all or nothing). A name already in the library gets a
   * " (imported)" suffix instead of failing. Returns the new study ids.
   */
  async importJournal(source: string, fileName: string, opts: { validPrefix?: boolean } = {}): Promise<number[]> {
    this.#importStatus = null;
    try {
      const { studies, skipped, tornTail, warnings } = readJournalStudies(source, opts);
      if (studies.length === 0) throw new EngineError('journal-format', 'the file holds no study');
      const renamed = [];
      for (const s of studies) {
        const name = await this.freeName(s.name === '' ? 'imported' : s.name);
        renamed.push(name === s.name ? s : { ...s, name });
      }
      const ids = await importStudies(this.#storage, renamed);
      const notes = [
        `Imported ${ids.length} stud${ids.length === 1 ? 'y' : 'ies'} from ${fileName}: ${renamed.map((s) => s.name).join(', ')}.`,
      ];
      if (skipped.length > 0)
        notes.push(
          `${skipped.length} operation(s) skipped by Optuna's replay rules (first: line ${skipped[0]!.line}, ${skipped[0]!.reason}).`,
        );
      if (tornTail !== null) notes.push('The last line had no newline (a torn write) and was ignored.');
      for (const w of warnings) notes.push(`${w.message.charAt(0).toUpperCase()}${w.message.slice(1)}.`);
      this.#importStatus = { kind: 'ok', text: notes.join(' ') };
      await this.refresh();
      return ids;
    } catch (e) {
      const text = `Could not import ${fileName}: ${message(e)}`;
      // Damage in the middle: the lines before it are still a journal Optuna would have written.
      if (e instanceof JournalDamageError && e.validOps > 0 && opts.validPrefix !== true) {
        this.#importStatus = {
          kind: 'damaged',
          text,
          validOps: e.validOps,
          line: e.line,
          accept: () => this.importJournal(source, fileName, { validPrefix: true }),
        };
      } else this.#importStatus = { kind: 'error', text };
      return [];
    }
  }
}
