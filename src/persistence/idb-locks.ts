/**
 * Web Locks (navigator.locks) used by the IndexedDB study library: a per-study journal lock that
 * serializes "read new logs + append" across tabs, and a per-worker liveness lock each open library
 * holds until it closes (the browser drops it when the tab goes away), so other tabs can tell a
 * RUNNING trial whose tab is gone from one that is still running. Null where the API is missing.
 */
const WORKER_LOCK_PREFIX = 'dmc-tune-worker:';

export function webLocks(): LockManager | null {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks ?? null;
}

export function journalLockName(dbName: string, studyId: number): string {
  return `dmc-tune-journal:${dbName}:${studyId}`;
}

/** Takes the liveness lock of `workerId`; resolves once granted with the function that releases it. */
export function holdWorkerLock(locks: LockManager, workerId: string): Promise<() => void> {
  return new Promise((granted) => {
    void locks.request(WORKER_LOCK_PREFIX + workerId, () => new Promise<void>((release) => granted(release)));
  });
}

/** Worker ids whose liveness lock is held right now, in any tab of this origin. */
export async function liveWorkers(locks: LockManager): Promise<Set<string>> {
  const alive = new Set<string>();
  for (const l of (await locks.query()).held ?? []) {
    if (l.name?.startsWith(WORKER_LOCK_PREFIX)) alive.add(l.name.slice(WORKER_LOCK_PREFIX.length));
  }
  return alive;
}
