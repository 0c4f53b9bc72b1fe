/**
 * optuna-dashboard's notes (study system attrs, trial notes keyed by trial id) follow their trials through
 * our exports (compact and full op log) and imports, where the trials get other ids.
 */
import { describe, expect, it } from 'vitest';
import {
  dashboardNotes,
  NoteConflictError,
  noteFromSystemAttrs,
  saveDashboardNote,
  TrialState,
  type Storage,
} from '../../../../src/engine/index.ts';
import { InMemoryStorage } from '../../../../src/engine/storages/in-memory.ts';
import {
  exportJournal,
  importJournal,
  JournalStorage,
  MemoryJournalBackend,
} from '../../../../src/engine/storages/journal/index.ts';

const F = { type: 'float', low: 0, high: 1, log: false, step: null } as const;
const trial = (v: number) => ({
  state: TrialState.COMPLETE,
  values: [v],
  paramsInternal: { x: v },
  distributions: { x: F },
});

/** Studies "a" and "b" with interleaved trials (ids a0=0, b0=1, a1=2, b1=3, a2=4) and notes on a1, b0 and a. */
async function source(): Promise<JournalStorage> {
  const s = new JournalStorage(new MemoryJournalBackend());
  const a = await s.createNewStudy([1], 'a');
  const b = await s.createNewStudy([1], 'b');
  for (let i = 0; i < 3; i++) {
    await s.createNewTrial(a, trial(i / 10));
    if (i < 2) await s.createNewTrial(b, trial(i / 5));
  }
  await saveDashboardNote(s, a, null, '# study a');
  await saveDashboardNote(s, a, 2, 'note on a#1');
  await saveDashboardNote(s, b, 1, 'note on b#0');
  await saveDashboardNote(s, b, 1, 'note on b#0, edited');
  return s;
}

async function notesByName(
  s: Storage,
): Promise<Record<string, { study: string | null; trials: Record<number, string> }>> {
  const out: Record<string, { study: string | null; trials: Record<number, string> }> = {};
  for (const st of await s.getAllStudies()) {
    const n = dashboardNotes(await s.getStudySystemAttrs(st.studyId), await s.getAllTrials(st.studyId));
    out[st.studyName] = { study: n.study, trials: Object.fromEntries(n.trials) };
  }
  return out;
}

const EXPECTED = {
  a: { study: '# study a', trials: { 1: 'note on a#1' } },
  b: { study: null, trials: { 0: 'note on b#0, edited' } },
};

describe('optuna-dashboard notes travel with their trials', () => {
  it('read where they were written', async () => {
    expect(await notesByName(await source())).toEqual(EXPECTED);
  });

  it.each(['compact', 'full'] as const)(
    'through a %s export and an import into a storage that already has trials',
    async (form) => {
      const text = await exportJournal(await source(), undefined, { form });
      // The export renumbers the trials study by study: a's are 0..2, b's 3..4.
      expect(text).toContain('"dashboard:1:note_ver"');
      expect(text).toContain('"dashboard:3:note_str:0"');
      for (const target of [new InMemoryStorage(), new JournalStorage(new MemoryJournalBackend())]) {
        const other = await target.createNewStudy([1], 'other');
        for (let i = 0; i < 4; i++) await target.createNewTrial(other, trial(i));
        await importJournal(text, target);
        const got = await notesByName(target);
        expect(got.a).toEqual(EXPECTED.a);
        expect(got.b).toEqual(EXPECTED.b);
        expect(got.other).toEqual({ study: null, trials: {} });
      }
    },
  );

  it('a long note in chunks of 2045 characters; a shorter save blanks the chunks it no longer needs', async () => {
    const s = new InMemoryStorage();
    const id = await s.createNewStudy([1], 's');
    await saveDashboardNote(s, id, null, 'x'.repeat(5000));
    expect(
      Object.keys(await s.getStudySystemAttrs(id)).filter((k) => k.startsWith('dashboard:note_str:')),
    ).toHaveLength(3);
    await saveDashboardNote(s, id, null, 'short');
    const attrs = await s.getStudySystemAttrs(id);
    expect(attrs['dashboard:note_str:2']).toBe('');
    expect(noteFromSystemAttrs(attrs, null)).toEqual({ version: 2, body: 'short' });
  });

  it('a save from an editor that read an older version is refused, as the dashboard answers 409', async () => {
    const s = new InMemoryStorage();
    const id = await s.createNewStudy([1], 's');
    expect(await saveDashboardNote(s, id, 7, 'first', { baseVersion: 0 })).toBe(1);
    expect(await saveDashboardNote(s, id, 7, 'second', { baseVersion: 1 })).toBe(2);
    const stale = saveDashboardNote(s, id, 7, 'from a tab opened at version 1', { baseVersion: 1 });
    await expect(stale).rejects.toBeInstanceOf(NoteConflictError);
    await expect(stale).rejects.toMatchObject({ current: { version: 2, body: 'second' } });
    expect(noteFromSystemAttrs(await s.getStudySystemAttrs(id), 7)).toEqual({ version: 2, body: 'second' });
    // The study's note has its own version.
    expect(await saveDashboardNote(s, id, null, 'study', { baseVersion: 0 })).toBe(1);
  });
});
