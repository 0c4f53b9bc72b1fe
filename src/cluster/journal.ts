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
import { isPareto, objectiveNames, studyDirections, type StudyConfig } from '../study-config/index.ts';
import { ClusterError } from './types.ts';

/** The study user attribute under which the app keeps a study's configuration (src/state/study-meta.ts). */
export const CONFIG_ATTR = 'dmc_tune_config';
/** Optuna's study system attribute with the objectives' names (`set_metric_names`). */
const METRIC_NAMES_ATTR = 'study:metric_names';

/** The study named like the configuration in a journal, or a new empty one. */
function studyFor(config: StudyConfig, journalText: string | null): StudySnapshot {
  const directions = studyDirections(config).map(() => StudyDirection.MINIMIZE);
  if (journalText === null) {
    const systemAttrs: Record<string, JsonValue> = isPareto(config)
      ? { [METRIC_NAMES_ATTR]: objectiveNames(config) }
      : {};
    return { name: config.name, directions, userAttrs: {}, systemAttrs, trials: [] };
  }
  const { studies } = readJournalStudies(journalText);
  const study = studies.find((s) => s.name === config.name);
  if (study === undefined) {
    const names = studies.map((s) => `"${s.name}"`).join(', ');
    throw new ClusterError(
      `the journal holds ${names === '' ? 'no study' : `study ${names}`}, not the configuration's study "${config.name}"`,
    );
  }
  if (study.directions.length !== directions.length)
    throw new ClusterError(
      `the study "${config.name}" has ${study.directions.length} objective(s) and its configuration ${directions.length}`,
    );
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
