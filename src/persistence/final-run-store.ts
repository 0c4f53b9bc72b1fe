/**
 * Final-network runs in IndexedDB (idb): the settings of each run and its latest checkpoint — weights,
 * Adam's moments, epoch, loss history, shuffle state (src/nn/objective.ts TrainingCheckpoint) — written
 * after every epoch, so a reload or a crash loses at most the epoch in progress and the run continues
 * from the last one. One record per (study, trial): starting again replaces it.
 *
 * Typed arrays are stored as they are (structured clone): a checkpoint of the notebook's network is a
 * few MB, written once per epoch.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { TrainingCheckpoint, TrialHyperparameters } from '../nn/pure.ts';

export const FINAL_RUN_DB_NAME = 'dmc-tune-final-runs';
const DB_VERSION = 1;

/** What the user chose for the final network (the trial's hyperparameters at another budget). */
export interface FinalRunSettings {
  epochs: number;
  mode: 'online' | 'offline';
  /** Online: optimizer steps (fresh batches) per epoch. */
  batchesPerEpoch: number;
  /** Offline: simulated training sets. */
  trainingSets: number;
  /** Trials per data set: one N, or a range (online: one N per batch; validation spread over it). */
  numObs: { fixed: number } | { min: number; max: number };
  validationSets: number;
  /** Early stopping after this many epochs without a lower validation loss; null: off. */
  patience: number | null;
}

export type FinalRunStatus = 'running' | 'complete' | 'cancelled' | 'failed';

export interface FinalRunRecord {
  /** `${modelKey}/${trialNumber}`. */
  id: string;
  modelKey: string;
  studyId: number;
  studyName: string;
  trialNumber: number;
  settings: FinalRunSettings;
  hparams: TrialHyperparameters;
  /** Seed of the weights, noise and dropout (the trial's own seed). */
  seed: number;
  status: FinalRunStatus;
  error: string | null;
  /** The last completed epoch's checkpoint; null before the first epoch ends. */
  checkpoint: TrainingCheckpoint | null;
  startedAt: string;
  updatedAt: string;
  result: { L: number; metrics: Record<string, Record<string, number>>; stoppedEarly: number | null } | null;
}

interface FinalRunDb extends DBSchema {
  runs: { key: string; value: FinalRunRecord; indexes: { byStudy: number } };
}

export function finalRunId(modelKey: string, trialNumber: number): string {
  return `${modelKey}/${trialNumber}`;
}

export class FinalRunStore {
  private constructor(private readonly db: IDBPDatabase<FinalRunDb>) {}

  static async open(dbName: string = FINAL_RUN_DB_NAME): Promise<FinalRunStore> {
    const db = await openDB<FinalRunDb>(dbName, DB_VERSION, {
      upgrade(d) {
        d.createObjectStore('runs', { keyPath: 'id' }).createIndex('byStudy', 'studyId');
      },
    });
    return new FinalRunStore(db);
  }

  async put(record: FinalRunRecord): Promise<void> {
    await this.db.put('runs', record);
  }

  get(id: string): Promise<FinalRunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** A study's runs, newest first. */
  async list(studyId: number): Promise<FinalRunRecord[]> {
    const all = await this.db.getAllFromIndex('runs', 'byStudy', studyId);
    return all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async delete(id: string): Promise<void> {
    await this.db.delete('runs', id);
  }

  close(): void {
    this.db.close();
  }
}
