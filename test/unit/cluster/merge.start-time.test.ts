/**
 * Optuna >= 4 writes a trial's start back from an RDB as UTC with an offset, where the app wrote a naive local
 * time: the grown journal's copy of a browser trial must still be recognized (not refused, not duplicated).
 */
import { describe, expect, it } from 'vitest';
import { planClusterMerge, startTimeKey } from '../../../src/cluster/merge.ts';
import { createStudy, RandomSampler } from '../../../src/engine/index.ts';
import {
  exportStudyJournal,
  JournalStorage,
  MemoryJournalBackend,
} from '../../../src/engine/storages/journal/index.ts';
import { CONFIG_ATTR } from '../../../src/state/study-meta.ts';
import { smokeStudyConfig, suggestAll } from '../../../src/study-config/index.ts';

describe('cluster merge: start times through an RDB', () => {
  it('keeps the quarter-hour remainder, seconds and microseconds', () => {
    expect(startTimeKey('2026-12-07T09:35:59.982')).toBe('5:59.982000');
    expect(startTimeKey('2026-12-07T09:35:59.982000+00:00')).toBe('5:59.982000');
    // A node two and a quarter hours east of UTC read the naive time as its own.
    expect(startTimeKey('2026-12-07T07:20:59.982000+00:00')).toBe('5:59.982000');
    expect(startTimeKey('2026-12-07T09:36:59.982000+00:00')).not.toBe(startTimeKey('2026-12-07T09:35:59.982'));
    expect(startTimeKey(null)).toBeNull();
  });

  it("recognizes the browser's trial in an Optuna 5 journal exported from an RDB", async () => {
    const config = smokeStudyConfig();
    const storage = new JournalStorage(new MemoryJournalBackend());
    const study = await createStudy({ studyName: config.name, storage, sampler: new RandomSampler({ seed: 5 }) });
    await storage.setStudyUserAttr(study.studyId, CONFIG_ATTR, config as never);
    const trial = await study.ask();
    await suggestAll(trial, config);
    await study.tell(trial, 1.5);
    const text = await exportStudyJournal(storage, study.studyId);
    const naive = /"datetime_start":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)"/.exec(text);
    expect(naive).not.toBeNull();
    // As Optuna 5.0's copy_study writes it from SQLite on a node in UTC+02:15.
    const shifted = new Date(new Date(`${naive![1]}Z`).getTime() - (2 * 60 + 15) * 60_000)
      .toISOString()
      .replace('Z', '');
    const optuna5 = text.replace(
      `"datetime_start":"${naive![1]}"`,
      `"datetime_start":"${shifted.padEnd(26, '0')}+00:00"`,
    );
    expect(optuna5).not.toBe(text);
    const target = {
      name: config.name,
      userAttrs: await storage.getStudyUserAttrs(study.studyId),
      trials: await storage.getAllTrials(study.studyId),
    };
    const plan = planClusterMerge(target, optuna5);
    expect(plan.alreadyPresent).toBe(1);
    expect(plan.newTrials).toEqual([]);
  });
});
