import { describe, expect, it } from 'vitest';
import {
  categoricalDistribution,
  EngineError,
  floatDistribution,
  InMemoryStorage,
  intDistribution,
  StudyDirection,
  TrialState,
} from '../../../../src/engine/index.ts';

const MIN = [StudyDirection.MINIMIZE];

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return (e as EngineError).code;
}

describe('InMemoryStorage', () => {
  it('studies: ids, names, directions, attributes, duplicates, not-found, delete', async () => {
    const s = new InMemoryStorage();
    const a = await s.createNewStudy(MIN, 'a');
    const b = await s.createNewStudy([StudyDirection.MAXIMIZE], 'b');
    expect([a, b]).toEqual([0, 1]);
    expect(await code(s.createNewStudy(MIN, 'a'))).toBe('duplicate');
    expect(await code(s.createNewStudy([], 'c'))).toBe('invalid-argument');
    expect(await s.getStudyIdFromName('b')).toBe(b);
    expect(await s.getStudyNameFromId(a)).toBe('a');
    expect(await s.getStudyDirections(b)).toEqual([StudyDirection.MAXIMIZE]);
    await s.setStudyUserAttr(a, 'k', [1, 2]);
    await s.setStudySystemAttr(a, 'sys', { x: null });
    expect(await s.getStudyUserAttrs(a)).toEqual({ k: [1, 2] });
    expect(await s.getStudySystemAttrs(a)).toEqual({ sys: { x: null } });
    await s.createNewTrial(a);
    const summaries = await s.getAllStudies();
    expect(summaries.map((x) => [x.studyName, x.nTrials])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    expect(summaries[0]?.datetimeStart).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    await s.deleteStudy(a);
    expect(await code(s.getStudyNameFromId(a))).toBe('not-found');
    expect(await code(s.getStudyIdFromName('a'))).toBe('not-found');
    expect(await code(s.getTrial(0))).toBe('not-found');
    expect(await s.createNewStudy(MIN, 'a')).toBe(2); // ids are never reused
  });

  it('trials: numbers per study, ids across the storage, RUNNING with a start time', async () => {
    const s = new InMemoryStorage();
    const a = await s.createNewStudy(MIN, 'a');
    const b = await s.createNewStudy(MIN, 'b');
    const ids = [await s.createNewTrial(a), await s.createNewTrial(b), await s.createNewTrial(a)];
    expect(ids).toEqual([0, 1, 2]);
    expect((await s.getTrial(2)).number).toBe(1);
    expect(await s.getTrialIdFromStudyIdTrialNumber(a, 1)).toBe(2);
    expect(await code(s.getTrialIdFromStudyIdTrialNumber(a, 5))).toBe('not-found');
    const t = await s.getTrial(0);
    expect(t.state).toBe(TrialState.RUNNING);
    expect(t.datetimeStart).not.toBeNull();
    expect(t.datetimeComplete).toBeNull();
  });

  it('snapshots never change; finished trials are immutable; RUNNING → RUNNING is refused', async () => {
    const s = new InMemoryStorage();
    const st = await s.createNewStudy(MIN, 'a');
    const id = await s.createNewTrial(st);
    const before = await s.getTrial(id);
    await s.setTrialParam(id, 'x', 0.5, floatDistribution(0, 1));
    await s.setTrialIntermediateValue(id, 0, 1.5);
    await s.setTrialUserAttr(id, 'u', 1);
    await s.setTrialSystemAttr(id, 'sys', 'v');
    expect(before.params).toEqual({});
    expect(before.intermediateValues.size).toBe(0);
    expect(await s.setTrialStateValues(id, TrialState.RUNNING)).toBe(false);
    expect(await s.setTrialStateValues(id, TrialState.COMPLETE, [0.25])).toBe(true);
    const done = await s.getTrial(id);
    expect(done).toMatchObject({
      state: TrialState.COMPLETE,
      values: [0.25],
      params: { x: 0.5 },
      userAttrs: { u: 1 },
      systemAttrs: { sys: 'v' },
    });
    expect(done.datetimeComplete).not.toBeNull();
    expect(await code(s.setTrialParam(id, 'y', 1, floatDistribution(0, 1)))).toBe('trial-finished');
    expect(await code(s.setTrialIntermediateValue(id, 1, 1))).toBe('trial-finished');
    expect(await code(s.setTrialUserAttr(id, 'u', 2))).toBe('trial-finished');
    expect(await code(s.setTrialSystemAttr(id, 'u', 2))).toBe('trial-finished');
    expect(await code(s.setTrialStateValues(id, TrialState.FAIL))).toBe('trial-finished');
  });

  it('WAITING trials: template without start time; popping sets RUNNING and the start time once', async () => {
    const s = new InMemoryStorage();
    const st = await s.createNewStudy(MIN, 'a');
    const id = await s.createNewTrial(st, { state: TrialState.WAITING, systemAttrs: { fixed_params: { x: 1 } } });
    const w = await s.getTrial(id);
    expect(w.state).toBe(TrialState.WAITING);
    expect(w.datetimeStart).toBeNull();
    expect(await s.setTrialStateValues(id, TrialState.RUNNING)).toBe(true);
    expect((await s.getTrial(id)).datetimeStart).not.toBeNull();
    expect(await s.setTrialStateValues(id, TrialState.RUNNING)).toBe(false);
    expect(await s.getAllTrials(st, [TrialState.WAITING])).toEqual([]);
  });

  it('templates: finished trials with params in internal form, validated', async () => {
    const s = new InMemoryStorage();
    const st = await s.createNewStudy(MIN, 'a');
    const c = categoricalDistribution(['adam', 'sgd']);
    const id = await s.createNewTrial(st, {
      state: TrialState.COMPLETE,
      values: [0.9],
      datetimeStart: '2024-05-01T10:00:00.000000',
      datetimeComplete: '2024-05-01T10:00:05.000000',
      paramsInternal: { opt: 1, n: 4 },
      distributions: { opt: c, n: intDistribution(1, 8) },
      intermediateValues: new Map([[0, 0.5]]),
      userAttrs: { k: [1, 2] },
    });
    const t = await s.getTrial(id);
    expect(t.params).toEqual({ opt: 'sgd', n: 4 });
    expect(t.datetimeComplete).toBe('2024-05-01T10:00:05.000000');
    expect([...t.intermediateValues]).toEqual([[0, 0.5]]);
    expect(await code(s.createNewTrial(st, { paramsInternal: { z: 1 } }))).toBe('invalid-argument');
    // Out-of-range numeric values are stored as Optuna stores them (an enqueued fixed param only warns).
    const outOfRange = await s.createNewTrial(st, {
      paramsInternal: { n: 20 },
      distributions: { n: intDistribution(1, 8) },
    });
    expect((await s.getTrial(outOfRange)).params).toEqual({ n: 20 });
    expect(await code(s.createNewTrial(st, { paramsInternal: { opt: 5 }, distributions: { opt: c } }))).toBe(
      'invalid-argument',
    );
    // Cross-trial compatibility applies to templates too.
    expect(
      await code(
        s.createNewTrial(st, { paramsInternal: { opt: 0 }, distributions: { opt: categoricalDistribution(['x']) } }),
      ),
    ).toBe('invalid-distribution');
  });

  it('param compatibility across the trials of a study (kind, log, choices), not across studies', async () => {
    const s = new InMemoryStorage();
    const a = await s.createNewStudy(MIN, 'a');
    const b = await s.createNewStudy(MIN, 'b');
    await s.setTrialParam(await s.createNewTrial(a), 'x', 1, floatDistribution(0, 2));
    const t2 = await s.createNewTrial(a);
    await s.setTrialParam(t2, 'x', 5, floatDistribution(0, 10)); // a new range is fine
    expect(await code(s.setTrialParam(t2, 'x', 1, intDistribution(0, 2)))).toBe('invalid-distribution');
    expect(
      await code(s.setTrialParam(await s.createNewTrial(a), 'x', 1, floatDistribution(0.5, 2, { log: true }))),
    ).toBe('invalid-distribution');
    await s.setTrialParam(await s.createNewTrial(b), 'x', 1, intDistribution(0, 2));
    expect(await s.getAllTrials(a)).toHaveLength(3);
  });

  it('attribute values are copied in', async () => {
    const s = new InMemoryStorage();
    const st = await s.createNewStudy(MIN, 'a');
    const id = await s.createNewTrial(st);
    const v = { list: [1] };
    await s.setTrialUserAttr(id, 'v', v);
    v.list.push(2);
    expect((await s.getTrial(id)).userAttrs['v']).toEqual({ list: [1] });
  });
});
