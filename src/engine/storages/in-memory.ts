/**
 * In-memory implementation of the Storage port (optuna/storages/_in_memory.py, v4.9).
 *
 * Snapshots are copy-on-write: every update builds a new FrozenTrial and replaces the stored one,
 * so the objects handed out are never mutated by the storage and `getAllTrials` can return them
 * without copying (the samplers read the whole history on every suggest). Attribute values are
 * deep-copied (and frozen) on the way in. Invariants: see storage.ts.
 */
import { checkDistributionCompatibility, contains, distributionRepr, toExternalRepr } from '../distributions.ts';
import { nowIsoDateTime } from '../datetime.ts';
import {
  EngineError,
  isFinished,
  TrialState,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type ParamValue,
  type StudyDirection,
  type StudySummary,
  type TrialTemplate,
} from '../types.ts';
import type { Storage } from './storage.ts';

interface StudyRecord {
  readonly studyId: number;
  readonly name: string;
  readonly directions: readonly StudyDirection[];
  userAttrs: Readonly<Record<string, JsonValue>>;
  systemAttrs: Readonly<Record<string, JsonValue>>;
  trials: FrozenTrial[];
  /** Latest distribution per parameter name, for the cross-trial compatibility check. */
  paramDistribution: Map<string, Distribution>;
}

/** Deep copy of a JSON value, frozen so that shared snapshots stay immutable. */
export function freezeJson(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return Object.freeze(v.map(freezeJson)) as JsonValue;
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(v)) out[k] = freezeJson(x);
  return Object.freeze(out);
}

/**
 * A stored snapshot with its own containers. Deliberately not Object.freeze'd: V8 reads properties
 * of frozen objects several times slower, and samplers scan every stored trial on each suggest.
 * Immutability is by contract (readonly types) and by copy-on-write here.
 */
function snapshot(t: FrozenTrial): FrozenTrial {
  return {
    ...t,
    values: t.values === null ? null : [...t.values],
    params: { ...t.params },
    distributions: { ...t.distributions },
    userAttrs: { ...t.userAttrs },
    systemAttrs: { ...t.systemAttrs },
  };
}

export class InMemoryStorage implements Storage {
  private readonly studies = new Map<number, StudyRecord>();
  private readonly trialIndex = new Map<number, { studyId: number; number: number }>();
  private nextStudyId = 0;
  private nextTrialId = 0;

  async createNewStudy(directions: readonly StudyDirection[], studyName: string): Promise<number> {
    if (directions.length === 0) throw new EngineError('invalid-argument', 'A study needs at least one direction.');
    for (const d of directions) {
      if (d !== 1 && d !== 2)
        throw new EngineError(
          'invalid-argument',
          `Invalid study direction ${String(d)}: expected 1 (minimize) or 2 (maximize).`,
        );
    }
    for (const s of this.studies.values()) {
      if (s.name === studyName) {
        throw new EngineError(
          'duplicate',
          `Another study with name '${studyName}' already exists. Please specify a different name, or reuse the existing one by setting \`loadIfExists\`.`,
        );
      }
    }
    const studyId = this.nextStudyId++;
    this.studies.set(studyId, {
      studyId,
      name: studyName,
      directions: Object.freeze([...directions]),
      userAttrs: Object.freeze({}),
      systemAttrs: Object.freeze({}),
      trials: [],
      paramDistribution: new Map(),
    });
    return studyId;
  }

  async deleteStudy(studyId: number): Promise<void> {
    const s = this.study(studyId);
    for (const t of s.trials) this.trialIndex.delete(t.trialId);
    this.studies.delete(studyId);
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    const s = this.study(studyId);
    s.userAttrs = Object.freeze({ ...s.userAttrs, [key]: freezeJson(value) });
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    const s = this.study(studyId);
    s.systemAttrs = Object.freeze({ ...s.systemAttrs, [key]: freezeJson(value) });
  }

  async getStudyIdFromName(studyName: string): Promise<number> {
    for (const s of this.studies.values()) if (s.name === studyName) return s.studyId;
    throw new EngineError('not-found', `No such study ${studyName}.`);
  }

  async getStudyNameFromId(studyId: number): Promise<string> {
    return this.study(studyId).name;
  }

  async getStudyDirections(studyId: number): Promise<StudyDirection[]> {
    return [...this.study(studyId).directions];
  }

  async getStudyUserAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return { ...this.study(studyId).userAttrs };
  }

  async getStudySystemAttrs(studyId: number): Promise<Record<string, JsonValue>> {
    return { ...this.study(studyId).systemAttrs };
  }

  async getAllStudies(): Promise<StudySummary[]> {
    return [...this.studies.values()].map((s) => ({
      studyId: s.studyId,
      studyName: s.name,
      directions: s.directions,
      userAttrs: s.userAttrs,
      systemAttrs: s.systemAttrs,
      nTrials: s.trials.length,
      datetimeStart: s.trials.reduce<string | null>(
        (min, t) => (t.datetimeStart !== null && (min === null || t.datetimeStart < min) ? t.datetimeStart : min),
        null,
      ),
    }));
  }

  async createNewTrial(studyId: number, template?: TrialTemplate): Promise<number> {
    const s = this.study(studyId);
    const state = template?.state ?? TrialState.RUNNING;
    const distributions = template?.distributions ?? {};
    const internal = template?.paramsInternal ?? {};
    const params: Record<string, ParamValue> = {};
    for (const [name, value] of Object.entries(internal)) {
      const d = distributions[name];
      if (d === undefined) throw new EngineError('invalid-argument', `Template param '${name}' has no distribution.`);
      // Optuna stores out-of-range numeric values (an enqueued fixed param only warns); only a categorical
      // index outside its choices cannot be represented at all.
      if (d.type === 'categorical' && !contains(d, value))
        throw new EngineError(
          'invalid-argument',
          `Template param '${name}' value ${value} is not contained in ${distributionRepr(d)}.`,
        );
      const known = s.paramDistribution.get(name);
      if (known !== undefined) checkDistributionCompatibility(known, d);
      params[name] = toExternalRepr(d, value);
    }
    for (const name of Object.keys(distributions)) {
      if (!(name in internal))
        throw new EngineError('invalid-argument', `Template distribution '${name}' has no param value.`);
    }
    for (const [name, d] of Object.entries(distributions)) s.paramDistribution.set(name, d);
    const now = nowIsoDateTime();
    const trialId = this.nextTrialId++;
    const trial = snapshot({
      number: s.trials.length,
      trialId,
      state,
      values: template?.values ?? null,
      datetimeStart:
        template?.datetimeStart !== undefined ? template.datetimeStart : state === TrialState.WAITING ? null : now,
      datetimeComplete:
        template?.datetimeComplete !== undefined ? template.datetimeComplete : isFinished(state) ? now : null,
      params,
      distributions,
      userAttrs: freezeJson({ ...(template?.userAttrs ?? {}) }) as Record<string, JsonValue>,
      systemAttrs: freezeJson({ ...(template?.systemAttrs ?? {}) }) as Record<string, JsonValue>,
      intermediateValues: new Map(template?.intermediateValues ?? []),
    });
    s.trials.push(trial);
    this.trialIndex.set(trialId, { studyId, number: trial.number });
    return trialId;
  }

  async setTrialParam(
    trialId: number,
    paramName: string,
    internalValue: number,
    distribution: Distribution,
  ): Promise<void> {
    const [s, t] = this.updatable(trialId);
    const known = s.paramDistribution.get(paramName);
    if (known !== undefined) checkDistributionCompatibility(known, distribution);
    const external = toExternalRepr(distribution, internalValue);
    s.paramDistribution.set(paramName, distribution);
    this.replace(s, {
      ...t,
      params: { ...t.params, [paramName]: external },
      distributions: { ...t.distributions, [paramName]: distribution },
    });
  }

  async getTrialIdFromStudyIdTrialNumber(studyId: number, trialNumber: number): Promise<number> {
    const t = this.study(studyId).trials[trialNumber];
    if (t === undefined) {
      throw new EngineError(
        'not-found',
        `No trial with trial number ${trialNumber} exists in study with study_id ${studyId}.`,
      );
    }
    return t.trialId;
  }

  async setTrialStateValues(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<boolean> {
    const [s, t] = this.updatable(trialId);
    // Only a WAITING trial may become RUNNING; a second pop of the same trial loses.
    if (state === TrialState.RUNNING && t.state !== TrialState.WAITING) return false;
    const now = nowIsoDateTime();
    this.replace(s, {
      ...t,
      state,
      values: values ?? t.values,
      datetimeStart: state === TrialState.RUNNING ? now : t.datetimeStart,
      datetimeComplete: isFinished(state) ? now : t.datetimeComplete,
    });
    return true;
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    const [s, t] = this.updatable(trialId);
    const iv = new Map(t.intermediateValues);
    iv.set(step, value);
    this.replace(s, { ...t, intermediateValues: iv });
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const [s, t] = this.updatable(trialId);
    this.replace(s, { ...t, userAttrs: { ...t.userAttrs, [key]: freezeJson(value) } });
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const [s, t] = this.updatable(trialId);
    this.replace(s, { ...t, systemAttrs: { ...t.systemAttrs, [key]: freezeJson(value) } });
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    return this.trial(trialId)[1];
  }

  async getAllTrials(studyId: number, states?: readonly TrialState[]): Promise<FrozenTrial[]> {
    const trials = this.study(studyId).trials;
    return states === undefined ? [...trials] : trials.filter((t) => states.includes(t.state));
  }

  async close(): Promise<void> {}

  private study(studyId: number): StudyRecord {
    const s = this.studies.get(studyId);
    if (s === undefined) throw new EngineError('not-found', `No study with study_id ${studyId} exists.`);
    return s;
  }

  private trial(trialId: number): [StudyRecord, FrozenTrial] {
    const where = this.trialIndex.get(trialId);
    const s = where === undefined ? undefined : this.studies.get(where.studyId);
    const t = where === undefined ? undefined : s?.trials[where.number];
    if (s === undefined || t === undefined)
      throw new EngineError('not-found', `No trial with trial_id ${trialId} exists.`);
    return [s, t];
  }

  private updatable(trialId: number): [StudyRecord, FrozenTrial] {
    const [s, t] = this.trial(trialId);
    if (isFinished(t.state)) {
      throw new EngineError('trial-finished', `Trial#${t.number} has already finished and can not be updated.`);
    }
    return [s, t];
  }

  private replace(s: StudyRecord, t: FrozenTrial): void {
    s.trials[t.number] = snapshot(t);
  }
}
