/**
 * A study as plain data (name, directions, attributes, full trial templates), read from any Storage,
 * and its "compact" journal form (docs/design/study-engine.md#journal-storage): CREATE_STUDY, one op per study attribute, then
 * one full-template CREATE_TRIAL per trial, which Optuna 3.1–4.9 load and resume. Templates reference
 * only their study id, so a batch of them can be appended in one go.
 */
import { toInternalRepr } from '../../distributions.ts';
import { distributionToJson } from '../../distribution-json.ts';
import {
  EngineError,
  isFinished,
  TrialState,
  type Distribution,
  type JsonValue,
  type StudyDirection,
  type TrialTemplate,
} from '../../types.ts';
import { remapTrialIdAttrs } from '../../study/trial-id-attrs.ts';
import type { Storage } from '../storage.ts';
import type { CreateTrialOp, JournalOp } from './ops.ts';

const jsonCache = new WeakMap<Distribution, string>();

/**
 * Keeps the JSON a categorical distribution was read from, for exports. Its choices are Python values
 * and `1.0` and `1` are one JS number, so writing the choices anew would turn Python floats into
 * ints; the text Optuna wrote keeps their types. Other kinds carry their types in the class name and
 * are written anew.
 */
export function rememberDistributionJson(d: Distribution, json: string): void {
  if (d.type === 'categorical' && !jsonCache.has(d)) jsonCache.set(d, json);
}

/** distribution_to_json, cached per object (replay shares one object per distinct distribution). */
export function distributionJson(d: Distribution): string {
  let j = jsonCache.get(d);
  if (j === undefined) {
    j = distributionToJson(d);
    jsonCache.set(d, j);
  }
  return j;
}

export interface StudySnapshot {
  readonly name: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  /** Full templates (state, datetimes, internal params, ...), in trial-number order. */
  readonly trials: readonly TrialTemplate[];
  /**
   * The trials' ids where the snapshot was taken (index-aligned with `trials`): optuna-dashboard keys
   * trial notes by trial id in the study's system attrs, and a copy gives the trials new ids.
   */
  readonly trialIds?: readonly number[];
}

/** Storages that keep internal parameter values (journals) expose them so exports copy them verbatim. */
interface InternalParamSource {
  getTrialParamsInternal(trialId: number): Promise<Record<string, number>>;
}

function hasInternalParams(s: Storage): s is Storage & InternalParamSource {
  return typeof (s as Partial<InternalParamSource>).getTrialParamsInternal === 'function';
}

export async function snapshotStudy(storage: Storage, studyId: number): Promise<StudySnapshot> {
  const [name, directions, userAttrs, systemAttrs, trials] = await Promise.all([
    storage.getStudyNameFromId(studyId),
    storage.getStudyDirections(studyId),
    storage.getStudyUserAttrs(studyId),
    storage.getStudySystemAttrs(studyId),
    storage.getAllTrials(studyId),
  ]);
  const templates: TrialTemplate[] = [];
  for (const t of trials) {
    let paramsInternal: Record<string, number>;
    if (hasInternalParams(storage)) paramsInternal = await storage.getTrialParamsInternal(t.trialId);
    else {
      paramsInternal = {};
      for (const [k, d] of Object.entries(t.distributions)) paramsInternal[k] = toInternalRepr(d, t.params[k]);
    }
    templates.push({
      state: t.state,
      values: t.values,
      datetimeStart: t.datetimeStart,
      datetimeComplete: t.datetimeComplete,
      paramsInternal,
      distributions: t.distributions,
      userAttrs: t.userAttrs,
      systemAttrs: t.systemAttrs,
      intermediateValues: t.intermediateValues,
    });
  }
  return { name, directions, userAttrs, systemAttrs, trials: templates, trialIds: trials.map((t) => t.trialId) };
}

/**
 * The compact op sequence of one study, which will get `studyId` in the journal it is appended to and
 * its trials the ids from `firstTrialId` on; given that, attrs naming trials by id (notes, GA parent
 * caches) follow the trials' new ids.
 */
export function compactOps(
  study: StudySnapshot,
  studyId: number,
  workerId: string,
  now: () => string,
  firstTrialId?: number,
): JournalOp[] {
  const w = workerId;
  const systemAttrs =
    firstTrialId === undefined || study.trialIds === undefined
      ? study.systemAttrs
      : remapTrialIdAttrs(study.systemAttrs, new Map(study.trialIds.map((id, i) => [id, firstTrialId + i])));
  const ops: JournalOp[] = [{ op_code: 0, worker_id: w, study_name: study.name, directions: [...study.directions] }];
  for (const [k, v] of Object.entries(study.userAttrs)) {
    ops.push({ op_code: 2, worker_id: w, study_id: studyId, user_attr: { [k]: v } });
  }
  for (const [k, v] of Object.entries(systemAttrs)) {
    ops.push({ op_code: 3, worker_id: w, study_id: studyId, system_attr: { [k]: v } });
  }
  for (const t of study.trials) ops.push({ ...createTrialBody(studyId, t, now), worker_id: w });
  return ops;
}

/** Storages that can add whole studies atomically (one append, one transaction). */
export interface BulkImporter {
  importStudies(studies: readonly StudySnapshot[]): Promise<number[]>;
}

export function isBulkImporter(s: Storage): s is Storage & BulkImporter {
  return typeof (s as Partial<BulkImporter>).importStudies === 'function';
}

/** The CREATE_TRIAL op for a template (optuna JournalStorage.create_new_trial). */
export function createTrialBody(
  studyId: number,
  template: TrialTemplate | undefined,
  now: () => string,
): Omit<CreateTrialOp, 'worker_id'> {
  if (template === undefined) return { op_code: 4, study_id: studyId, datetime_start: now() };
  const state = template.state ?? TrialState.RUNNING;
  const values = template.values ?? null;
  const body: { -readonly [K in keyof Omit<CreateTrialOp, 'worker_id'>]: CreateTrialOp[K] } = {
    op_code: 4,
    study_id: studyId,
    datetime_start:
      template.datetimeStart !== undefined ? template.datetimeStart : state === TrialState.WAITING ? null : now(),
    state,
    // Optuna writes single-objective values as "value": v, "values": null.
    value: values !== null && values.length > 1 ? null : (values?.[0] ?? null),
    values: values !== null && values.length > 1 ? [...values] : null,
  };
  const complete = template.datetimeComplete ?? (isFinished(state) ? now() : null);
  if (complete !== null) body.datetime_complete = complete;
  const dists = template.distributions ?? {};
  body.distributions = Object.fromEntries(Object.entries(dists).map(([k, d]) => [k, distributionJson(d)]));
  const params = template.paramsInternal ?? {};
  for (const k of Object.keys(params)) {
    if (!(k in dists)) throw new EngineError('invalid-argument', `template param "${k}" has no distribution`);
  }
  body.params = { ...params };
  body.user_attrs = { ...(template.userAttrs ?? {}) };
  body.system_attrs = { ...(template.systemAttrs ?? {}) };
  body.intermediate_values = Object.fromEntries(
    [...(template.intermediateValues ?? new Map<number, number>())].map(([k, v]) => [String(k), v]),
  );
  return body;
}
