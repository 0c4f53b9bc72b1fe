/**
 * The journal backend port (optuna/storages/journal/_base.py: read_logs(from) / append_logs) and the
 * in-memory backend. Backends must make each appendLogs call atomic (all ops or none, never
 * interleaved with another writer's); `withLock`, when present, additionally serializes whole
 * "read new logs + append" sections across writers (Web Locks, lock files).
 */
import { parseJournalDetailed, serializeJournal } from './format.ts';
import type { JournalOp } from './ops.ts';

export interface JournalBackend {
  /** Ops from index `from` (0-based, in append order) to the end. */
  readLogs(from: number): Promise<JournalOp[]>;
  appendLogs(ops: readonly JournalOp[]): Promise<void>;
  withLock?<T>(fn: () => Promise<T>): Promise<T>;
  close?(): Promise<void>;
}

/** A promise-chain mutex: `run` executes callbacks one after another, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * Journal kept as Optuna-format text lines in memory. Storing text rather than objects means every
 * JournalStorage over it exercises the real writer and reader, exactly as a file would.
 */
export class MemoryJournalBackend implements JournalBackend {
  private readonly lines: string[] = [];
  private readonly mutex = new Mutex();

  /** Starts from an existing journal text (e.g. an Optuna file's contents). */
  static fromText(text: string): MemoryJournalBackend {
    const b = new MemoryJournalBackend();
    b.lines.push(...serializeJournal(parseJournalDetailed(text).ops).split('\n').slice(0, -1));
    return b;
  }

  readLogs(from: number): Promise<JournalOp[]> {
    if (from >= this.lines.length) return Promise.resolve([]);
    const text = this.lines.slice(from).join('\n') + '\n';
    return Promise.resolve(parseJournalDetailed(text).ops);
  }

  appendLogs(ops: readonly JournalOp[]): Promise<void> {
    const text = serializeJournal(ops);
    this.lines.push(...text.split('\n').slice(0, -1));
    return Promise.resolve();
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(fn);
  }

  /** The whole journal as Optuna-format text. */
  text(): string {
    return this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
  }

  get length(): number {
    return this.lines.length;
  }
}
