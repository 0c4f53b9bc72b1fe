/**
 * `cli train --from-journal FILE --trial N [--study NAME]`: the hyperparameters of one trial of an Optuna
 * journal (the app's export, or a cluster's grown journal) and, when the journal carries the dmc-tune
 * study configuration, the study's simulator, diagnostics, network variant and the trial's own seed, so
 * the final network is trained as the study trained the trial, at the budget given on the command line.
 */
import { access } from 'node:fs/promises';
import { CONFIG_ATTR } from '../../cluster/index.ts';
import { JournalStorage } from '../../engine/index.ts';
import { JournalFileBackend } from '../../persistence/node/index.ts';
import {
  formatIssues,
  HYPERPARAMETER_NAMES,
  trialSeed,
  validateStudyConfig,
  type StudyConfig,
  type SuggestedHyperparameters,
} from '../../study-config/index.ts';

export interface JournalTrial {
  studyName: string;
  trialNumber: number;
  params: SuggestedHyperparameters;
  /** The study's configuration, when the journal carries one (null: a plain Optuna journal). */
  config: StudyConfig | null;
  /** The seed the trial trained with (its user attribute, else the study's derivation), or null. */
  seed: number | null;
}

export async function trialFromJournal(file: string, trialNumber: number, studyName?: string): Promise<JournalTrial> {
  try {
    await access(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  try {
    const studies = await storage.getAllStudies();
    const study =
      studyName === undefined
        ? studies.length === 1
          ? studies[0]
          : undefined
        : studies.find((s) => s.studyName === studyName);
    if (study === undefined) {
      const names = studies.map((s) => s.studyName).join(', ') || 'none';
      throw new Error(
        studyName === undefined
          ? `the journal holds ${studies.length} studies (${names}); pick one with --study NAME`
          : `no study "${studyName}" in ${file} (studies: ${names})`,
      );
    }
    const trial = (await storage.getAllTrials(study.studyId)).find((t) => t.number === trialNumber);
    if (trial === undefined) throw new Error(`study "${study.studyName}" has no trial ${trialNumber}`);
    const missing = HYPERPARAMETER_NAMES.filter((h) => typeof trial.params[h] !== 'number');
    if (missing.length > 0) {
      throw new Error(
        `trial ${trialNumber} of "${study.studyName}" has no value for ${missing.join(', ')} (not a dmc-tune trial, or it stopped before suggesting them)`,
      );
    }
    const params = Object.fromEntries(
      HYPERPARAMETER_NAMES.map((h) => [h, trial.params[h] as number]),
    ) as SuggestedHyperparameters;
    const raw = (await storage.getStudyUserAttrs(study.studyId))[CONFIG_ATTR];
    let config: StudyConfig | null = null;
    if (raw !== undefined) {
      const v = validateStudyConfig(raw);
      if ('errors' in v)
        throw new Error(
          `the configuration stored with study "${study.studyName}" is invalid:\n${formatIssues(v.errors)}`,
        );
      config = v.config;
    }
    const own = trial.userAttrs['seed'];
    const seed = typeof own === 'number' ? own : config !== null ? trialSeed(config, trialNumber) : null;
    return { studyName: study.studyName, trialNumber, params, config, seed };
  } finally {
    await storage.close();
  }
}
