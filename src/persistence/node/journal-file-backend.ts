/**
 * Node file backend for JournalStorage, compatible with Python Optuna's JournalFileStorage (3.1) /
 * JournalFileBackend (4.x): the same file can be written by both at once (optuna/storages/journal/
 * _file.py; docs/design/study-engine.md#journal-storage).
 * - Appends: one O_APPEND write of whole "\n"-terminated records, then fsync.
 * - Lock: `<path>.lock` created exclusively, the protocol of Optuna's JournalFileOpenLock and mutually
 *   exclusive with its default JournalFileSymlinkLock (both fail while the name exists); released by
 *   rename + unlink as Optuna does. A lock older than `staleLockMs` is presumed left by a crashed
 *   process and broken.
 * - Reads: only "\n"-terminated records; an unterminated tail is a write in progress (or a crash) and
 *   is ignored, as Optuna ignores a torn last line. Under the lock, a torn tail left by a crash is cut
 *   off before appending, so the next record does not merge into it.
 * - The byte offset after the last read op is cached, so replays read only what is new.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import {
  EngineError,
  JournalDamageError,
  lineError,
  Mutex,
  parseJournalDetailed,
  serializeJournal,
  type JournalBackend,
  type JournalOp,
  warn,
} from '../../engine/index.ts';
import { errorMessage } from '../../shared/index.ts';

export interface JournalFileBackendOptions {
  /** A lock file older than this is treated as left behind by a crashed writer (default 30 s). */
  readonly staleLockMs?: number;
}

const NL = 0x0a;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function storageError(path: string, what: string, e: unknown): EngineError {
  return new EngineError('storage', `journal file ${path}: ${what} failed: ${errorMessage(e)}`);
}

export class JournalFileBackend implements JournalBackend {
  readonly lockPath: string;
  private readonly staleLockMs: number;
  private readonly mutex = new Mutex();
  private inSection = false;
  /** After `ops` ops the next record starts at byte `offset`, on 1-based line `line`. */
  private cursor = { ops: 0, offset: 0, line: 1 };
  /**
   * An invalid last line the reader skipped, and the file size when it was seen. It is cut off before
   * the next append: a record appended after it would turn it into a damaged middle line that
   * Optuna (and this reader) refuse.
   */
  private badTail: { offset: number; size: number } | null = null;

  constructor(
    readonly path: string,
    opts: JournalFileBackendOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
    this.staleLockMs = opts.staleLockMs ?? 30_000;
  }

  /** Opens (creating if missing, as Optuna does) a journal file. */
  static async open(path: string, opts?: JournalFileBackendOptions): Promise<JournalFileBackend> {
    try {
      await (await fs.open(path, 'a')).close();
    } catch (e) {
      throw storageError(path, 'open', e);
    }
    return new JournalFileBackend(path, opts);
  }

  async readLogs(from: number): Promise<JournalOp[]> {
    const start = from >= this.cursor.ops ? this.cursor : { ops: 0, offset: 0, line: 1 };
    let buf: Buffer;
    try {
      const fh = await fs.open(this.path, 'r');
      try {
        const { size } = await fh.stat();
        buf = Buffer.alloc(Math.max(0, size - start.offset));
        if (buf.length > 0) await fh.read(buf, 0, buf.length, start.offset);
      } finally {
        await fh.close();
      }
    } catch (e) {
      if (errno(e) === 'ENOENT') return [];
      throw storageError(this.path, 'read', e);
    }
    const end = buf.lastIndexOf(NL) + 1;
    const text = buf.subarray(0, end).toString('utf8');
    let parsed;
    try {
      parsed = parseJournalDetailed(text);
    } catch (e) {
      // Re-number the line relative to the whole file.
      if (e instanceof JournalDamageError)
        throw new JournalDamageError(start.line + e.line - 1, start.ops + e.validOps, e.detail);
      const m = e instanceof EngineError ? /^journal line (\d+): (.*)$/s.exec(e.message) : null;
      if (m === null) throw e;
      throw lineError(start.line + Number(m[1]) - 1, m[2]);
    }
    let lines = 0;
    let stop = end;
    const badLine = parsed.badTail?.line;
    for (let i = 0; i < end; i++) {
      if (buf[i] !== NL) continue;
      lines++;
      // The cursor stays before an ignored invalid last line, so it is read again after a repair.
      if (badLine !== undefined && lines === badLine - 1) stop = i + 1;
    }
    if (badLine !== undefined) {
      if (badLine === 1) stop = 0;
      const offset = start.offset + stop;
      if (this.badTail?.offset !== offset) {
        for (const w of parsed.warnings)
          if (w.line === badLine)
            warn(`${this.path}: ${w.message.replace(/^journal line \d+/, `journal line ${start.line + badLine - 1}`)}`);
      }
      this.badTail = { offset, size: start.offset + end };
      lines = badLine - 1;
    } else {
      this.badTail = null;
      stop = end;
    }
    for (const w of parsed.warnings)
      if (w.line !== badLine)
        warn(
          `${this.path}: ${w.message.replace(/^journal line (\d+)/, (_m, n: string) => `journal line ${start.line + Number(n) - 1}`)}`,
        );
    this.cursor = { ops: start.ops + parsed.ops.length, offset: start.offset + stop, line: start.line + lines };
    return parsed.ops.slice(Math.max(0, from - start.ops));
  }

  async appendLogs(ops: readonly JournalOp[]): Promise<void> {
    if (ops.length === 0) return;
    if (!this.inSection) return this.withLock(() => this.appendLocked(ops));
    return this.appendLocked(ops);
  }

  private async appendLocked(ops: readonly JournalOp[]): Promise<void> {
    const data = Buffer.from(serializeJournal(ops), 'utf8');
    try {
      await this.cutBadTail();
      await this.cutTornTail();
      const fh = await fs.open(this.path, 'a');
      try {
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await fh.write(data, written, data.length - written);
          written += bytesWritten;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw storageError(this.path, 'append', e);
    }
  }

  /** Removes the invalid last line a read skipped, if nothing was appended after it since. */
  private async cutBadTail(): Promise<void> {
    const bad = this.badTail;
    if (bad === null) return;
    this.badTail = null;
    const fh = await fs.open(this.path, 'r+');
    try {
      if ((await fh.stat()).size === bad.size) await fh.truncate(bad.offset);
    } finally {
      await fh.close();
    }
  }

  /** Removes an unterminated last line (a crashed writer's); only ever called under the lock. */
  private async cutTornTail(): Promise<void> {
    const fh = await fs.open(this.path, 'r+');
    try {
      const { size } = await fh.stat();
      if (size === 0) return;
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] === NL) return;
      const chunk = 64 * 1024;
      let pos = size;
      while (pos > 0) {
        const n = Math.min(chunk, pos);
        const b = Buffer.alloc(n);
        await fh.read(b, 0, n, pos - n);
        const i = b.lastIndexOf(NL);
        if (i >= 0) {
          await fh.truncate(pos - n + i + 1);
          return;
        }
        pos -= n;
      }
      await fh.truncate(0);
    } finally {
      await fh.close();
    }
  }

  /** Runs `fn` holding both the in-process mutex and the cross-process lock file. */
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      await this.acquire();
      this.inSection = true;
      try {
        return await fn();
      } finally {
        this.inSection = false;
        await this.release();
      }
    });
  }

  private async acquire(): Promise<void> {
    let wait = 1;
    for (;;) {
      try {
        await (await fs.open(this.lockPath, 'wx')).close();
        return;
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw storageError(this.path, 'locking', e);
      }
      const st = await fs.lstat(this.lockPath).catch(() => null);
      if (st !== null && Date.now() - st.mtimeMs > this.staleLockMs) {
        await this.breakLock();
        continue;
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 100);
    }
  }

  private async breakLock(): Promise<void> {
    const moved = `${this.lockPath}${randomUUID()}.rename`;
    try {
      await fs.rename(this.lockPath, moved);
      await fs.unlink(moved);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw storageError(this.path, 'breaking a stale lock', e);
    }
  }

  private async release(): Promise<void> {
    const moved = `${this.lockPath}${randomUUID()}.rename`;
    try {
      await fs.rename(this.lockPath, moved);
      await fs.unlink(moved);
    } catch (e) {
      throw storageError(this.path, 'releasing the lock', e);
    }
  }
}
