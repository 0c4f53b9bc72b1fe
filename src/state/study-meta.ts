/**
 * What the app keeps about a study besides Optuna's journal: its StudyConfig, stored as the study user
 * attribute `dmc_tune_config` (so it travels inside an exported journal and comes back on import), and
 * the key of its trained networks in the model store. Studies imported from Optuna have no
 * configuration until one is given in Setup.
 */
import { createStudy, EngineError, type JsonValue, type Storage } from '../engine/index.ts';
import type { IdbStorage } from '../persistence/index.ts';
import {
  formatIssues,
  isPareto,
  objectiveNames,
  studyDirections,
  validateStudyConfig,
  type StudyConfig,
} from '../study-config/index.ts';

export const CONFIG_ATTR = 'dmc_tune_config';

/** The library operations the app uses (src/persistence/idb-storage.ts). */
export type LibraryStorage = Storage &
  Pick<IdbStorage, 'renameStudy' | 'duplicateStudy' | 'failStaleTrials' | 'staleRunningTrials' | 'journalFor'>;

export interface StudyMeta {
  studyId: number;
  name: string;
  config: StudyConfig | null;
  /** Why `config` is null: none stored, or the stored one is invalid. */
  configProblem: string | null;
  /** Key of the study's networks in the model store: the study id, which a rename does not change. */
  modelKey: string;
}

export function modelKey(studyId: number): string {
  return `study-${studyId}`;
}

export function configFromAttrs(
  attrs: Readonly<Record<string, JsonValue>>,
  name: string,
): { config: StudyConfig | null; problem: string | null } {
  const raw = attrs[CONFIG_ATTR];
  if (raw === undefined) {
    return {
      config: null,
      problem: `Study "${name}" has no dmc-tune configuration (it was imported from Optuna?). Give it one in Setup to continue it.`,
    };
  }
  const r = validateStudyConfig(raw);
  if ('errors' in r)
    return {
      config: null,
      problem: `The configuration stored with study "${name}" is invalid:\n${formatIssues(r.errors)}`,
    };
  // The library name wins over the name inside the stored configuration (renames change only the former).
  return { config: { ...r.config, name }, problem: null };
}

export async function readStudyMeta(storage: Storage, studyId: number): Promise<StudyMeta> {
  const [name, attrs] = await Promise.all([storage.getStudyNameFromId(studyId), storage.getStudyUserAttrs(studyId)]);
  const { config, problem } = configFromAttrs(attrs, name);
  return { studyId, name, config, configProblem: problem, modelKey: modelKey(studyId) };
}

export class DuplicateNameError extends Error {
  override readonly name = 'DuplicateNameError';
}

/** Creates an empty study for a configuration; a taken name is reported, not silently changed. */
export async function createStudyFromConfig(storage: Storage, config: StudyConfig): Promise<number> {
  let study;
  try {
    const directions = studyDirections(config);
    study = await createStudy({
      studyName: config.name,
      storage,
      ...(directions.length > 1 ? { directions } : { direction: 'minimize' as const }),
    });
  } catch (e) {
    if (e instanceof EngineError && e.code === 'duplicate') {
      throw new DuplicateNameError(`A study named "${config.name}" already exists: choose another name.`);
    }
    throw e;
  }
  await storage.setStudyUserAttr(study.studyId, CONFIG_ATTR, config as unknown as JsonValue);
  // Optuna's `set_metric_names`: the objectives' names, which optuna-dashboard and Optuna's plots show.
  if (isPareto(config)) await storage.setStudySystemAttr(study.studyId, METRIC_NAMES_ATTR, objectiveNames(config));
  return study.studyId;
}

/** Optuna's study system attribute with the objectives' names (`_SYSTEM_ATTR_METRIC_NAMES`). */
export const METRIC_NAMES_ATTR = 'study:metric_names';

/** Gives an existing study (e.g. an imported Optuna journal) a configuration so it can be continued. */
export async function setStudyConfig(storage: Storage, studyId: number, config: StudyConfig): Promise<void> {
  const have = (await storage.getStudyDirections(studyId)).length;
  const want = studyDirections(config).length;
  if (have !== want) {
    const what = (n: number): string =>
      n === 1 ? 'one objective (a weighted sum)' : `${n} objectives (a Pareto study)`;
    throw new Error(
      `This study has ${what(have)} and the configuration asks for ${what(want)}: a study keeps its objectives. Choose a matching objective in Setup, or start a new study.`,
    );
  }
  await storage.setStudyUserAttr(studyId, CONFIG_ATTR, config as unknown as JsonValue);
}
