/**
 * IdbStorage on fake-indexeddb (Node has no Web Locks, so this is the transactions-only path):
 * the study library (rename, duplicate, delete), crash recovery, IndexedDB failures, export/import.
 * The same storage runs in real Chromium in test/browser/idb-storage.test.ts and test/e2e/idb-*.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { floatDistribution } from '../../../src/engine/distributions.ts';
import { EngineError, TrialState } from '../../../src/engine/types.ts';
import { failReasonOf } from '../../../src/engine/index.ts';
import {
  JournalStorage,
  MemoryJournalBackend,
  exportStudyJournal,
  importJournal,
  parseJournal,
} from '../../../src/engine/storages/journal/index.ts';
import { IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { studyContent } from '../engine/storages/journal/content.ts';

let n = 0;
const open = (name = `idb-test-${n++}`): Promise<IdbStorage> => IdbStorage.open(name);
const X = floatDistribution(0, 1);

async function seeded(s: IdbStorage, name = 'base'): Promise<number> {
  const st = await s.createNewStudy([1], name);
  await s.setStudyUserAttr(st, 'owner', 'me');
  for (let i = 0; i < 3; i++) {
    const t = await s.createNewTrial(st);
    await s.setTrialParam(t, 'x', i / 4, X);
    await s.setTrialIntermediateValue(t, 0, i === 1 ? NaN : i);
    await s.setTrialStateValues(t, i === 2 ? TrialState.PRUNED : TrialState.COMPLETE, [i]);
  }
  return st;
}

describe('study library', () => {
  it('renames a study; the new name is used everywhere and must be free', async () => {
    const s = await open();
    const a = await seeded(s, 'a');
    await s.createNewStudy([1], 'b');
    await expect(s.renameStudy(a, 'b')).rejects.toMatchObject({ code: 'duplicate' });
    await s.renameStudy(a, 'renamed');
    expect(await s.getStudyNameFromId(a)).toBe('renamed');
    expect(await s.getStudyIdFromName('renamed')).toBe(a);
    await expect(s.getStudyIdFromName('a')).rejects.toMatchObject({ code: 'not-found' });
    expect((await s.getAllStudies()).map((x) => x.studyName).sort()).toEqual(['b', 'renamed']);
    expect(parseJournal(await exportStudyJournal(s, a, { form: 'full' }))[0]).toMatchObject({
      op_code: 0,
      study_name: 'renamed',
    });
    await expect(s.renameStudy(99, 'x')).rejects.toMatchObject({ code: 'not-found' });
    await s.close();
  });

  it('duplicates a study with all its content; the copy is independent', async () => {
    const s = await open();
    const a = await seeded(s);
    const running = await s.createNewTrial(a);
    const copy = await s.duplicateStudy(a, 'copy');
    expect(copy).not.toBe(a);
    const [orig, dup] = await studyContent(s);
    expect(dup).toEqual({ ...orig, name: 'copy' });
    await s.setTrialStateValues(running, TrialState.FAIL);
    expect((await s.getAllTrials(copy))[3]!.state).toBe(TrialState.RUNNING);
    await expect(s.duplicateStudy(a, 'copy')).rejects.toMatchObject({ code: 'duplicate' });
    await s.close();
  });

  it('deletes a study everywhere at once; other handles get not-found, the name is free again', async () => {
    const name = `idb-test-${n++}`;
    const a = await open(name);
    const b = await open(name);
    const st = await seeded(a);
    const t = (await b.getAllTrials(st))[0]!.trialId;
    await a.deleteStudy(st);
    await expect(b.getAllTrials(st)).rejects.toMatchObject({ code: 'not-found' });
    await expect(b.setStudyUserAttr(st, 'k', 1)).rejects.toMatchObject({ code: 'not-found' });
    await expect(b.getTrial(t)).rejects.toMatchObject({ code: 'not-found' });
    const again = await b.createNewStudy([2], 'base');
    expect(again).not.toBe(st);
    expect(await a.getAllTrials(again)).toEqual([]);
    await a.close();
    await b.close();
  });
});

describe('crash recovery', () => {
  it('reports trials left RUNNING by a closed handle as stale and fails them; finished trials stay', async () => {
    const name = `idb-test-${n++}`;
    const crashed = await open(name);
    const st = await seeded(crashed);
    const orphan = await crashed.createNewTrial(st);
    await crashed.setTrialParam(orphan, 'x', 0.5, X);
    await crashed.close(); // the tab went away mid-trial
    const s = await open(name);
    const mine = await s.createNewTrial(st);
    const stale = await s.staleRunningTrials(st);
    expect(stale.map((t) => t.trialId)).toEqual([orphan]);
    expect(await s.failStaleTrials(st)).toEqual([3]);
    const trials = await s.getAllTrials(st);
    expect(trials.map((t) => t.state)).toEqual([
      TrialState.COMPLETE,
      TrialState.COMPLETE,
      TrialState.PRUNED,
      TrialState.FAIL,
      TrialState.RUNNING,
    ]);
    expect(trials[3]!.systemAttrs.fail_reason).toBeUndefined();
    expect(failReasonOf(trials[3]!, await s.getStudySystemAttrs(st))).toMatch(/^stale/);
    expect(trials[4]!.trialId).toBe(mine);
    expect(await s.staleRunningTrials(st)).toEqual([]);
    await s.close();
  });
});

describe('IndexedDB failures', () => {
  it('turns QuotaExceededError into a clear storage error and keeps the stored data intact', async () => {
    const name = `idb-test-${n++}`;
    const s = await open(name);
    const st = await seeded(s);
    const before = await studyContent(s);
    const proto = (globalThis as unknown as { IDBObjectStore: { prototype: { add: (...a: unknown[]) => unknown } } })
      .IDBObjectStore.prototype;
    const add = proto.add;
    proto.add = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    let err: unknown;
    try {
      await s.setTrialUserAttr((await s.getAllTrials(st))[0]!.trialId, 'k', 1).catch((e: unknown) => (err = e));
      const t = await s.createNewTrial(st).catch((e: unknown) => (err = e));
      expect(t).toBeInstanceOf(EngineError);
    } finally {
      proto.add = add;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('storage');
    expect((err as EngineError).message).toMatch(
      /IndexedDB quota exceeded while saving to study \d+.*stored studies are intact/,
    );
    await s.close();
    const reopened = await open(name);
    expect(await studyContent(reopened)).toEqual(before);
    // Writing works again once space is available.
    await reopened.createNewTrial(st);
    expect((await reopened.getAllTrials(st)).length).toBe(4);
    await reopened.close();
  });

  it('reports a closed database as a storage error naming the problem', async () => {
    const s = await open();
    const st = await s.createNewStudy([1], 'x');
    await s.close();
    await expect(s.createNewTrial(st)).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/IndexedDB InvalidStateError/),
    });
  });
});

describe('export and import', () => {
  it('exports both forms with the same content and imports all or nothing', async () => {
    const s = await open();
    const st = await seeded(s);
    for (const form of ['compact', 'full'] as const) {
      const j = new JournalStorage(new MemoryJournalBackend());
      await importJournal(await exportStudyJournal(s, st, { form }), j);
      expect(await studyContent(j)).toEqual(await studyContent(s));
    }
    const text = await exportStudyJournal(s, st);
    const other = await open();
    const res = await importJournal(text, other);
    expect(await studyContent(other)).toEqual(await studyContent(s));
    // A second study in the file clashes with an existing name: nothing of the file is imported.
    const two = text.replace('"base"', '"fresh"') + text;
    await expect(importJournal(two, other)).rejects.toMatchObject({ code: 'duplicate' });
    expect((await other.getAllStudies()).map((x) => x.studyName)).toEqual(['base']);
    expect(res.studyIds).toHaveLength(1);
    await s.close();
    await other.close();
  });
});
