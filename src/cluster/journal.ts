/**
 * The journal the cluster continues: the browser's study with its finished trials, in Optuna's compact
 * journal form. Running or waiting trials stay behind: no worker would ever finish them, and with
 * constant_liar a trial that stays RUNNING would count as a bad guess forever.
 */
import { isFinished, StudyDirection, type JsonValue } from '../engine/index.ts';
import {
  COMPACT,
  compactOps,
  EXPORT_WORKER_ID,
  journalNow,
  readJournalStudies,
  serializeJournal,
  type StudySnapshot,
} from '../engine/index.ts';
import type { StudyConfig } from '../study-config/index.ts';
import { ClusterError } from './types.ts';

/** The study user attribute under which the app keeps a study's configuration (src/state/study-meta.ts). */
export const CONFIG_ATTR = 'dmc_tune_config';

/** The study named like the configuration in a journal, or a new empty one. */
function studyFor(config: StudyConfig, journalText: string | null): StudySnapshot {
  if (journalText === null)
    return { name: config.name, directions: [StudyDirection.MINIMIZE], userAttrs: {}, systemAttrs: {}, trials: [] };
  const { studies } = readJournalStudies(journalText);
  const study = studies.find((s) => s.name === config.name);
  if (study === undefined) {
    const names = studies.map((s) => `"${s.name}"`).join(', ');
    throw new ClusterError(
      `the journal holds ${names === '' ? 'no study' : `study ${names}`}, not the configuration's study "${config.name}"`,
    );
  }
  return study;
}

export function clusterJournal(
  config: StudyConfig,
  journalText: string | null,
): { text: string; carried: number; leftOut: number } {
  const study = studyFor(config, journalText);
  const finished = study.trials.filter((t) => t.state !== undefined && isFinished(t.state));
  const snapshot: StudySnapshot = {
    ...study,
    // The configuration travels with the study, so the journal coming back still says what it is.
    userAttrs: { ...study.userAttrs, [CONFIG_ATTR]: config as unknown as JsonValue },
    trials: finished,
  };
  const text = serializeJournal(
    compactOps(snapshot, 0, EXPORT_WORKER_ID, () => journalNow(false)),
    COMPACT,
  );
  return { text, carried: finished.length, leftOut: study.trials.length - finished.length };
}
