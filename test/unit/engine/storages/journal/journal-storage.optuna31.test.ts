/**
 * The journal written by python3-optuna 3.1.0 (fixture copied verbatim; format: docs/design/study-engine.md#journal-storage):
 * imported, checked against the values Optuna itself reports for it, re-exported in both forms and
 * re-imported with identical content.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  JournalStorage,
  MemoryJournalBackend,
  PYTHON_DEFAULT,
  exportJournal,
  exportStudyJournal,
  importJournal,
  parseJournal,
} from '../../../../../src/engine/storages/journal/index.ts';
import { InMemoryStorage } from '../../../../../src/engine/storages/in-memory.ts';
import { EngineError, TrialState } from '../../../../../src/engine/types.ts';
import { studyContent } from './content.ts';

const SAMPLE = readFileSync(new URL('../../../../fixtures/journal/optuna31-demo.log', import.meta.url), 'utf8');

const fresh = (): JournalStorage => new JournalStorage(new MemoryJournalBackend());

describe('Optuna 3.1 sample journal', () => {
  it('has the 26 records of the Optuna 3.1 sample', () => {
    expect(parseJournal(SAMPLE)).toHaveLength(26);
  });

  it('imports with the content Python Optuna 3.1 reports for it', async () => {
    const storage = fresh();
    const res = await importJournal(SAMPLE, storage);
    expect(res.studyNames).toEqual(['demo']);
    expect(res.skipped).toEqual([]);
    const id = res.studyIds[0]!;
    expect(await storage.getStudyDirections(id)).toEqual([1]);
    expect(await storage.getStudyUserAttrs(id)).toEqual({ owner: 'ts-app' });
    const trials = await storage.getAllTrials(id);
    // Printed by /usr/bin/python3 (optuna 3.1.0) for this file: number, state, values, params, ...
    expect(trials.map((t) => [t.number, t.state, t.values])).toEqual([
      [0, TrialState.COMPLETE, [0.669]],
      [1, TrialState.COMPLETE, [0.896]],
      [2, TrialState.PRUNED, [1.346]],
    ]);
    expect(trials.map((t) => t.params)).toEqual([
      { lr: 0.00031489116479568613, layers: 4, optimizer: 'adam' },
      { lr: 4.207988669606632e-5, layers: 1, optimizer: 'sgd' },
      { lr: 0.002537815508265664, layers: 3, optimizer: 'sgd' },
    ]);
    expect(trials.map((t) => t.userAttrs)).toEqual([{ note: 'trial0' }, { note: 'trial1' }, { note: 'trial2' }]);
    expect(trials.map((t) => [...t.intermediateValues])).toEqual([
      [
        [0, 1.669],
        [1, 1.169],
      ],
      [
        [0, 1.896],
        [1, 1.396],
      ],
      [
        [0, 1.846],
        [1, 1.346],
      ],
    ]);
    expect(trials.map((t) => [t.datetimeStart, t.datetimeComplete])).toEqual([
      ['2026-11-27T01:37:45.759740', '2026-11-27T01:37:45.763840'],
      ['2026-11-27T01:37:45.764389', '2026-11-27T01:37:45.767234'],
      ['2026-11-27T01:37:45.767722', '2026-11-27T01:37:45.770992'],
    ]);
    expect(trials[0]!.distributions).toEqual({
      lr: { type: 'float', low: 1e-5, high: 0.1, log: true, step: null },
      layers: { type: 'int', low: 1, high: 4, log: false, step: 1 },
      optimizer: { type: 'categorical', choices: ['adam', 'sgd'] },
    });
  });

  it('re-exports in compact form with the same content (every study, trial, param, value, attribute, state, datetime)', async () => {
    const a = fresh();
    await importJournal(SAMPLE, a);
    const text = await exportStudyJournal(a, 0);
    expect(text.endsWith('\n')).toBe(true);
    // Compact form: study, one study attr, one full template per trial.
    expect(parseJournal(text).map((op) => op.op_code)).toEqual([0, 2, 4, 4, 4]);
    const b = fresh();
    await importJournal(text, b);
    expect(await studyContent(b)).toEqual(await studyContent(a));
  });

  it('re-exports the full op log byte for byte (3.1 separators) from a journal-backed storage', async () => {
    const storage = new JournalStorage(MemoryJournalBackend.fromText(SAMPLE));
    expect(await exportJournal(storage, undefined, { form: 'full', style: PYTHON_DEFAULT })).toBe(SAMPLE);
    const compact = await exportJournal(storage, undefined, { form: 'full' });
    expect(compact.split('\n')[0]).toBe(
      '{"op_code":0,"worker_id":"d7979397-f518-405b-abc8-f4961e1e0e1a-140081993625664","study_name":"demo","directions":[1]}',
    );
    const b = fresh();
    await importJournal(compact, b);
    expect(await studyContent(b)).toEqual(await studyContent(storage));
  });
});

describe('import into a storage without bulk import (InMemoryStorage)', () => {
  it('imports the same content as into a journal', async () => {
    const mem = new InMemoryStorage();
    await importJournal(SAMPLE, mem);
    const j = fresh();
    await importJournal(SAMPLE, j);
    expect(await studyContent(mem)).toEqual(await studyContent(j));
  });

  it('rolls back a half-written import when the storage fails midway', async () => {
    const mem = new InMemoryStorage();
    await mem.createNewStudy([2], 'kept');
    let calls = 0;
    const failing = new Proxy(mem, {
      get(target, prop, receiver) {
        if (prop === 'createNewTrial') {
          return (...args: Parameters<InMemoryStorage['createNewTrial']>) => {
            if (++calls === 3) return Promise.reject(new EngineError('storage', 'disk full'));
            return target.createNewTrial(...args);
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await expect(importJournal(SAMPLE, failing)).rejects.toThrow('disk full');
    expect((await mem.getAllStudies()).map((s) => s.studyName)).toEqual(['kept']);
  });
});
