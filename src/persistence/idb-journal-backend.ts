/**
 * One study's Optuna journal in IndexedDB (through `idb`): store `ops` holds `{studyId, seq, op}`
 * keyed by [studyId, seq], seq = the op's 0-based index in that study's journal, so
 * readLogs(from) is one key-range read (the "read_logs / append_logs" port of
 * optuna/storages/journal/_base.py mapped onto one object store; storage kept apart from the study and the sampler, as in Optuna).
 *
 * Concurrency between tabs: every append is one readwrite transaction that finds the last seq and
 * writes after it, so ops are never lost, duplicated or interleaved; around "read new logs + append"
 * a Web Locks lock (`navigator.locks.request`) serializes writers, so each one replays the others'
 * ops before it checks and appends its own. Without navigator.locks (fake-indexeddb in Node) the
 * transactions alone keep the log consistent and replay resolves races as Optuna does.
 * The catalog entry is checked in the same transactions: once a study is deleted, every handle's
 * reads and writes fail with 'not-found' (the journal DELETE_STUDY semantics).
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import {
  EngineError,
  isFinished,
  type IsoDateTime,
  type JournalBackend,
  type JournalOp,
  type StudyDirection,
} from '../engine/index.ts';

export interface CatalogEntry {
  readonly studyId: number;
  readonly name: string;
  readonly directions: readonly StudyDirection[];
  readonly createdAt: IsoDateTime;
}

export interface OpRecord {
  readonly studyId: number;
  readonly seq: number;
  readonly op: JournalOp;
}

export interface StudyDb extends DBSchema {
  catalog: { key: number; value: CatalogEntry; indexes: { name: string } };
  ops: { key: [number, number]; value: OpRecord };
  meta: { key: string; value: number };
}

export type Db = IDBPDatabase<StudyDb>;
type Stores = StoreNames<StudyDb>[];

/** Opens (creating on first use) the study library database: catalog, ops and meta stores. */
export async function openStudyDb(dbName: string): Promise<Db> {
  try {
    return await openDB<StudyDb>(dbName, 1, {
      upgrade(d) {
        d.createObjectStore('catalog', { keyPath: 'studyId' }).createIndex('name', 'name', { unique: true });
        d.createObjectStore('ops', { keyPath: ['studyId', 'seq'] });
        d.createObjectStore('meta');
      },
    });
  } catch (e) {
    throw idbFailure(e, `opening the study library "${dbName}"`);
  }
}

/** Maps an IndexedDB failure to a clear EngineError('storage'); EngineErrors pass through. */
export function idbFailure(e: unknown, action: string): EngineError {
  if (e instanceof EngineError) return e;
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : 'Error';
  const msg =
    e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)
      ? String((e as { message: unknown }).message)
      : String(e);
  if (name === 'QuotaExceededError') {
    return new EngineError(
      'storage',
      `IndexedDB quota exceeded while ${action}: the browser refused to store more data. Nothing of this ` +
        `step was written and the stored studies are intact; free space (export and delete old studies) and retry.`,
    );
  }
  return new EngineError('storage', `IndexedDB ${name} while ${action}: ${msg}. The stored studies are intact.`);
}

/**
 * Runs `fn` in one transaction; an error (thrown or from IndexedDB) aborts it, so nothing of it is
 * committed. `fn` must await only IndexedDB requests (any other await lets the transaction commit).
 */
export async function runTx<T, S extends Stores, M extends IDBTransactionMode>(
  db: Db,
  stores: S,
  mode: M,
  action: string,
  fn: (tx: IDBPTransaction<StudyDb, S, M>) => Promise<T>,
  durability: IDBTransactionDurability = 'default',
): Promise<T> {
  let tx: IDBPTransaction<StudyDb, S, M>;
  try {
    tx = db.transaction(stores, mode, { durability });
  } catch (e) {
    throw idbFailure(e, action);
  }
  const done = tx.done;
  done.catch(() => undefined);
  try {
    const result = await fn(tx);
    await done;
    return result;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      /* already finished or aborted */
    }
    throw idbFailure(e, action);
  }
}

export function deletedError(studyId: number): EngineError {
  return new EngineError('not-found', `study ${studyId} does not exist`);
}

/** Keys of one study's ops from seq `from` on. */
export function opRange(studyId: number, from = 0): IDBKeyRange {
  return IDBKeyRange.bound([studyId, from], [studyId, Number.MAX_SAFE_INTEGER]);
}

export class IdbJournalBackend implements JournalBackend {
  constructor(
    private readonly db: Db,
    readonly studyId: number,
    /** Web Locks manager, or null where the API is missing. */
    private readonly locks: LockManager | null,
    private readonly lockName: string,
  ) {}

  readLogs(from: number): Promise<JournalOp[]> {
    return runTx(this.db, ['catalog', 'ops'], 'readonly', `reading study ${this.studyId}`, async (tx) => {
      if ((await tx.objectStore('catalog').get(this.studyId)) === undefined) throw deletedError(this.studyId);
      const recs = await tx.objectStore('ops').getAll(opRange(this.studyId, from));
      return recs.map((r) => r.op);
    });
  }

  appendLogs(ops: readonly JournalOp[]): Promise<void> {
    // A finished trial or a new study is flushed to disk ('strict'): completed trials are never lost.
    const strict = ops.some((op) => op.op_code === 0 || (op.op_code === 6 && isFinished(op.state)));
    return runTx(
      this.db,
      ['catalog', 'ops'],
      'readwrite',
      `saving to study ${this.studyId}`,
      async (tx) => {
        if ((await tx.objectStore('catalog').get(this.studyId)) === undefined) throw deletedError(this.studyId);
        const store = tx.objectStore('ops');
        const last = await store.openKeyCursor(opRange(this.studyId), 'prev');
        let seq = last === null ? 0 : last.key[1] + 1;
        for (const op of ops) await store.add({ studyId: this.studyId, seq: seq++, op });
      },
      strict ? 'strict' : 'relaxed',
    );
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.locks === null) return fn();
    return this.locks.request(this.lockName, fn) as Promise<T>;
  }
}
