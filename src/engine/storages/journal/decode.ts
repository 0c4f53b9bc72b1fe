/**
 * Shape validation of one parsed journal record → a typed JournalOp. Checks exactly what Optuna's
 * replay (optuna/storages/journal/_storage.py, v3.1–v4.9) would otherwise crash on: missing fields,
 * wrong types, unknown op codes, states and directions out of range, unparseable datetimes. Errors
 * name the field and the bad value; the caller adds the line number.
 */
import type { IsoDateTime, JsonValue, StudyDirection, TrialState } from '../../types.ts';
import type { CreateTrialOp, JournalOp } from './ops.ts';

export class JournalFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalFormatError';
  }
}

/**
 * An op code above the ones this reader knows, written by a newer Optuna. The reader skips the record
 * with a warning rather than refusing a file whose every other line it understands.
 */
export class UnknownOpCodeError extends JournalFormatError {
  constructor(readonly opCode: number) {
    super(
      opCode === 10
        ? 'op_code 10 (DISCARD_TRIALS) is applied only by Rustuna; Optuna itself skips it too'
        : `op_code ${opCode} is newer than the Optuna 3.1–4.x format (0–9)`,
    );
    this.name = 'UnknownOpCodeError';
  }
}

type Raw = Record<string, unknown>;

function fail(msg: string): never {
  throw new JournalFormatError(msg);
}

const show = (v: unknown): string => {
  if (typeof v === 'number') return String(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

function has(o: Raw, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function need(o: Raw, k: string): unknown {
  if (!has(o, k)) fail(`missing field "${k}"`);
  return o[k];
}

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonNegInt(o: Raw, k: string): number {
  const v = need(o, k);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    fail(`"${k}" must be an integer >= 0, got ${show(v)}`);
  return v;
}

function str(o: Raw, k: string): string {
  const v = need(o, k);
  if (typeof v !== 'string') fail(`"${k}" must be a string, got ${show(v)}`);
  return v;
}

/** Any JSON number, NaN and ±Infinity included (Python floats). */
function float(v: unknown, what: string): number {
  if (typeof v !== 'number') fail(`${what} must be a number, got ${show(v)}`);
  return v;
}

function floatList(v: unknown, what: string): number[] | null {
  if (v === null) return null;
  if (!Array.isArray(v)) fail(`${what} must be a list of numbers or null, got ${show(v)}`);
  return v.map((x, i) => float(x, `${what}[${i}]`));
}

function record(o: Raw, k: string): Record<string, JsonValue> {
  const v = need(o, k);
  if (!isRecord(v)) fail(`"${k}" must be an object, got ${show(v)}`);
  return v as Record<string, JsonValue>;
}

function singleKey(o: Raw, k: string): Record<string, JsonValue> {
  const r = record(o, k);
  const n = Object.keys(r).length;
  if (n !== 1) fail(`"${k}" must hold exactly one key, got ${n}`);
  return r;
}

function state(v: unknown, what: string): TrialState {
  if (v !== 0 && v !== 1 && v !== 2 && v !== 3 && v !== 4) fail(`${what} must be a TrialState 0–4, got ${show(v)}`);
  return v;
}

// Python's datetime.fromisoformat (3.7+) reads these; "Z" only from 3.11, so it is normalized away.
const ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ]([01]\d|2[0-3])(?::[0-5]\d(?::[0-5]\d(?:\.\d{3}(?:\d{3})?)?)?)?(Z|[+-]\d{2}:\d{2}(?::\d{2}(?:\.\d{6})?)?)?)?$/;

export function checkDatetime(v: unknown, what: string): IsoDateTime {
  if (typeof v !== 'string' || !ISO.test(v)) fail(`${what} must be an ISO datetime, got ${show(v)}`);
  return v.endsWith('Z') ? `${v.slice(0, -1)}+00:00` : v;
}

function datetimeOrNull(v: unknown, what: string): IsoDateTime | null {
  return v === null ? null : checkDatetime(v, what);
}

function directions(o: Raw): StudyDirection[] {
  const v = need(o, 'directions');
  if (!Array.isArray(v) || v.length === 0) fail(`"directions" must be a non-empty list, got ${show(v)}`);
  return v.map((d, i) => {
    if (d !== 0 && d !== 1 && d !== 2)
      fail(`"directions"[${i}] must be 0 (not set), 1 (minimize) or 2 (maximize), got ${show(d)}`);
    return d;
  });
}

function createTrial(o: Raw, workerId: string): CreateTrialOp {
  const op: Record<string, unknown> = {
    op_code: 4,
    worker_id: workerId,
    study_id: nonNegInt(o, 'study_id'),
    datetime_start: datetimeOrNull(need(o, 'datetime_start'), '"datetime_start"'),
  };
  if (has(o, 'state')) op.state = state(o.state, '"state"');
  if (has(o, 'value')) op.value = o.value === null ? null : float(o.value, '"value"');
  if (has(o, 'values')) op.values = floatList(o.values, '"values"');
  if (has(o, 'value') && has(o, 'values') && op.value !== null && op.values !== null) {
    fail('"value" and "values" cannot both be set (Optuna rejects the template)');
  }
  if (has(o, 'datetime_complete')) op.datetime_complete = checkDatetime(o.datetime_complete, '"datetime_complete"');
  if (has(o, 'distributions')) {
    const d = record(o, 'distributions');
    for (const [k, s] of Object.entries(d)) {
      if (typeof s !== 'string') fail(`"distributions"."${k}" must be a distribution JSON string, got ${show(s)}`);
    }
    op.distributions = d;
  }
  if (has(o, 'params')) {
    const p = record(o, 'params');
    const dists = (op.distributions ?? {}) as Record<string, string>;
    for (const [k, x] of Object.entries(p)) {
      float(x, `"params"."${k}"`);
      if (!has(dists, k)) fail(`"params"."${k}" has no entry in "distributions"`);
    }
    op.params = p;
  }
  if (has(o, 'user_attrs')) op.user_attrs = record(o, 'user_attrs');
  if (has(o, 'system_attrs')) op.system_attrs = record(o, 'system_attrs');
  if (has(o, 'intermediate_values')) {
    const iv = record(o, 'intermediate_values');
    for (const [k, x] of Object.entries(iv)) {
      if (!/^-?\d+$/.test(k.trim())) fail(`"intermediate_values" key ${show(k)} is not an integer step`);
      float(x, `"intermediate_values"."${k}"`);
    }
    op.intermediate_values = iv as Record<string, number>;
  }
  return op as unknown as CreateTrialOp;
}

/** Validates one parsed record. Unknown extra fields are dropped, as Optuna ignores them. */
export function decodeOp(raw: unknown): JournalOp {
  if (!isRecord(raw)) fail(`a journal record must be a JSON object, got ${show(raw)}`);
  const code = need(raw, 'op_code');
  const w = str(raw, 'worker_id');
  switch (code) {
    case 0:
      return { op_code: 0, worker_id: w, study_name: str(raw, 'study_name'), directions: directions(raw) };
    case 1:
      return { op_code: 1, worker_id: w, study_id: nonNegInt(raw, 'study_id') };
    case 2:
      return { op_code: 2, worker_id: w, study_id: nonNegInt(raw, 'study_id'), user_attr: singleKey(raw, 'user_attr') };
    case 3:
      return {
        op_code: 3,
        worker_id: w,
        study_id: nonNegInt(raw, 'study_id'),
        system_attr: singleKey(raw, 'system_attr'),
      };
    case 4:
      return createTrial(raw, w);
    case 5:
      return {
        op_code: 5,
        worker_id: w,
        trial_id: nonNegInt(raw, 'trial_id'),
        param_name: str(raw, 'param_name'),
        param_value_internal: float(need(raw, 'param_value_internal'), '"param_value_internal"'),
        distribution: str(raw, 'distribution'),
      };
    case 6: {
      const s = state(need(raw, 'state'), '"state"');
      const op: Record<string, unknown> = {
        op_code: 6,
        worker_id: w,
        trial_id: nonNegInt(raw, 'trial_id'),
        state: s,
        values: floatList(need(raw, 'values'), '"values"'),
      };
      if (s === 0) op.datetime_start = checkDatetime(need(raw, 'datetime_start'), '"datetime_start"');
      if (s === 1 || s === 2 || s === 3) {
        op.datetime_complete = checkDatetime(need(raw, 'datetime_complete'), '"datetime_complete"');
      }
      return op as unknown as JournalOp;
    }
    case 7:
      return {
        op_code: 7,
        worker_id: w,
        trial_id: nonNegInt(raw, 'trial_id'),
        step: nonNegInt(raw, 'step'),
        intermediate_value: float(need(raw, 'intermediate_value'), '"intermediate_value"'),
      };
    case 8:
      return { op_code: 8, worker_id: w, trial_id: nonNegInt(raw, 'trial_id'), user_attr: singleKey(raw, 'user_attr') };
    case 9:
      return {
        op_code: 9,
        worker_id: w,
        trial_id: nonNegInt(raw, 'trial_id'),
        system_attr: singleKey(raw, 'system_attr'),
      };
    default:
      if (typeof code === 'number' && Number.isSafeInteger(code) && code > 9) throw new UnknownOpCodeError(code);
      return fail(`unknown op_code ${show(code)} (Optuna journals use 0–9)`);
  }
}
