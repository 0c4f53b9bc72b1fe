/**
 * IdbStorage in real Chromium: the storage conformance suite over real IndexedDB with Web Locks
 * (several handles on one database play the part of tabs), and liveness-aware crash recovery.
 * Page reloads and two real pages are in test/e2e/idb-*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { floatDistribution } from '../../src/engine/distributions.ts';
import { TrialState } from '../../src/engine/types.ts';
import { IdbStorage } from '../../src/persistence/idb-storage.ts';
import { runStorageConformance } from '../conformance/storage-conformance.ts';

const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
let n = 0;
const fresh = (): Promise<IdbStorage> => IdbStorage.open(`browser-idb-${run}-${n++}`);

it('runs with Web Locks available', () => {
  expect(navigator.locks).toBeDefined();
});

runStorageConformance('IdbStorage(Chromium IndexedDB + Web Locks)', {
  create: fresh,
  reopen: async (s) => {
    await s.close();
    return IdbStorage.open((s as IdbStorage).dbName);
  },
  sibling: async (s) => IdbStorage.open((s as IdbStorage).dbName),
});

describe('crash recovery with Web Locks', () => {
  it('treats RUNNING trials of a live handle as running, and as stale once that handle is gone', async () => {
    const a = await fresh();
    const b = await IdbStorage.open(a.dbName);
    const st = await a.createNewStudy([1], 'live');
    const t = await a.createNewTrial(st);
    await a.setTrialParam(t, 'x', 0.5, floatDistribution(0, 1));
    expect(await b.staleRunningTrials(st)).toEqual([]);
    await a.close();
    expect((await b.staleRunningTrials(st)).map((x) => x.trialId)).toEqual([t]);
    expect(await b.failStaleTrials(st)).toEqual([0]);
    expect((await b.getTrial(t)).state).toBe(TrialState.FAIL);
    await b.close();
  });
});
