/**
 * Results' trial filter and notes as state, on the app's IndexedDB storage (fake-indexeddb): the filtered
 * trials feed the importances too; a filter on a parameter the study lacks is dropped with a notice;
 * notes are saved under optuna-dashboard's keys, a second editor working from an older version is refused
 * with the stored note, and the notes survive a reload of the study.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { floatDistribution, TrialState, type TrialTemplate } from '../../../src/engine/index.ts';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { ModelStore } from '../../../src/persistence/model-store.ts';
import { createStudyFromConfig } from '../../../src/state/study-meta.ts';
import { StudyResults, type ImportanceSource } from '../../../src/state/study-results.svelte.ts';
import { smokeStudyConfig } from '../../../src/study-config/index.ts';

let storage: IdbStorage;
let models: ModelStore;
const fanova: ImportanceSource = { importances: () => new Promise(() => {}) };

beforeEach(async () => {
  storage = await openIdbStorage(`filters-${Math.random()}`);
  models = await ModelStore.open(`models-${Math.random()}`);
});
afterEach(async () => {
  await storage.close();
  models.close();
});

function trial(i: number, state: TrialState, value: number | null): TrialTemplate {
  return {
    state,
    values: value === null ? null : [value],
    datetimeStart: '2026-12-07T08:00:00.000000',
    datetimeComplete: '2026-12-07T08:10:00.000000',
    paramsInternal: { dropout: i / 10, lr: i / 100 },
    distributions: { dropout: floatDistribution(0, 1), lr: floatDistribution(0, 1) },
  };
}

async function study(): Promise<number> {
  const id = await createStudyFromConfig(storage, { ...smokeStudyConfig(), name: 'filters' });
  const states = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE];
  for (const [i, s] of states.entries())
    await storage.createNewTrial(id, trial(i, s, s === TrialState.COMPLETE ? 1 - i / 10 : null));
  return id;
}

it('the filter narrows the shown trials and the importances follow them', async () => {
  const r = new StudyResults(storage, models, fanova);
  const id = await study();
  await r.load(id);
  expect(r.shown.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
  const imp = r.importance;
  expect(imp !== null && 'ok' in imp && imp.ok).toBe(true);
  r.setFilterQuery('state=COMPLETE,PRUNED&p.dropout=..0.25&p.nope=1..2');
  expect(r.shown.map((t) => t.number)).toEqual([0, 1, 2]);
  expect(r.filter.total).toBe(5);
  expect(r.filter.notices).toEqual(['Ignored the filter on “nope”: no trial of this study has that parameter.']);
  // PED-ANOVA on 2 completed trials still works; top=best leaves one, so it says why there are none.
  r.setFilterQuery('top=best');
  expect(r.shown.map((t) => t.number)).toEqual([4]);
  expect(r.importance).toMatchObject({ ok: false, reason: expect.stringMatching(/has 1\)/) });
  r.setFilterQuery('');
  expect(r.filter.active).toBe(false);
  expect(r.importance).toMatchObject({ ok: true });
});

it('notes: saved under optuna-dashboard keys, conflicts refused, read again on reload', async () => {
  const r = new StudyResults(storage, models, fanova);
  const id = await study();
  await r.load(id);
  expect(r.notes.study).toEqual({ version: 0, body: '' });
  expect(await r.notes.save(null, '# Study', 0)).toBeNull();
  expect(await r.notes.save(2, 'trial *two*', 0)).toBeNull();
  expect(r.notes.study).toEqual({ version: 1, body: '# Study' });
  expect(r.notes.trial(2)).toEqual({ version: 1, body: 'trial *two*' });
  expect(r.notes.trialsWithNotes).toEqual([2]);
  const attrs = await storage.getStudySystemAttrs(id);
  const trialId = (await storage.getAllTrials(id))[2]!.trialId;
  expect(attrs['dashboard:note_ver']).toBe(1);
  expect(attrs[`dashboard:${trialId}:note_str:0`]).toBe('trial *two*');

  // Another tab saved version 2 meanwhile; this editor still works from version 1.
  const other = new StudyResults(storage, models, fanova);
  await other.load(id);
  expect(await other.notes.save(null, 'from the other tab', 1)).toBeNull();
  const problem = await r.notes.save(null, 'stale edit', 1);
  expect(problem?.message).toMatch(/saved elsewhere \(version 2\)/);
  expect(problem?.current).toEqual({ version: 2, body: 'from the other tab' });
  expect(r.notes.study).toEqual({ version: 2, body: 'from the other tab' });
  expect(await r.notes.save(7, 'x', 0)).toEqual({ message: 'This study has no trial 7.', current: null });

  const fresh = new StudyResults(storage, models, fanova);
  await fresh.load(id);
  expect(fresh.notes.study.body).toBe('from the other tab');
  expect(fresh.notes.trial(2).body).toBe('trial *two*');
});
