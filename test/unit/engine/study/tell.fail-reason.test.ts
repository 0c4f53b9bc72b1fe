/**
 * Where a FAIL trial's reason lives. Optuna 3.1 and 4.9 write no reason at all, so the engine keeps it
 * as the app's own study-level metadata rather than a trial system attribute that Optuna's
 * trials_dataframe would list as an unknown column; journals written before still show theirs.
 */
import { describe, expect, it } from 'vitest';
import {
  createStudy,
  exportStudyJournal,
  FAIL_REASON_PREFIX,
  failReasonOf,
  floatDistribution,
  importJournal,
  InMemoryStorage,
  JournalStorage,
  MemoryJournalBackend,
  setWarningHandler,
  TrialState,
  withFailReasons,
} from '../../../../src/engine/index.ts';

describe('fail reasons', () => {
  it('are recorded per trial number in the study system attributes, not on the trial', async () => {
    const storage = new InMemoryStorage();
    const study = await createStudy({ storage, studyName: 'f' });
    const previous = setWarningHandler(() => undefined);
    try {
      await study.optimize(
        async (t) => {
          await t.suggestFloat('x', 0, 1);
          throw new Error('diverged');
        },
        { nTrials: 1, catch: () => true },
      );
    } finally {
      setWarningHandler(previous);
    }
    const [t] = await storage.getAllTrials(study.studyId);
    expect(t!.state).toBe(TrialState.FAIL);
    expect(t!.systemAttrs).toEqual({});
    const attrs = await storage.getStudySystemAttrs(study.studyId);
    expect(attrs[`${FAIL_REASON_PREFIX}0`]).toBe('diverged');
    expect(failReasonOf(t!, attrs)).toBe('diverged');
    expect(withFailReasons([t!], attrs)[0]!.systemAttrs['fail_reason']).toBe('diverged');
    // ...and travel with an export.
    const back = new JournalStorage(new MemoryJournalBackend());
    await importJournal(await exportStudyJournal(storage, study.studyId), back);
    expect(failReasonOf((await back.getAllTrials(0))[0]!, await back.getStudySystemAttrs(0))).toBe('diverged');
  });

  it('of older journals, kept as the trial attribute fail_reason, still show', async () => {
    const storage = new InMemoryStorage();
    const id = await storage.createNewStudy([1], 'old');
    const tid = await storage.createNewTrial(id);
    await storage.setTrialParam(tid, 'x', 0.5, floatDistribution(0, 1));
    await storage.setTrialSystemAttr(tid, 'fail_reason', 'stale: still RUNNING when the study was reopened');
    await storage.setTrialStateValues(tid, TrialState.FAIL);
    const [t] = await storage.getAllTrials(id);
    expect(failReasonOf(t!, {})).toBe('stale: still RUNNING when the study was reopened');
    expect(withFailReasons([t!], {})[0]).toBe(t);
  });
});
