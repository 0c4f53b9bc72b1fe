/**
 * The one storage conformance suite (optuna/testing/pytest_storages.py in spirit), run against every
 * Storage implementation in Node (test/conformance/storage.test.ts) and in Chromium
 * (test/browser/idb-storage.test.ts). Browser-safe: imports nothing from Node.
 *
 * Invariants checked: every method of the port; unknown ids → 'not-found'; duplicate names →
 * 'duplicate'; finished trials immutable → 'trial-finished'; Optuna's distribution compatibility
 * messages; snapshots never change after they are returned; trial ids unique across studies, numbers
 * 0.. per study; RUNNING → RUNNING refused with false; concurrent calls lose nothing; and, where the
 * harness can reopen or open a second handle, durability and cross-handle visibility.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../src/engine/storages/storage.ts';
import {
  C,
  COMPLETE,
  FAIL,
  LR,
  MAXIMIZE,
  MINIMIZE,
  RUNNING,
  WAITING,
  code,
  describeTrialConformance,
  plain,
} from './storage-conformance-trials.ts';

export interface StorageHarness {
  /** A fresh, empty storage. */
  create(): Promise<Storage>;
  /** Closes `s` and opens the same persisted data again (durable storages only). */
  reopen?(s: Storage): Promise<Storage>;
  /** A second, independent handle on the same data (another worker / tab / process). */
  sibling?(s: Storage): Promise<Storage>;
}

export function runStorageConformance(name: string, harness: StorageHarness): void {
  const withStorage = (fn: (s: Storage) => Promise<void>) => async () => {
    const s = await harness.create();
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  };

  describe(`Storage conformance: ${name}`, () => {
    describe('studies', () => {
      it(
        'creates studies with distinct ids, names and directions',
        withStorage(async (s) => {
          const a = await s.createNewStudy([MINIMIZE], 'a');
          const b = await s.createNewStudy([MAXIMIZE, MINIMIZE], 'b');
          expect(a).not.toBe(b);
          expect(await s.getStudyIdFromName('a')).toBe(a);
          expect(await s.getStudyIdFromName('b')).toBe(b);
          expect(await s.getStudyNameFromId(b)).toBe('b');
          expect(await s.getStudyDirections(a)).toEqual([MINIMIZE]);
          expect(await s.getStudyDirections(b)).toEqual([MAXIMIZE, MINIMIZE]);
        }),
      );

      it(
        'rejects a duplicate name and an empty direction list, changing nothing',
        withStorage(async (s) => {
          await s.createNewStudy([MINIMIZE], 'same');
          expect(await code(s.createNewStudy([MAXIMIZE], 'same'))).toBe('duplicate');
          expect(await code(s.createNewStudy([], 'none'))).toBe('invalid-argument');
          const all = await s.getAllStudies();
          expect(all.map((x) => [x.studyName, [...x.directions]])).toEqual([['same', [MINIMIZE]]]);
        }),
      );

      it(
        'reports unknown study ids and names as not-found',
        withStorage(async (s) => {
          const id = (await s.createNewStudy([MINIMIZE], 'known')) + 1000;
          const calls: (() => Promise<unknown>)[] = [
            () => s.getStudyIdFromName('unknown'),
            () => s.getStudyNameFromId(id),
            () => s.getStudyDirections(id),
            () => s.getStudyUserAttrs(id),
            () => s.getStudySystemAttrs(id),
            () => s.setStudyUserAttr(id, 'k', 1),
            () => s.setStudySystemAttr(id, 'k', 1),
            () => s.deleteStudy(id),
            () => s.createNewTrial(id),
            () => s.getAllTrials(id),
            () => s.getTrialIdFromStudyIdTrialNumber(id, 0),
          ];
          for (const c of calls) expect(await code(c())).toBe('not-found');
        }),
      );

      it(
        'stores study attributes as JSON, last write wins, per study',
        withStorage(async (s) => {
          const a = await s.createNewStudy([MINIMIZE], 'a');
          const b = await s.createNewStudy([MINIMIZE], 'b');
          const nested = { list: [1, 2.5, 'x', null, true], obj: { deep: [{ k: false }] } };
          await s.setStudyUserAttr(a, 'cfg', nested);
          await s.setStudyUserAttr(a, 'n', 1);
          await s.setStudyUserAttr(a, 'n', 'two');
          await s.setStudySystemAttr(a, 'sys', [0.1, -3]);
          await s.setStudyUserAttr(b, 'n', 3);
          expect(await s.getStudyUserAttrs(a)).toEqual({ cfg: nested, n: 'two' });
          expect(await s.getStudySystemAttrs(a)).toEqual({ sys: [0.1, -3] });
          expect(await s.getStudyUserAttrs(b)).toEqual({ n: 3 });
          expect(await s.getStudySystemAttrs(b)).toEqual({});
          const got = await s.getStudyUserAttrs(a);
          got.n = 'mutated';
          expect((await s.getStudyUserAttrs(a)).n).toBe('two');
        }),
      );

      it(
        'deletes a study: gone from the list, name reusable, id not reused, others intact',
        withStorage(async (s) => {
          const a = await s.createNewStudy([MINIMIZE], 'a');
          const b = await s.createNewStudy([MINIMIZE], 'b');
          const tb = await s.createNewTrial(b);
          await s.createNewTrial(a);
          await s.deleteStudy(a);
          expect((await s.getAllStudies()).map((x) => x.studyName)).toEqual(['b']);
          expect(await code(s.getStudyNameFromId(a))).toBe('not-found');
          expect(await code(s.getAllTrials(a))).toBe('not-found');
          expect(await code(s.deleteStudy(a))).toBe('not-found');
          const a2 = await s.createNewStudy([MAXIMIZE], 'a');
          expect(a2).not.toBe(a);
          expect(a2).not.toBe(b);
          expect(await s.getAllTrials(a2)).toEqual([]);
          expect((await s.getTrial(tb)).number).toBe(0);
          expect((await s.getAllTrials(b)).map((t) => t.trialId)).toEqual([tb]);
        }),
      );

      it(
        'summarizes all studies: ids, names, directions, attributes, trial counts, earliest start',
        withStorage(async (s) => {
          const a = await s.createNewStudy([MINIMIZE], 'a');
          const b = await s.createNewStudy([MAXIMIZE], 'b');
          await s.setStudyUserAttr(b, 'owner', 'me');
          await s.createNewTrial(b, { state: WAITING, datetimeStart: null });
          await s.createNewTrial(b, {
            state: COMPLETE,
            values: [1],
            datetimeStart: '2024-05-01T10:00:00.000000',
            datetimeComplete: '2024-05-01T10:00:01.000000',
          });
          await s.createNewTrial(b, {
            state: COMPLETE,
            values: [2],
            datetimeStart: '2024-05-01T09:00:00.000000',
            datetimeComplete: '2024-05-01T09:00:01.000000',
          });
          const all = await s.getAllStudies();
          const byName = Object.fromEntries(all.map((x) => [x.studyName, x]));
          expect(byName.a).toMatchObject({
            studyId: a,
            directions: [MINIMIZE],
            nTrials: 0,
            datetimeStart: null,
            userAttrs: {},
          });
          expect(byName.b).toMatchObject({
            studyId: b,
            directions: [MAXIMIZE],
            nTrials: 3,
            userAttrs: { owner: 'me' },
          });
          expect(byName.b!.datetimeStart).toBe('2024-05-01T09:00:00.000000');
        }),
      );
    });

    describeTrialConformance(withStorage);

    if (harness.reopen !== undefined) {
      const reopen = harness.reopen.bind(harness);
      it('keeps everything across close and reopen; a RUNNING trial stays RUNNING', async () => {
        let s = await harness.create();
        const st = await s.createNewStudy([MAXIMIZE], 'durable');
        await s.setStudyUserAttr(st, 'k', { a: [1, NaN] });
        const t0 = await s.createNewTrial(st);
        await s.setTrialParam(t0, 'c', 3, C);
        await s.setTrialIntermediateValue(t0, 1, Infinity);
        await s.setTrialStateValues(t0, COMPLETE, [0.5]);
        const t1 = await s.createNewTrial(st);
        await s.setTrialParam(t1, 'lr', 0.02, LR);
        const beforeTrials = (await s.getAllTrials(st)).map(plain);
        const beforeAttrs = await s.getStudyUserAttrs(st);
        s = await reopen(s);
        try {
          const id = await s.getStudyIdFromName('durable');
          expect((await s.getAllTrials(id)).map(plain)).toEqual(beforeTrials);
          expect(await s.getStudyUserAttrs(id)).toEqual(beforeAttrs);
          expect((await s.getAllTrials(id)).map((t) => t.state)).toEqual([COMPLETE, RUNNING]);
          // The reopened storage continues numbering.
          const t2 = await s.createNewTrial(id);
          expect((await s.getTrial(t2)).number).toBe(2);
        } finally {
          await s.close();
        }
      });
    }

    if (harness.sibling !== undefined) {
      const sibling = harness.sibling.bind(harness);
      it('shares one study between two handles: both see every write, a WAITING trial is popped once', async () => {
        const a = await harness.create();
        const b = await sibling(a);
        try {
          const st = await a.createNewStudy([MINIMIZE], 'shared');
          expect(await b.getStudyIdFromName('shared')).toBe(st);
          expect(await code(b.createNewStudy([MINIMIZE], 'shared'))).toBe('duplicate');
          const w = await a.createNewTrial(st, { state: WAITING, datetimeStart: null });
          const [pa, pb] = await Promise.all([a.setTrialStateValues(w, RUNNING), b.setTrialStateValues(w, RUNNING)]);
          expect([pa, pb].filter(Boolean)).toHaveLength(1);
          const made = await Promise.all([
            ...Array.from({ length: 5 }, () => a.createNewTrial(st)),
            ...Array.from({ length: 5 }, () => b.createNewTrial(st)),
          ]);
          expect(new Set(made).size).toBe(10);
          await Promise.all(made.map((id, i) => (i % 2 ? a : b).setTrialStateValues(id, COMPLETE, [i])));
          const ta = (await a.getAllTrials(st)).map(plain);
          const tb = (await b.getAllTrials(st)).map(plain);
          expect(ta).toEqual(tb);
          expect(ta.map((t) => t.number)).toEqual([...Array(11).keys()]);
          expect(ta.filter((t) => t.state === COMPLETE)).toHaveLength(10);
          await b.setTrialStateValues(w, FAIL);
          expect(await code(a.setTrialUserAttr(w, 'late', 1))).toBe('trial-finished');
        } finally {
          await b.close();
          await a.close();
        }
      });
    }
  });
}
