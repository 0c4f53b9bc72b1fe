/**
 * Trial part of the storage conformance suite (see storage-conformance.ts): creation, templates,
 * params and Optuna's compatibility rules, state transitions, reports, attributes, filters,
 * snapshot immutability and concurrent calls. Browser-safe: imports nothing from Node.
 */
import { describe, expect, it } from 'vitest';
import { categoricalDistribution, floatDistribution, intDistribution } from '../../src/engine/distributions.ts';
import type { Storage } from '../../src/engine/storages/storage.ts';
import { EngineError, StudyDirection, TrialState, type FrozenTrial } from '../../src/engine/types.ts';

export const { MINIMIZE, MAXIMIZE } = StudyDirection;
export const { RUNNING, COMPLETE, PRUNED, FAIL, WAITING } = TrialState;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(\+00:00)?$/;

export const X = floatDistribution(0, 10);
export const LR = floatDistribution(1e-5, 0.1, { log: true });
export const N = intDistribution(1, 8);
export const C = categoricalDistribution(['adam', 'sgd', null, 3]);

export async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return (e as EngineError).code;
  }
  throw new Error('expected the call to fail');
}

export async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the call to fail');
}

/** Plain-data view of a trial for deep comparison. */
export function plain(t: FrozenTrial) {
  return { ...t, intermediateValues: [...t.intermediateValues.entries()] };
}

/** Registers the trial tests; `withStorage` runs a test body on a fresh storage and closes it. */
export function describeTrialConformance(
  withStorage: (fn: (s: Storage) => Promise<void>) => () => Promise<void>,
): void {
  describe('trials', () => {
    it(
      'creates RUNNING trials: ids unique across studies, numbers 0.. per study, start time set',
      withStorage(async (s) => {
        const a = await s.createNewStudy([MINIMIZE], 'a');
        const b = await s.createNewStudy([MINIMIZE], 'b');
        const ids = [
          await s.createNewTrial(a),
          await s.createNewTrial(b),
          await s.createNewTrial(a),
          await s.createNewTrial(b),
        ];
        expect(new Set(ids).size).toBe(4);
        expect((await s.getAllTrials(a)).map((t) => [t.trialId, t.number])).toEqual([
          [ids[0], 0],
          [ids[2], 1],
        ]);
        expect((await s.getAllTrials(b)).map((t) => [t.trialId, t.number])).toEqual([
          [ids[1], 0],
          [ids[3], 1],
        ]);
        expect(await s.getTrialIdFromStudyIdTrialNumber(a, 1)).toBe(ids[2]);
        expect(await code(s.getTrialIdFromStudyIdTrialNumber(a, 2))).toBe('not-found');
        const t = await s.getTrial(ids[0]!);
        expect(t).toMatchObject({
          state: RUNNING,
          values: null,
          datetimeComplete: null,
          params: {},
          distributions: {},
          userAttrs: {},
          systemAttrs: {},
        });
        expect(t.intermediateValues.size).toBe(0);
        expect(t.datetimeStart).toMatch(ISO);
      }),
    );

    it(
      'reports unknown trial ids as not-found',
      withStorage(async (s) => {
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
      }),
    );

    it(
      'creates trials from full templates exactly (enqueue, copy and import use them)',
      withStorage(async (s) => {
        const st = await s.createNewStudy([MAXIMIZE], 'a');
        const iv = new Map([
          [0, 0.5],
          [3, NaN],
          [7, Infinity],
          [9, -Infinity],
        ]);
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
        const w = await s.getTrial(
          await s.createNewTrial(st, { state: WAITING, datetimeStart: null, systemAttrs: { fixed_params: { x: 1 } } }),
        );
        expect(w).toMatchObject({
          number: 1,
          state: WAITING,
          datetimeStart: null,
          datetimeComplete: null,
          values: null,
        });
        const r = await s.getTrial(await s.createNewTrial(st, { state: RUNNING }));
        expect(r.state).toBe(RUNNING);
        expect(r.datetimeStart).toMatch(ISO);
        const f = await s.getTrial(await s.createNewTrial(st, { state: FAIL, values: null }));
        expect(f.datetimeComplete).toMatch(ISO);
      }),
    );

    it(
      'keeps template params outside their range (Optuna stores out-of-range enqueued values)',
      withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const id = await s.createNewTrial(st, {
          state: COMPLETE,
          values: [1],
          paramsInternal: { x: 12 },
          distributions: { x: X },
        });
        expect((await s.getTrial(id)).params).toEqual({ x: 12 });
      }),
    );

    it(
      'sets params in external form and enforces Optuna compatibility across trials',
      withStorage(async (s) => {
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
      }),
    );

    it(
      'moves trials through their states; finished trials cannot change',
      withStorage(async (s) => {
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
      }),
    );

    it(
      'pops a WAITING trial once: WAITING → RUNNING true, RUNNING → RUNNING false',
      withStorage(async (s) => {
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
      }),
    );

    it(
      'stores intermediate values by step (NaN and ±Infinity included), last write per step wins',
      withStorage(async (s) => {
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
      }),
    );

    it(
      'stores trial attributes, last write wins',
      withStorage(async (s) => {
        const st = await s.createNewStudy([MINIMIZE], 'a');
        const t = await s.createNewTrial(st);
        await s.setTrialUserAttr(t, 'a', { nested: [1, 'x'] });
        await s.setTrialUserAttr(t, 'b', 1);
        await s.setTrialUserAttr(t, 'b', 2);
        await s.setTrialSystemAttr(t, 'fail_reason', 'boom "NaN"');
        const got = await s.getTrial(t);
        expect(got.userAttrs).toEqual({ a: { nested: [1, 'x'] }, b: 2 });
        expect(got.systemAttrs).toEqual({ fail_reason: 'boom "NaN"' });
      }),
    );

    it(
      'filters trials by state, in number order',
      withStorage(async (s) => {
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
      }),
    );

    it(
      'hands out snapshots that never change afterwards',
      withStorage(async (s) => {
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
      }),
    );

    it(
      'loses nothing under concurrent calls',
      withStorage(async (s) => {
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
      }),
    );
  });
}
