/**
 * Inference runs in IndexedDB (idb): which network, which data file, when, the settings, the
 * per-participant results (summaries, warnings, predictive checks) and the draws, so a run reopens
 * after a reload exactly as it was shown. A small summary record per run lets the page list runs
 * without reading their draws.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { NetworkWarning, ParticipantResult } from '../inference/index.ts';

export const INFERENCE_DB_NAME = 'dmc-tune-inferences';
const DB_VERSION = 1;

export interface InferenceNetworkRef {
  kind: 'trial' | 'file';
  /** Shown to the user: "study X, trial 3 (best)" or the file name. */
  label: string;
  studyName?: string;
  trialNumber?: number;
  fileName?: string;
}

export interface InferenceRunSummary {
  id: number;
  createdAt: string;
  /** The study whose network was used (null for a network file). */
  studyName: string | null;
  network: InferenceNetworkRef;
  dataFile: { name: string; participants: number; trials: number };
}

export interface InferenceRunRecord extends InferenceRunSummary {
  settings: { draws: number; steps: number; seed: number; ppcDraws: number };
  paramNames: string[];
  /** The network's prior (truncated normals), drawn behind the histograms; null when the file has none. */
  prior: { means: number[]; sds: number[] } | null;
  results: ParticipantResult[];
  /** Wall time of the posterior sampling (absent in older runs). */
  samplingSeconds?: number;
  /** Warnings about the network as a whole (absent in runs kept before they existed). */
  networkWarnings?: NetworkWarning[];
  /** (participants, draws, P) row-major. */
  draws: Float32Array;
  backend: string;
}

interface InferenceDb extends DBSchema {
  runs: { key: number; value: InferenceRunRecord };
  summaries: { key: number; value: InferenceRunSummary; indexes: { byStudy: string } };
}

export class InferenceStore {
  private constructor(private readonly db: IDBPDatabase<InferenceDb>) {}

  static async open(dbName: string = INFERENCE_DB_NAME): Promise<InferenceStore> {
    const db = await openDB<InferenceDb>(dbName, DB_VERSION, {
      upgrade(d) {
        d.createObjectStore('runs', { keyPath: 'id' });
        const s = d.createObjectStore('summaries', { keyPath: 'id' });
        s.createIndex('byStudy', 'studyName');
      },
    });
    return new InferenceStore(db);
  }

  /** Stores a new run (its id is assigned here) or replaces one with the same id; returns the id. */
  async save(run: Omit<InferenceRunRecord, 'id'> & { id?: number }): Promise<number> {
    const tx = this.db.transaction(['runs', 'summaries'], 'readwrite');
    let id = run.id;
    if (id === undefined) {
      const last = await tx.objectStore('summaries').openCursor(null, 'prev');
      id = (last?.key ?? 0) + 1;
    }
    const rec: InferenceRunRecord = { ...run, id };
    const summary: InferenceRunSummary = {
      id,
      createdAt: rec.createdAt,
      studyName: rec.studyName,
      network: rec.network,
      dataFile: rec.dataFile,
    };
    await Promise.all([tx.objectStore('runs').put(rec), tx.objectStore('summaries').put(summary), tx.done]);
    return id;
  }

  /** Newest first. */
  async list(): Promise<InferenceRunSummary[]> {
    return (await this.db.getAll('summaries')).sort((a, b) => b.id - a.id);
  }

  load(id: number): Promise<InferenceRunRecord | undefined> {
    return this.db.get('runs', id);
  }

  async delete(id: number): Promise<void> {
    const tx = this.db.transaction(['runs', 'summaries'], 'readwrite');
    await Promise.all([tx.objectStore('runs').delete(id), tx.objectStore('summaries').delete(id), tx.done]);
  }

  close(): void {
    this.db.close();
  }
}
