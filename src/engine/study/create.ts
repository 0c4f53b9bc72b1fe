/**
 * `create_study` / `load_study` (optuna/study/study.py, v5.0). Defaults as Optuna's: TPESampler,
 * MedianPruner, in-memory storage, minimize, a generated "no-name-<uuid4>" name. `directions` makes a
 * multi-objective study (one entry per objective); giving both `direction` and `directions` is refused.
 */
import { MedianPruner } from '../pruners/median.ts';
import type { Pruner } from '../pruners/pruner.ts';
import type { DirectionName, Sampler } from '../samplers/sampler.ts';
import { TPESampler } from '../samplers/tpe/tpe-sampler.ts';
import { InMemoryStorage } from '../storages/in-memory.ts';
import type { Storage } from '../storages/storage.ts';
import { pyRepr } from '../py-format.ts';
import { EngineError, StudyDirection } from '../types.ts';
import { Study } from './study.ts';

export interface CreateStudyOptions {
  studyName?: string;
  direction?: DirectionName;
  /** One direction per objective (several: a multi-objective study). Not together with `direction`. */
  directions?: readonly DirectionName[];
  sampler?: Sampler;
  pruner?: Pruner;
  storage?: Storage;
  /** Load the study when one with `studyName` exists instead of throwing. */
  loadIfExists?: boolean;
}

export interface LoadStudyOptions {
  studyName: string;
  storage: Storage;
  sampler?: Sampler;
  pruner?: Pruner;
}

export const DEFAULT_STUDY_NAME_PREFIX = 'no-name-';

/** uuid4 from the platform's CSPRNG (crypto.randomUUID needs a secure context; this does not). */
export function uuid4(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function directionName(d: StudyDirection): DirectionName {
  if (d === StudyDirection.MINIMIZE) return 'minimize';
  if (d === StudyDirection.MAXIMIZE) return 'maximize';
  throw new EngineError('invalid-argument', `Study direction ${d} is not set (expected 1 = minimize or 2 = maximize).`);
}

async function open(storage: Storage, studyId: number, sampler?: Sampler, pruner?: Pruner): Promise<Study> {
  const directions = await storage.getStudyDirections(studyId);
  const name = await storage.getStudyNameFromId(studyId);
  return new Study(
    studyId,
    name,
    Object.freeze(directions.map(directionName)),
    storage,
    sampler ?? new TPESampler(),
    pruner ?? new MedianPruner(),
  );
}

/** `create_study`'s checks of `direction` / `directions`. */
function studyDirections(opts: CreateStudyOptions): readonly DirectionName[] {
  if (opts.direction !== undefined && opts.directions !== undefined)
    throw new EngineError('invalid-argument', 'Specify only one of `direction` and `directions`.');
  if (opts.direction !== undefined) {
    const direction: unknown = opts.direction;
    if (Array.isArray(direction))
      throw new EngineError(
        'invalid-argument',
        'Use `directions` instead of `direction` for multi-objective optimization.',
      );
    if (direction !== 'minimize' && direction !== 'maximize') {
      throw new EngineError(
        'invalid-argument',
        `Please set either 'minimize' or 'maximize' to direction. You specified ${pyRepr(direction as string)}.`,
      );
    }
    return [direction];
  }
  const directions = opts.directions ?? ['minimize'];
  if (directions.length < 1)
    throw new EngineError('invalid-argument', 'The number of objectives must be greater than 0.');
  if (directions.some((d) => d !== 'minimize' && d !== 'maximize')) {
    throw new EngineError(
      'invalid-argument',
      `\`directions\` must be a list of \`minimize\` or \`maximize\`, but got ${pyRepr([...directions])}. ` +
        'For single-objective optimization, please use `direction` instead of `directions`.',
    );
  }
  return directions;
}

export async function createStudy(opts: CreateStudyOptions = {}): Promise<Study> {
  const directions = studyDirections(opts);
  const storage = opts.storage ?? new InMemoryStorage();
  const name = opts.studyName ?? `${DEFAULT_STUDY_NAME_PREFIX}${uuid4()}`;
  let studyId: number;
  try {
    studyId = await storage.createNewStudy(
      directions.map((d) => (d === 'minimize' ? StudyDirection.MINIMIZE : StudyDirection.MAXIMIZE)),
      name,
    );
  } catch (e) {
    if (!(opts.loadIfExists === true && e instanceof EngineError && e.code === 'duplicate')) throw e;
    studyId = await storage.getStudyIdFromName(name);
  }
  return open(storage, studyId, opts.sampler, opts.pruner);
}

export async function loadStudy(opts: LoadStudyOptions): Promise<Study> {
  return open(opts.storage, await opts.storage.getStudyIdFromName(opts.studyName), opts.sampler, opts.pruner);
}
