/**
 * Web Locks (navigator.locks) used by the IndexedDB study library: a per-study journal lock that
 * serializes "read new logs + append" across tabs, and a per-worker liveness lock each open library
 * holds until it closes (the browser drops it when the tab goes away), so other tabs can tell a
 * RUNNING trial whose tab is gone from one that is still running. Null where the API is missing.
 * `holdLock` and `heldLockNames` are the generic pieces, also used by the app's one-tab-per-study
 * run lock (src/state/run-lock.ts).
 */
import { errorMessage } from '../shared/index.ts';
const WORKER_LOCK_PREFIX = 'dmc-tune-worker:';

export function webLocks(): LockManager | null {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks ?? null;
}

export function journalLockName(dbName: string, studyId: number): string {
  return `dmc-tune-journal:${dbName}:${studyId}`;
}

/** A lock request the browser refused (a SecurityError in an opaque origin, an aborted or broken request). */
export class LockRequestError extends Error {
  constructor(
    readonly lockName: string,
    cause: unknown,
  ) {
    super(`The browser refused the Web Lock "${lockName}": ${errorMessage(cause)}`, { cause });
    this.name = 'LockRequestError';
  }
}

/**
 * Requests lock `name` and holds it until the returned function is called. Without `ifAvailable` the
 * request waits until granted; with it, resolves to null at once when another holder has the lock.
 * Rejects with a `LockRequestError` when the request itself fails, instead of waiting for a grant
 * that will never come.
 */
export function holdLock(locks: LockManager, name: string, ifAvailable = false): Promise<(() => void) | null> {
  return new Promise((resolve, reject) => {
    let granted = false;
    let request: Promise<unknown>;
    try {
      request = locks.request(name, { ifAvailable }, (lock) => {
        granted = true;
        if (lock === null) {
          resolve(null);
          return undefined;
        }
        return new Promise<void>((release) => resolve(release));
      });
    } catch (err) {
      reject(new LockRequestError(name, err));
      return;
    }
    // After a grant the request settles only when the lock is released; a rejection then has no caller left to tell.
    request.catch((err: unknown) => {
      if (!granted) reject(new LockRequestError(name, err));
    });
  });
}

/** Names of the locks held right now, in any tab of this origin. */
export async function heldLockNames(locks: LockManager): Promise<string[]> {
  return ((await locks.query()).held ?? []).flatMap((l) => (l.name === undefined ? [] : [l.name]));
}

/** Takes the liveness lock of `workerId`; resolves once granted with the function that releases it. */
export async function holdWorkerLock(locks: LockManager, workerId: string): Promise<() => void> {
  const release = await holdLock(locks, WORKER_LOCK_PREFIX + workerId);
  // A waiting request (no ifAvailable) is granted eventually, never answered with null.
  if (release === null) throw new Error(`the liveness lock of worker ${workerId} was refused`);
  return release;
}

/** Worker ids whose liveness lock is held right now, in any tab of this origin. */
export async function liveWorkers(locks: LockManager): Promise<Set<string>> {
  const names = await heldLockNames(locks);
  return new Set(names.filter((n) => n.startsWith(WORKER_LOCK_PREFIX)).map((n) => n.slice(WORKER_LOCK_PREFIX.length)));
}
