/**
 * Journal format edge cases from docs/design/study-engine.md#journal-storage: the enqueued WAITING example, the compact export
 * form, NaN/±Infinity tokens, torn last lines, malformed input (error names the line, storage
 * untouched) and the writer's exact output.
 */
import { describe, expect, it } from 'vitest';
import { floatDistribution } from '../../../../../src/engine/distributions.ts';
import { distributionToJson } from '../../../../../src/engine/distribution-json.ts';
import {
  JournalStorage,
  MemoryJournalBackend,
  importJournal,
  parseJournal,
  parseJournalDetailed,
  serializeOp,
  exportStudyJournal,
} from '../../../../../src/engine/storages/journal/index.ts';
import { EngineError, TrialState } from '../../../../../src/engine/types.ts';
import { studyContent } from './content.ts';

const fresh = (): JournalStorage => new JournalStorage(new MemoryJournalBackend());
const lines = (...xs: string[]): string => xs.map((x) => x + '\n').join('');

const ENQUEUED = lines(
  '{"op_code": 0, "worker_id": "w", "study_name": "enq", "directions": [1]}',
  '{"op_code": 4, "worker_id": "…", "study_id": 0, "datetime_start": null, "state": 4, "value": null, "values": null, "distributions": {}, "params": {}, "user_attrs": {}, "system_attrs": {"fixed_params": {"lr": 0.001, "layers": 2, "optimizer": "adam"}}, "intermediate_values": {}}',
  '{"op_code": 6, "worker_id": "…", "trial_id": 0, "state": 0, "values": null, "datetime_start": "2026-11-27T01:37:38.763892"}',
);

const COMPACT_FORM = lines(
  '{"op_code":0,"worker_id":"ts-app-export","study_name":"exported","directions":[2]}',
  '{"op_code":4,"worker_id":"ts-app-export","study_id":0,"datetime_start":"2024-05-01T10:00:00.000000","datetime_complete":"2024-05-01T10:00:05.000000","state":1,"value":0.9,"values":null,"distributions":{"x":"{\\"name\\": \\"FloatDistribution\\", \\"attributes\\": {\\"step\\": null, \\"low\\": 0.0001, \\"high\\": 1.0, \\"log\\": true}}"},"params":{"x":0.01},"user_attrs":{"k":[1,2]},"system_attrs":{},"intermediate_values":{"0":0.5,"1":0.8}}',
  '{"op_code":4,"worker_id":"ts-app-export","study_id":0,"datetime_start":"2024-05-01T10:01:00.000000"}',
  '{"op_code":7,"worker_id":"ts-app-export","trial_id":1,"step":0,"intermediate_value":NaN}',
  '{"op_code":6,"worker_id":"ts-app-export","trial_id":1,"state":2,"values":null,"datetime_complete":"2024-05-01T10:01:02.500000"}',
);

describe('spec examples', () => {
  it('replays the 3.1 enqueued trial: WAITING template, then popped to RUNNING', async () => {
    const s = fresh();
    await importJournal(ENQUEUED.split('\n').slice(0, 2).join('\n') + '\n', s);
    const [w] = await s.getAllTrials(0);
    expect(w).toMatchObject({
      state: TrialState.WAITING,
      datetimeStart: null,
      systemAttrs: { fixed_params: { lr: 0.001, layers: 2, optimizer: 'adam' } },
    });
    const s2 = fresh();
    await importJournal(ENQUEUED, s2);
    const [r] = await s2.getAllTrials(0);
    expect(r).toMatchObject({ state: TrialState.RUNNING, datetimeStart: '2026-11-27T01:37:38.763892', values: null });
  });

  it('reads the compact export form', async () => {
    const s = fresh();
    const res = await importJournal(COMPACT_FORM, s);
    expect(res.studyNames).toEqual(['exported']);
    expect(await s.getStudyDirections(0)).toEqual([2]);
    const [t0, t1] = await s.getAllTrials(0);
    expect(t0).toMatchObject({
      state: TrialState.COMPLETE,
      values: [0.9],
      params: { x: 0.01 },
      distributions: { x: floatDistribution(0.0001, 1, { log: true }) },
      userAttrs: { k: [1, 2] },
      datetimeComplete: '2024-05-01T10:00:05.000000',
    });
    expect([...t0!.intermediateValues]).toEqual([
      [0, 0.5],
      [1, 0.8],
    ]);
    expect(t1).toMatchObject({
      state: TrialState.PRUNED,
      values: null,
      datetimeComplete: '2024-05-01T10:01:02.500000',
    });
    expect(t1!.intermediateValues.get(0)).toBeNaN();
    // And our own compact export of it reads back identically.
    const again = fresh();
    await importJournal(await exportStudyJournal(s, 0), again);
    expect(await studyContent(again)).toEqual(await studyContent(s));
  });
});

describe('NaN and ±Infinity', () => {
  it('keeps bare tokens as numbers and strings containing them as strings', async () => {
    const s = fresh();
    const st = await s.createNewStudy([1], 'nan');
    await s.setStudyUserAttr(st, 'text', 'NaN, Infinity, -Infinity and "NaN"');
    await s.setStudyUserAttr(st, 'nums', [NaN, Infinity, -Infinity]);
    const t = await s.createNewTrial(st);
    await s.setTrialIntermediateValue(t, 0, NaN);
    await s.setTrialIntermediateValue(t, 1, -Infinity);
    await s.setTrialUserAttr(t, 'NaN', 'Infinity');
    await s.setTrialStateValues(t, TrialState.COMPLETE, [Infinity]);
    const text = (s.backend as MemoryJournalBackend).text();
    expect(text).toContain('"intermediate_value":NaN');
    expect(text).toContain('"values":[Infinity]');
    expect(text).toContain('"user_attr":{"nums":[NaN,Infinity,-Infinity]}');
    const b = fresh();
    await importJournal(text, b);
    expect(await studyContent(b)).toEqual(await studyContent(s));
    expect(await b.getStudyUserAttrs(0)).toMatchObject({ text: 'NaN, Infinity, -Infinity and "NaN"' });
    expect((await b.getTrial(0)).userAttrs).toEqual({ NaN: 'Infinity' });
  });
});

describe('torn last line', () => {
  it('ignores a final line without "\\n" (even valid JSON), as Optuna does', async () => {
    const full = COMPACT_FORM;
    const torn = full + '{"op_code":8,"worker_id":"w","trial_id":0,"user_attr":{"late":1}}';
    const parsed = parseJournalDetailed(torn);
    expect(parsed.ops).toHaveLength(5);
    expect(parsed.tornTail).toContain('"late"');
    const half = full.slice(0, full.length - 30); // cut inside the last record
    expect(parseJournal(half)).toHaveLength(4);
    const s = fresh();
    const res = await importJournal(half, s);
    expect(res.tornTail).not.toBeNull();
    expect((await s.getAllTrials(0))[1]!.state).toBe(TrialState.RUNNING);
  });

  it('reads \\r\\n line ends and skips blank lines', () => {
    expect(parseJournal(COMPACT_FORM.replaceAll('\n', '\r\n'))).toHaveLength(5);
    expect(parseJournal('\n' + COMPACT_FORM + '\n\n')).toHaveLength(5);
  });
});

describe('malformed input: a clear error naming the line, nothing imported', () => {
  const base = lines(
    '{"op_code": 0, "worker_id": "w", "study_name": "m", "directions": [1]}',
    '{"op_code": 4, "worker_id": "w", "study_id": 0, "datetime_start": "2024-01-01T00:00:00.000000"}',
  );
  const dist = (json: string): string => JSON.stringify(json);
  const cases: [string, string, RegExp][] = [
    ['bad JSON', '{"op_code": 5, "worker_id": "w", "trial_id": 0,, }', /journal line 3: invalid JSON/],
    [
      'a lowercase nan',
      '{"op_code": 7, "worker_id": "w", "trial_id": 0, "step": 0, "intermediate_value": nan}',
      /line 3: invalid JSON: unexpected character "n" at column 82/,
    ],
    ['an op code that is not a number', '{"op_code": "4", "worker_id": "w"}', /line 3: unknown op_code "4"/],
    ['a negative op code', '{"op_code": -1, "worker_id": "w"}', /line 3: unknown op_code -1/],
    [
      'a missing field',
      '{"op_code": 7, "worker_id": "w", "trial_id": 0, "step": 0}',
      /line 3: missing field "intermediate_value"/,
    ],
    ['a missing worker_id', '{"op_code": 1, "study_id": 0}', /line 3: missing field "worker_id"/],
    [
      'a state out of range',
      '{"op_code": 6, "worker_id": "w", "trial_id": 0, "state": 7, "values": null}',
      /line 3: "state" must be a TrialState/,
    ],
    [
      'a finished state without datetime_complete',
      '{"op_code": 6, "worker_id": "w", "trial_id": 0, "state": 1, "values": [1]}',
      /line 3: missing field "datetime_complete"/,
    ],
    [
      'a bad datetime',
      '{"op_code": 6, "worker_id": "w", "trial_id": 0, "state": 0, "values": null, "datetime_start": "yesterday"}',
      /line 3: "datetime_start" must be an ISO datetime/,
    ],
    [
      'an invalid distribution (low > high)',
      `{"op_code": 5, "worker_id": "w", "trial_id": 0, "param_name": "x", "param_value_internal": 1.0, "distribution": ${dist('{"name": "FloatDistribution", "attributes": {"step": null, "low": 2.0, "high": 1.0, "log": false}}')}}`,
      /line 3: invalid distribution .*`low <= high` must hold, but got \(low=2(\.0)?, high=1(\.0)?\)/,
    ],
    [
      'an unknown distribution class',
      `{"op_code": 5, "worker_id": "w", "trial_id": 0, "param_name": "x", "param_value_internal": 1.0, "distribution": ${dist('{"name": "NormalDistribution", "attributes": {}}')}}`,
      /line 3: invalid distribution .*Unknown distribution class: NormalDistribution/,
    ],
    [
      'a categorical index out of range',
      `{"op_code": 5, "worker_id": "w", "trial_id": 0, "param_name": "c", "param_value_internal": 2, "distribution": ${dist('{"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b"]}}')}}`,
      /line 3: param "c": categorical index 2 is not in 0\.\.1/,
    ],
    [
      'a template param without distribution',
      '{"op_code": 4, "worker_id": "w", "study_id": 0, "datetime_start": null, "state": 4, "params": {"x": 1.0}, "distributions": {}}',
      /line 3: "params"."x" has no entry in "distributions"/,
    ],
    [
      'a study attr op with two keys',
      '{"op_code": 2, "worker_id": "w", "study_id": 0, "user_attr": {"a": 1, "b": 2}}',
      /line 3: "user_attr" must hold exactly one key, got 2/,
    ],
    ['a record that is not an object', '[1, 2, 3]', /line 3: a journal record must be a JSON object/],
  ];

  it.each(cases)('%s', async (_what, bad, message) => {
    const target = fresh();
    await importJournal(COMPACT_FORM, target);
    const before = await studyContent(target);
    const logBefore = (target.backend as MemoryJournalBackend).text();
    const text =
      base + bad + '\n' + lines('{"op_code": 0, "worker_id": "w", "study_name": "after", "directions": [1]}');
    let err: unknown;
    try {
      await importJournal(text, target);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('journal-format');
    expect((err as EngineError).message).toMatch(message);
    expect(await studyContent(target)).toEqual(before);
    expect((target.backend as MemoryJournalBackend).text()).toBe(logBefore);
  });

  it('refuses to import over an existing study name, writing nothing', async () => {
    const target = fresh();
    await importJournal(COMPACT_FORM, target);
    const logBefore = (target.backend as MemoryJournalBackend).text();
    const other = COMPACT_FORM.replace('"exported"', '"fresh"') + COMPACT_FORM.replace(/\n.*$/s, '\n');
    await expect(importJournal(other, target)).rejects.toMatchObject({ code: 'duplicate' });
    expect((target.backend as MemoryJournalBackend).text()).toBe(logBefore);
  });
});

describe('replay rules (Optuna JournalStorageReplayResult)', () => {
  const D = (low: number, high: number, log = false): string =>
    JSON.stringify(distributionToJson(floatDistribution(low, high, { log })));
  const journal = lines(
    '{"op_code":0,"worker_id":"a","study_name":"s0","directions":[1]}',
    '{"op_code":0,"worker_id":"b","study_name":"s0","directions":[2]}', // duplicate from another worker: ignored
    '{"op_code":0,"worker_id":"b","study_name":"s1","directions":[2]}', // gets study_id 1, not 2
    '{"op_code":4,"worker_id":"a","study_id":1,"datetime_start":"2024-01-01T00:00:00.000000"}', // trial_id 0, s1 #0
    '{"op_code":4,"worker_id":"a","study_id":0,"datetime_start":"2024-01-01T00:00:01.000000"}', // trial_id 1, s0 #0
    '{"op_code":4,"worker_id":"a","study_id":7,"datetime_start":"2024-01-01T00:00:01.000000"}', // unknown study: skipped, no id
    '{"op_code":4,"worker_id":"a","study_id":0,"datetime_start":null,"state":4,"value":null,"values":null,"distributions":{},"params":{},"user_attrs":{},"system_attrs":{},"intermediate_values":{}}', // trial_id 2, s0 #1
    '{"op_code":6,"worker_id":"a","trial_id":2,"state":0,"values":null,"datetime_start":"2024-01-01T00:00:02.000000"}',
    '{"op_code":6,"worker_id":"b","trial_id":2,"state":0,"values":null,"datetime_start":"2024-01-01T00:00:03.000000"}', // re-pop: rejected
    `{"op_code":5,"worker_id":"a","trial_id":1,"param_name":"x","param_value_internal":0.5,"distribution":${D(0, 1)}}`,
    `{"op_code":5,"worker_id":"b","trial_id":2,"param_name":"x","param_value_internal":0.5,"distribution":${D(0.1, 1, true)}}`, // log differs: skipped
    `{"op_code":5,"worker_id":"b","trial_id":2,"param_name":"x","param_value_internal":3,"distribution":${D(0, 5)}}`, // range may change
    '{"op_code":6,"worker_id":"a","trial_id":1,"state":1,"values":[1.5],"datetime_complete":"2024-01-01T00:00:04.000000"}',
    '{"op_code":8,"worker_id":"b","trial_id":1,"user_attr":{"late":true}}', // finished: skipped
    '{"op_code":7,"worker_id":"b","trial_id":99,"step":0,"intermediate_value":1}', // unknown trial: skipped
    '{"op_code":1,"worker_id":"b","study_id":1}',
    '{"op_code":2,"worker_id":"b","study_id":1,"user_attr":{"gone":1}}', // deleted study: skipped
    '{"op_code":0,"worker_id":"b","study_name":"s1","directions":[1]}', // name free again: study_id 2
    '{"op_code":4,"worker_id":"b","study_id":2,"datetime_start":"2024-01-01T00:00:05.000000"}', // trial_id 3
  );

  it('numbers studies by effective CREATE_STUDY, trials globally, and skips what Optuna skips', async () => {
    const s = new JournalStorage(MemoryJournalBackend.fromText(journal));
    expect((await s.getAllStudies()).map((x) => [x.studyId, x.studyName, [...x.directions]])).toEqual([
      [0, 's0', [1]],
      [2, 's1', [1]],
    ]);
    const s0 = await s.getAllTrials(0);
    expect(s0.map((t) => [t.trialId, t.number, t.state])).toEqual([
      [1, 0, TrialState.COMPLETE],
      [2, 1, TrialState.RUNNING],
    ]);
    expect(s0[0]).toMatchObject({ values: [1.5], params: { x: 0.5 }, userAttrs: {} });
    expect(s0[1]).toMatchObject({ datetimeStart: '2024-01-01T00:00:02.000000', params: { x: 3 } });
    expect((await s.getAllTrials(2)).map((t) => [t.trialId, t.number])).toEqual([[3, 0]]);
    expect(await s.getTrialIdFromStudyIdTrialNumber(2, 0)).toBe(3);
  });

  it('reports the skipped ops with their lines on import', async () => {
    const res = await importJournal(journal, fresh());
    expect(res.skipped.map((x) => x.line)).toEqual([2, 6, 9, 11, 14, 15, 17]);
    expect(res.skipped[2]!.reason).toMatch(/already RUNNING/);
    expect(res.skipped[3]!.reason).toBe('Cannot set different log configuration to the same parameter name.');
    expect(res.skipped[4]!.reason).toMatch(/has already finished/);
  });

  it('raises refused own ops and writes nothing for them', async () => {
    const backend = MemoryJournalBackend.fromText(journal);
    const s = new JournalStorage(backend, { workerId: 'a' });
    const n = backend.length;
    await expect(s.setTrialUserAttr(1, 'k', 1)).rejects.toMatchObject({
      code: 'trial-finished',
      message: 'Trial#0 has already finished and can not be updated.',
    });
    await expect(s.createNewStudy([1], 's0')).rejects.toMatchObject({ code: 'duplicate' });
    await expect(s.setTrialParam(2, 'x', 0.5, floatDistribution(0.1, 1, { log: true }))).rejects.toMatchObject({
      code: 'invalid-distribution',
    });
    await expect(s.setStudyUserAttr(1, 'k', 1)).rejects.toMatchObject({ code: 'not-found' });
    expect(await s.setTrialStateValues(2, TrialState.RUNNING)).toBe(false);
    expect(backend.length).toBe(n);
  });
});

describe('writer', () => {
  it('writes Optuna 4.x compact records with Python floats and 3.1-style nested distributions', () => {
    const dist = distributionToJson(floatDistribution(1e-5, 0.1, { log: true }));
    expect(
      serializeOp({
        op_code: 5,
        worker_id: 'w',
        trial_id: 3,
        param_name: 'lr',
        param_value_internal: 1,
        distribution: dist,
      }),
    ).toBe(
      '{"op_code":5,"worker_id":"w","trial_id":3,"param_name":"lr","param_value_internal":1.0,"distribution":"{\\"name\\": \\"FloatDistribution\\", \\"attributes\\": {\\"step\\": null, \\"low\\": 1e-05, \\"high\\": 0.1, \\"log\\": true}}"}',
    );
    const cat = '{"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b"]}}';
    expect(
      serializeOp({
        op_code: 5,
        worker_id: 'w',
        trial_id: 0,
        param_name: 'c',
        param_value_internal: 1,
        distribution: cat,
      }),
    ).toContain('"param_value_internal":1,');
    expect(
      serializeOp({
        op_code: 6,
        worker_id: 'w',
        trial_id: 0,
        state: 2,
        values: [NaN],
        datetime_complete: '2024-01-01T00:00:00.000000',
      }),
    ).toBe(
      '{"op_code":6,"worker_id":"w","trial_id":0,"state":2,"values":[NaN],"datetime_complete":"2024-01-01T00:00:00.000000"}',
    );
    expect(serializeOp({ op_code: 7, worker_id: 'w', trial_id: 0, step: 4, intermediate_value: -Infinity })).toBe(
      '{"op_code":7,"worker_id":"w","trial_id":0,"step":4,"intermediate_value":-Infinity}',
    );
    expect(serializeOp({ op_code: 0, worker_id: 'wé', study_name: 'ü', directions: [1, 2] })).toBe(
      '{"op_code":0,"worker_id":"w\\u00e9","study_name":"\\u00fc","directions":[1,2]}',
    );
  });

  it('stamps naive local datetimes with microseconds, strictly increasing', async () => {
    const s = fresh();
    const st = await s.createNewStudy([1], 'time');
    const t = await s.createNewTrial(st);
    await s.setTrialStateValues(t, TrialState.COMPLETE, [1]);
    const f = await s.getTrial(t);
    expect(f.datetimeStart).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(f.datetimeComplete! > f.datetimeStart!).toBe(true);
  });

  it('keeps a study aware (UTC "+00:00") when its imported datetimes are aware', async () => {
    const s = fresh();
    await importJournal(
      lines(
        '{"op_code":0,"worker_id":"w","study_name":"utc","directions":[1]}',
        '{"op_code":4,"worker_id":"w","study_id":0,"datetime_start":"2026-08-01T10:00:00.000000+00:00"}',
      ),
      s,
    );
    const t = await s.createNewTrial(0);
    expect((await s.getTrial(t)).datetimeStart).toMatch(/\+00:00$/);
  });
});
