/**
 * Trained networks in IndexedDB (idb), keyed by study name + trial number. Each entry
 * is the same versioned network file that the user can download (src/nn/model/network-file.ts), so an import
 * and an export are the same object; a small summary record per network lets the page list networks
 * without reading their weights.
 *
 * No tfjs here: files are validated by `parseNetworkFile` (pure) and rebuilt with `restoreNetwork` in
 * the worker that needs them.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { parseNetworkFile, type NetworkFile } from '../nn/pure.ts';

export const MODEL_DB_NAME = 'dmc-tune-models';
const DB_VERSION = 1;

export interface StoredNetworkSummary {
  studyName: string;
  trialNumber: number;
  savedAt: string;
  paramNames: string[];
  /** Objective value of the trial, when the file's metadata has it. */
  L: number | null;
  /** Total number of weight values. */
  parameterCount: number;
  /** Size of the file as JSON text (bytes, ASCII). */
  byteSize: number;
  /** 'cluster' for a network trained by study.py on a cluster (metadata.source); absent otherwise. */
  source?: string;
}

interface ModelDb extends DBSchema {
  networks: { key: [string, number]; value: { studyName: string; trialNumber: number; file: NetworkFile } };
  summaries: { key: [string, number]; value: StoredNetworkSummary; indexes: { byStudy: string } };
}

export class ModelStoreError extends Error {
  override readonly name = 'ModelStoreError';
}

function checkKey(studyName: string, trialNumber: number): [string, number] {
  if (typeof studyName !== 'string' || studyName === '') {
    throw new ModelStoreError(`studyName must be a non-empty string, got ${JSON.stringify(studyName)}`);
  }
  if (!Number.isInteger(trialNumber) || trialNumber < 0) {
    throw new ModelStoreError(`trialNumber must be an integer >= 0, got ${JSON.stringify(trialNumber)}`);
  }
  return [studyName, trialNumber];
}

export class ModelStore {
  private constructor(private readonly db: IDBPDatabase<ModelDb>) {}

  static async open(dbName: string = MODEL_DB_NAME): Promise<ModelStore> {
    const db = await openDB<ModelDb>(dbName, DB_VERSION, {
      upgrade(d) {
        d.createObjectStore('networks', { keyPath: ['studyName', 'trialNumber'] });
        const s = d.createObjectStore('summaries', { keyPath: ['studyName', 'trialNumber'] });
        s.createIndex('byStudy', 'studyName');
      },
    });
    return new ModelStore(db);
  }

  /** Validates and stores (or replaces) the network of a trial; returns its summary. */
  async save(studyName: string, trialNumber: number, file: NetworkFile): Promise<StoredNetworkSummary> {
    checkKey(studyName, trialNumber);
    const valid = parseNetworkFile(file);
    const L = valid.metadata['L'];
    const summary: StoredNetworkSummary = {
      studyName,
      trialNumber,
      savedAt: new Date().toISOString(),
      paramNames: [...valid.metadata.paramNames],
      L: typeof L === 'number' && Number.isFinite(L) ? L : null,
      parameterCount: valid.weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0),
      byteSize: JSON.stringify(valid).length,
      ...(typeof valid.metadata['source'] === 'string' ? { source: valid.metadata['source'] } : {}),
    };
    const tx = this.db.transaction(['networks', 'summaries'], 'readwrite');
    await Promise.all([
      tx.objectStore('networks').put({ studyName, trialNumber, file: valid }),
      tx.objectStore('summaries').put(summary),
      tx.done,
    ]);
    return summary;
  }

  /** Summaries of all stored networks, or of one study; ordered by study name, then trial number. */
  async list(studyName?: string): Promise<StoredNetworkSummary[]> {
    return studyName === undefined
      ? this.db.getAll('summaries')
      : this.db
          .getAllFromIndex('summaries', 'byStudy', studyName)
          .then((r) => r.sort((a, b) => a.trialNumber - b.trialNumber));
  }

  /** The stored file (validated again: the database may have been written by another version). */
  async load(studyName: string, trialNumber: number): Promise<NetworkFile | undefined> {
    const rec = await this.db.get('networks', checkKey(studyName, trialNumber));
    return rec === undefined ? undefined : parseNetworkFile(rec.file);
  }

  /** Removes a network; resolves to false when there was none. */
  async delete(studyName: string, trialNumber: number): Promise<boolean> {
    const key = checkKey(studyName, trialNumber);
    const tx = this.db.transaction(['networks', 'summaries'], 'readwrite');
    const existed = (await tx.objectStore('summaries').getKey(key)) !== undefined;
    await Promise.all([tx.objectStore('networks').delete(key), tx.objectStore('summaries').delete(key), tx.done]);
    return existed;
  }

  /** Removes every network of a study (e.g. when the study is deleted); returns how many. */
  async deleteStudy(studyName: string): Promise<number> {
    const keys = await this.db.getAllKeysFromIndex('summaries', 'byStudy', studyName);
    const tx = this.db.transaction(['networks', 'summaries'], 'readwrite');
    await Promise.all([
      ...keys.flatMap((k) => [tx.objectStore('networks').delete(k), tx.objectStore('summaries').delete(k)]),
      tx.done,
    ]);
    return keys.length;
  }

  close(): void {
    this.db.close();
  }
}
