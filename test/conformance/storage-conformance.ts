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
import { categoricalDistribution, floatDistribution, intDistribution } from '../../src/engine/distributions.ts';
import type { Storage } from '../../src/engine/storages/storage.ts';
import { EngineError, StudyDirection, TrialState, type FrozenTrial } from '../../src/engine/types.ts';

export interface StorageHarness {
  /** A fresh, empty storage. */
  create(): Promise<Storage>;
  /** Closes `s` and opens the same persisted data again (durable storages only). */
  reopen?(s: Storage): Promise<Storage>;
  /** A second, independent handle on the same data (another worker / tab / process). */
  sibling?(s: Storage): Promise<Storage>;
}

const { MINIMIZE, MAXIMIZE } = StudyDirection;
const { RUNNING, COMPLETE, PRUNED, FAIL, WAITING } = TrialState;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(\+00:00)?$/;

const X = floatDistribution(0, 10);
const LR = floatDistribution(1e-5, 0.1, { log: true });
const N = intDistribution(1, 8);
const C = categoricalDistribution(['adam', 'sgd', null, 3]);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return (e as EngineError).code;
  }
  throw new Error('expected the call to fail');
}

async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the call to fail');
}

/** Plain-data view of a trial for deep comparison. */
function plain(t: FrozenTrial) {
  return { ...t, intermediateValues: [...t.intermediateValues.entries()] };
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
      it('creates studies with distinct ids, names and directions', withStorage(async (s) => {
        const a = await s.createNewStudy([MINIMIZE], 'a');
        const b = await s.createNewStudy([MAXIMIZE, MINIMIZE], 'b');
        expect(a).not.toBe(b);
        expect(await s.getStudyIdFromName('a')).toBe(a);
        expect(await s.getStudyIdFromName('b')).toBe(b);
        expect(await s.getStudyNameFromId(b)).toBe('b');
        expect(await s.getStudyDirections(a)).toEqual([MINIMIZE]);
        expect(await s.getStudyDirections(b)).toEqual([MAXIMIZE, MINIMIZE]);
      }));

      it('rejects a duplicate name and an empty direction list, changing nothing', withStorage(async (s) => {
        await s.createNewStudy([MINIMIZE], 'same');
        expect(await code(s.createNewStudy([MAXIMIZE], 'same'))).toBe('duplicate');
        expect(await code(s.createNewStudy([], 'none'))).toBe('invalid-argument');
        const all = await s.getAllStudies();
        expect(all.map((x) => [x.studyName, [...x.directions]])).toEqual([['same', [MINIMIZE]]]);
      }));

      it('reports unknown study ids and names as not-found', withStorage(async (s) => {
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
      }));

      it('stores study attributes as JSON, last write wins, per study', withStorage(async (s) => {
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
      }));

      it('deletes a study: gone from the list, name reusable, id not reused, others intact', withStorage(async (s) => {
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
      }));

      it('summarizes all studies: ids, names, directions, attributes, trial counts, earliest start', withStorage(async (s) => {
        const a = await s.createNewStudy([MINIMIZE], 'a');
        const b = await s.createNewStudy([MAXIMIZE], 'b');
        await s.setStudyUserAttr(b, 'owner', 'me');
        await s.createNewTrial(b, { state: WAITING, datetimeStart: null });
        await s.createNewTrial(b, { state: COMPLETE, values: [1], datetimeStart: '2024-05-01T10:00:00.000000', datetimeComplete: '2024-05-01T10:00:01.000000' });
        await s.createNewTrial(b, { state: COMPLETE, values: [2], datetimeStart: '2024-05-01T09:00:00.000000', datetimeComplete: '2024-05-01T09:00:01.000000' });
        const all = await s.getAllStudies();
        const byName = Object.fromEntries(all.map((x) => [x.studyName, x]));
        expect(byName.a).toMatchObject({ studyId: a, directions: [MINIMIZE], nTrials: 0, datetimeStart: null, userAttrs: {} });
        expect(byName.b).toMatchObject({ studyId: b, directions: [MAXIMIZE], nTrials: 3, userAttrs: { owner: 'me' } });
        expect(byName.b!.datetimeStart).toBe('2024-05-01T09:00:00.000000');
      }));
    });

    describe('trials', () => {
      it('creates RUNNING trials: ids unique across studies, numbers 0.. per study, start time set', withStorage(async (s) => {
        const a = await s.createNewStudy([MINIMIZE], 'a');
        const b = await s.createNewStudy([MINIMIZE], 'b');
        const ids = [await s.createNewTrial(a), await s.createNewTrial(b), await s.createNewTrial(a), await s.createNewTrial(b)];
        expect(new Set(ids).size).toBe(4);
        expect((await s.getAllTrials(a)).map((t) => [t.trialId, t.number])).toEqual([[ids[0], 0], [ids[2], 1]]);
        expect((await s.getAllTrials(b)).map((t) => [t.trialId, t.number])).toEqual([[ids[1], 0], [ids[3], 1]]);
        expect(await s.getTrialIdFromStudyIdTrialNumber(a, 1)).toBe(ids[2]);
        expect(await code(s.getTrialIdFromStudyIdTrialNumber(a, 2))).toBe('not-found');
        const t = await s.getTrial(ids[0]!);
        expect(t).toMatchObject({ state: RUNNING, values: null, datetimeComplete: null, params: {}, distributions: {}, userAttrs: {}, systemAttrs: {} });
        expect(t.intermediateValues.size).toBe(0);
        expect(t.datetimeStart).toMatch(ISO);
      }));

      it('reports unknown trial ids as not-found', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const id = (await s.createNewTrial(st)) + 1000;
        const calls: (() => Promise<unknown>)[] = [
          () => s.getTrial(id),
          () => s.setTrialParam(id, 'x', 1, X),
          () => s.setTrialStateValues(id, COMPLETE, [1]),
          () => s.setTrialIntermediateValue(id, 0, 1),
          () => s.setTrialUserAttr(id, 'k', 1),
          () => s.setTrialSystemAttr(id, 'k', 1),
        ];
        for (const c of calls) expect(await code(c())).toBe('not-found');
      }));

      it('creates trials from full templates exactly (enqueue, copy and import use them)', withStorage(async (s) => {
        const st = await s.createNewStudy([MAXIMIZE], 'a');
        const iv = new Map([[0, 0.5], [3, NaN], [7, Infinity], [9, -Infinity]]);
        const id = await s.createNewTrial(st, {
          state: COMPLETE,
          values: [0.9],
          datetimeStart: '2024-05-01T10:00:00.000000',
          datetimeComplete: '2024-05-01T10:00:05.123456',
          paramsInternal: { x: 2.5, lr: 0.001, n: 3, c: 2 },
          distributions: { x: X, lr: LR, n: N, c: C },
          userAttrs: { k: [1, 2], s: 'NaN' },
          systemAttrs: { fixed_params: { x: 2.5 } },
          intermediateValues: iv,
        });
        const t = await s.getTrial(id);
        expect(t).toMatchObject({
          number: 0,
          state: COMPLETE,
          values: [0.9],
          datetimeStart: '2024-05-01T10:00:00.000000',
          datetimeComplete: '2024-05-01T10:00:05.123456',
          params: { x: 2.5, lr: 0.001, n: 3, c: null },
          distributions: { x: X, lr: LR, n: N, c: C },
          userAttrs: { k: [1, 2], s: 'NaN' },
          systemAttrs: { fixed_params: { x: 2.5 } },
        });
        expect([...t.intermediateValues.entries()]).toEqual([...iv.entries()]);
        const w = await s.getTrial(await s.createNewTrial(st, { state: WAITING, datetimeStart: null, systemAttrs: { fixed_params: { x: 1 } } }));
        expect(w).toMatchObject({ number: 1, state: WAITING, datetimeStart: null, datetimeComplete: null, values: null });
        const r = await s.getTrial(await s.createNewTrial(st, { state: RUNNING }));
        expect(r.state).toBe(RUNNING);
        expect(r.datetimeStart).toMatch(ISO);
        const f = await s.getTrial(await s.createNewTrial(st, { state: FAIL, values: null }));
        expect(f.datetimeComplete).toMatch(ISO);
      }));

      it('keeps template params outside their range (Optuna stores out-of-range enqueued values)', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const id = await s.createNewTrial(st, { state: COMPLETE, values: [1], paramsInternal: { x: 12 }, distributions: { x: X } });
        expect((await s.getTrial(id)).params).toEqual({ x: 12 });
      }));

      it('sets params in external form and enforces Optuna compatibility across trials', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const t0 = await s.createNewTrial(st);
        await s.setTrialParam(t0, 'x', 2.5, X);
        await s.setTrialParam(t0, 'n', 4, N);
        await s.setTrialParam(t0, 'c', 1, C);
        await s.setTrialParam(t0, 'lr', 0.01, LR);
        const t = await s.getTrial(t0);
        expect(t.params).toEqual({ x: 2.5, n: 4, c: 'sgd', lr: 0.01 });
        expect(t.distributions).toEqual({ x: X, n: N, c: C, lr: LR });
        const t1 = await s.createNewTrial(st);
        expect(await message(s.setTrialParam(t1, 'x', 1, intDistribution(0, 10)))).toBe(
          'Cannot set different distribution kind to the same parameter name.',
        );
        expect(await message(s.setTrialParam(t1, 'lr', 0.01, floatDistribution(1e-5, 0.1)))).toBe(
          'Cannot set different log configuration to the same parameter name.',
        );
        expect(await message(s.setTrialParam(t1, 'c', 0, categoricalDistribution(['adam', 'sgd'])))).toBe(
          'CategoricalDistribution does not support dynamic value space.',
        );
        expect(await code(s.setTrialParam(t1, 'c', 0, categoricalDistribution(['adam'])))).toBe('invalid-distribution');
        // Numeric low/high/step may change between trials.
        await s.setTrialParam(t1, 'x', 15, floatDistribution(0, 20));
        await s.setTrialParam(t1, 'n', 2, intDistribution(2, 6, { step: 2 }));
        expect((await s.getTrial(t1)).params).toEqual({ x: 15, n: 2 });
        // A different study is independent.
        const other = await s.createNewStudy([MINIMIZE], 'b');
        const u = await s.createNewTrial(other);
        await s.setTrialParam(u, 'x', 1, intDistribution(0, 10));
        expect((await s.getTrial(u)).params).toEqual({ x: 1 });
      }));

      it('moves trials through their states; finished trials cannot change', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const t0 = await s.createNewTrial(st);
        await s.setTrialIntermediateValue(t0, 0, 1.5);
        expect(await s.setTrialStateValues(t0, COMPLETE, [0.25])).toBe(true);
        const done = await s.getTrial(t0);
        expect(done).toMatchObject({ state: COMPLETE, values: [0.25] });
        expect(done.datetimeComplete).toMatch(ISO);
        expect(done.datetimeComplete! >= done.datetimeStart!).toBe(true);
        const finishedCalls: (() => Promise<unknown>)[] = [
          () => s.setTrialStateValues(t0, FAIL),
          () => s.setTrialStateValues(t0, RUNNING),
          () => s.setTrialParam(t0, 'x', 1, X),
          () => s.setTrialIntermediateValue(t0, 1, 1),
          () => s.setTrialUserAttr(t0, 'k', 1),
          () => s.setTrialSystemAttr(t0, 'k', 1),
        ];
        for (const c of finishedCalls) expect(await code(c())).toBe('trial-finished');
        expect(plain(await s.getTrial(t0))).toEqual(plain(done));

        const pruned = await s.createNewTrial(st);
        expect(await s.setTrialStateValues(pruned, PRUNED, [3])).toBe(true);
        expect(await s.getTrial(pruned)).toMatchObject({ state: PRUNED, values: [3] });
        const failed = await s.createNewTrial(st);
        expect(await s.setTrialStateValues(failed, FAIL, null)).toBe(true);
        expect(await s.getTrial(failed)).toMatchObject({ state: FAIL, values: null });
        const multi = await s.createNewTrial(st);
        await s.setTrialStateValues(multi, COMPLETE, [1, Infinity]);
        expect((await s.getTrial(multi)).values).toEqual([1, Infinity]);
      }));

      it('pops a WAITING trial once: WAITING → RUNNING true, RUNNING → RUNNING false', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const w = await s.createNewTrial(st, { state: WAITING, datetimeStart: null });
        expect(await s.setTrialStateValues(w, RUNNING)).toBe(true);
        const popped = await s.getTrial(w);
        expect(popped.state).toBe(RUNNING);
        expect(popped.datetimeStart).toMatch(ISO);
        expect(await s.setTrialStateValues(w, RUNNING)).toBe(false);
        expect(plain(await s.getTrial(w))).toEqual(plain(popped));
        expect(await s.setTrialStateValues(w, WAITING)).toBe(true);
        expect((await s.getTrial(w)).state).toBe(WAITING);
      }));

      it('stores intermediate values by step (NaN and ±Infinity included), last write per step wins', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const t = await s.createNewTrial(st);
        await s.setTrialIntermediateValue(t, 0, 1);
        await s.setTrialIntermediateValue(t, 5, NaN);
        await s.setTrialIntermediateValue(t, 2, -Infinity);
        await s.setTrialIntermediateValue(t, 0, 0.5);
        const iv = (await s.getTrial(t)).intermediateValues;
        expect(iv.get(0)).toBe(0.5);
        expect(iv.get(5)).toBeNaN();
        expect(iv.get(2)).toBe(-Infinity);
        expect(iv.size).toBe(3);
      }));

      it('stores trial attributes, last write wins', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const t = await s.createNewTrial(st);
        await s.setTrialUserAttr(t, 'a', { nested: [1, 'x'] });
        await s.setTrialUserAttr(t, 'b', 1);
        await s.setTrialUserAttr(t, 'b', 2);
        await s.setTrialSystemAttr(t, 'fail_reason', 'boom "NaN"');
        const got = await s.getTrial(t);
        expect(got.userAttrs).toEqual({ a: { nested: [1, 'x'] }, b: 2 });
        expect(got.systemAttrs).toEqual({ fail_reason: 'boom "NaN"' });
      }));

      it('filters trials by state, in number order', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push(await s.createNewTrial(st));
        await s.setTrialStateValues(ids[1]!, COMPLETE, [1]);
        await s.setTrialStateValues(ids[3]!, COMPLETE, [2]);
        await s.setTrialStateValues(ids[4]!, PRUNED);
        expect((await s.getAllTrials(st, [COMPLETE])).map((t) => t.number)).toEqual([1, 3]);
        expect((await s.getAllTrials(st, [COMPLETE, PRUNED])).map((t) => t.number)).toEqual([1, 3, 4]);
        expect((await s.getAllTrials(st, [RUNNING])).map((t) => t.number)).toEqual([0, 2]);
        expect((await s.getAllTrials(st, [])).length).toBe(0);
        expect((await s.getAllTrials(st)).map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
      }));

      it('hands out snapshots that never change afterwards', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const id = await s.createNewTrial(st);
        await s.setTrialParam(id, 'x', 1, X);
        const before = await s.getTrial(id);
        const beforeAll = await s.getAllTrials(st);
        const copy = plain(before);
        await s.setTrialParam(id, 'n', 2, N);
        await s.setTrialUserAttr(id, 'k', 'v');
        await s.setTrialIntermediateValue(id, 0, 1);
        await s.setTrialStateValues(id, COMPLETE, [1]);
        expect(plain(before)).toEqual(copy);
        expect(plain(beforeAll[0]!)).toEqual(copy);
        // Changing a returned snapshot (where the runtime allows it) never reaches the storage.
        try {
          (before.params as Record<string, unknown>).x = 99;
        } catch {
          /* frozen: fine */
        }
        expect((await s.getTrial(id)).params.x).toBe(1);
      }));

      it('loses nothing under concurrent calls', withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const ids = await Promise.all(Array.from({ length: 12 }, () => s.createNewTrial(st)));
        expect(new Set(ids).size).toBe(12);
        await Promise.all(ids.map((id, i) => s.setTrialParam(id, 'x', i / 2, X)));
        await Promise.all(ids.map((id, i) => s.setTrialStateValues(id, COMPLETE, [i])));
        const trials = await s.getAllTrials(st);
        expect(trials.map((t) => t.number).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
        for (const t of trials) {
          const i = ids.indexOf(t.trialId);
          expect(t.params.x).toBe(i / 2);
          expect(t.values).toEqual([i]);
        }
      }));
    });

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
