import { describe, expect, it } from 'vitest';
import { LockRequestError, holdLock, holdWorkerLock } from '../../../src/persistence/idb-locks.ts';

/** A LockManager whose request fails the way a browser's can (opaque origin, aborted request). */
function refusingLocks(how: 'reject' | 'throw'): LockManager {
  return {
    request: () => {
      const err = new DOMException('Access to the Locks API is denied in this context.', 'SecurityError');
      if (how === 'throw') throw err;
      return Promise.reject(err);
    },
    query: async () => ({ held: [], pending: [] }),
  } as unknown as LockManager;
}

describe('holdLock', () => {
  it('rejects with the lock’s name when the request is rejected, instead of waiting forever', async () => {
    const p = holdLock(refusingLocks('reject'), 'dmc-tune-run:7', true);
    await expect(p).rejects.toBeInstanceOf(LockRequestError);
    await expect(p).rejects.toThrow(/"dmc-tune-run:7".*denied/);
  });

  it('rejects when request throws synchronously, and so does the liveness lock', async () => {
    await expect(holdLock(refusingLocks('throw'), 'x')).rejects.toThrow(/"x"/);
    await expect(holdWorkerLock(refusingLocks('reject'), 'w1')).rejects.toThrow(/dmc-tune-worker:w1/);
  });

  it('still resolves to the release function once granted, and to null when not available', async () => {
    let releases = 0;
    const locks = {
      request: (name: string, _o: LockOptions, cb: LockGrantedCallback<unknown>) =>
        Promise.resolve(cb(name === 'busy' ? null : ({ name, mode: 'exclusive' } as Lock))).then(() => void releases++),
    } as unknown as LockManager;
    const release = await holdLock(locks, 'free', true);
    expect(release).toBeTypeOf('function');
    expect(releases).toBe(0);
    release!();
    await expect.poll(() => releases).toBe(1);
    expect(await holdLock(locks, 'busy', true)).toBeNull();
  });
});
