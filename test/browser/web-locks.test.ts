/**
 * The Web Locks pieces in real Chromium: the app's one-tab-per-study run lock and the library's
 * liveness locks share holdLock / heldLockNames (src/persistence/idb-locks.ts).
 */
import { expect, it } from 'vitest';
import { heldLockNames, holdWorkerLock, liveWorkers, webLocks } from '../../src/persistence/idb-locks.ts';
import { webRunLock } from '../../src/state/run-lock.ts';

it('the run lock is taken once per study, refused while held, and free again after release', async () => {
  const lock = webRunLock();
  const study = 1_000 + Math.floor(Math.random() * 1e6);
  expect(await lock.held(study)).toBe(false);
  const release = await lock.acquire(study);
  expect(release).toBeTypeOf('function');
  expect(await lock.held(study)).toBe(true);
  expect(await lock.acquire(study)).toBeNull();
  expect(await lock.held(study + 1)).toBe(false);
  const other = await lock.acquire(study + 1);
  expect(other).toBeTypeOf('function');
  release!();
  other!();
  await expect.poll(() => lock.held(study)).toBe(false);
  const again = await lock.acquire(study);
  expect(again).toBeTypeOf('function');
  again!();
});

it('a liveness lock shows its worker as live until released', async () => {
  const locks = webLocks()!;
  const worker = `w-${Math.random().toString(16).slice(2)}`;
  const release = await holdWorkerLock(locks, worker);
  expect((await liveWorkers(locks)).has(worker)).toBe(true);
  expect(await heldLockNames(locks)).toContain(`dmc-tune-worker:${worker}`);
  release();
  await expect.poll(async () => (await liveWorkers(locks)).has(worker)).toBe(false);
});

it('without the Locks API every run is allowed and nothing is reported held', async () => {
  const lock = webRunLock(null);
  expect(await lock.acquire(7)).toBeTypeOf('function');
  expect(await lock.acquire(7)).toBeTypeOf('function');
  expect(await lock.held(7)).toBe(false);
});
