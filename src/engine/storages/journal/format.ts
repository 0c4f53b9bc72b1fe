/**
 * Journal text ⇄ ops. Reading follows Optuna's JournalFileBackend (docs/design/study-engine.md#journal-storage): one JSON
 * object per "\n"-terminated line; a final line without "\n" is a torn write and is ignored, and so
 * is an invalid last line; an op code from a newer Optuna is skipped with a warning. Every other
 * defect is an EngineError('journal-format') that names the 1-based line. Writing uses Optuna
 * 4.x's compact separators (3.1's `", "` on request), Python float reprs and always ends with "\n".
 */
import { EngineError } from '../../types.ts';
import { JournalFormatError, UnknownOpCodeError, decodeOp } from './decode.ts';
import type { CreateTrialOp, JournalOp } from './ops.ts';
import {
  COMPACT,
  PyJsonSyntaxError,
  parsePyJson,
  pyFloat,
  pyJson,
  pyObject,
  pyString,
  type PyJsonStyle,
} from './pyjson.ts';
import { JournalReplay } from './replay.ts';
import { errorMessage } from '../../../shared/index.ts';

export interface ParsedJournal {
  readonly ops: JournalOp[];
  /** 1-based line number of each op in the text. */
  readonly lines: number[];
  /** The ignored unterminated last line, or null. */
  readonly tornTail: string | null;
  /** Lines read past with a reason: an invalid last line, op codes from a newer Optuna, a cut-off tail. */
  readonly warnings: JournalWarning[];
  /** The invalid, newline-terminated last line that was ignored (1-based line, text), or null. */
  readonly badTail: { readonly line: number; readonly text: string } | null;
}

export interface JournalWarning {
  readonly line: number;
  readonly message: string;
}

export interface ParseOptions {
  /**
   * Accept the valid prefix of a journal damaged in the middle: stop before the first damaged line
   * instead of refusing the file (what the user agrees to after a JournalDamageError).
   */
  readonly validPrefix?: boolean;
}

/**
 * A damaged line that is not the last one. Optuna refuses such a file too; the error also says how
 * much of the file is still usable, so a caller can offer to open just that prefix.
 */
export class JournalDamageError extends EngineError {
  constructor(
    /** 1-based line of the damage. */
    readonly line: number,
    /** Ops on the lines before it, all valid. */
    readonly validOps: number,
    readonly detail: string,
  ) {
    super(
      'journal-format',
      `journal line ${line}: ${detail}` +
        (validOps > 0
          ? ` (the ${validOps} operation${validOps === 1 ? '' : 's'} before line ${line} are valid and can be opened on their own)`
          : ''),
    );
    this.name = 'JournalDamageError';
  }
}

/**
 * Parses a whole journal, validating every record (shape, distributions, categorical indices).
 * Leniency follows what Optuna 3.1–4.x load: their file reader drops an undecodable last line
 * (terminated or not) without complaint, so a crash mid-write does not lose the study; a damaged line
 * with lines after it fails the whole file. Records with an op code from a newer Optuna are skipped
 * with a warning, since every other line is still meaningful.
 */
export function parseJournalDetailed(text: string, opts: ParseOptions = {}): ParsedJournal {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows = body.split('\n');
  // split leaves '' after a final "\n"; anything else there is an unterminated (torn) line.
  const last = rows.pop() ?? '';
  const tornTail = last.trim() === '' ? null : last;
  let lastContent = rows.length - 1;
  while (lastContent >= 0 && rows[lastContent]!.trim() === '') lastContent--;
  const ops: JournalOp[] = [];
  const lines: number[] = [];
  const warnings: JournalWarning[] = [];
  let badTail: ParsedJournal['badTail'] = null;
  const checker = new JournalReplay();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const line = row.endsWith('\r') ? row.slice(0, -1) : row;
    if (line.trim() === '') continue;
    try {
      const op = decodeOp(exactUserAttrs(parsePyJson(line), line));
      checkContent(op, checker);
      ops.push(op);
      lines.push(i + 1);
    } catch (e) {
      if (e instanceof UnknownOpCodeError) {
        warnings.push({ line: i + 1, message: `journal line ${i + 1}: skipped: ${e.message}` });
        continue;
      }
      const detail = lineError(i + 1, e).message.replace(/^journal line \d+: /, '');
      if (i === lastContent && tornTail === null) {
        badTail = { line: i + 1, text: line };
        warnings.push({
          line: i + 1,
          message: `journal line ${i + 1} (the last line) is invalid and was ignored, as Optuna ignores it: ${detail}`,
        });
        break;
      }
      if (opts.validPrefix === true) {
        warnings.push({
          line: i + 1,
          message: `journal line ${i + 1} and everything after it were left out (damaged: ${detail})`,
        });
        return { ops, lines, tornTail: null, warnings, badTail: null };
      }
      throw new JournalDamageError(i + 1, ops.length, detail);
    }
  }
  return { ops, lines, tornTail, warnings, badTail };
}

/** Whether a parsed value holds an integer-valued number (the only kind whose Python type may be lost). */
function hasIntegral(v: unknown): boolean {
  if (typeof v === 'number') return Number.isInteger(v);
  if (typeof v !== 'object' || v === null) return false;
  return (Array.isArray(v) ? v : Object.values(v)).some(hasIntegral);
}

const USER_ATTR_FIELDS = ['user_attr', 'user_attrs'] as const;

/**
 * User attributes as Python typed them: `1.0` stays a float and an int beyond 2^53 stays exact
 * (PyNumberBox), so an export writes them back unchanged. Limited to user attributes: system
 * attributes are read by the engine (fixed_params, constraints, pruner rungs) as plain numbers, and
 * Optuna itself treats those by value.
 */
function exactUserAttrs(raw: unknown, line: string): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const r = raw as Record<string, unknown>;
  if (!USER_ATTR_FIELDS.some((k) => hasIntegral(r[k]))) return raw;
  const exact = parsePyJson(line, { exactNumbers: true }) as Record<string, unknown>;
  const out = { ...r };
  for (const k of USER_ATTR_FIELDS) if (k in exact) out[k] = exact[k];
  return out;
}

/** Parses a whole journal; see parseJournalDetailed. */
export function parseJournal(text: string): JournalOp[] {
  return parseJournalDetailed(text).ops;
}

export function lineError(line: number, e: unknown): EngineError {
  let detail: string;
  if (e instanceof PyJsonSyntaxError) detail = `invalid JSON: ${e.message}`;
  else if (e instanceof JournalFormatError || e instanceof EngineError) detail = e.message;
  else detail = errorMessage(e);
  return new EngineError('journal-format', `journal line ${line}: ${detail}`);
}

/** Content checks Optuna's replay would crash on: invalid distributions and categorical indices. */
function checkContent(op: JournalOp, checker: JournalReplay): void {
  if (op.op_code === 5) {
    checker.external(checker.decodeDistribution(op.distribution), op.param_value_internal, op.param_name);
  } else if (op.op_code === 4) {
    for (const [k, j] of Object.entries(op.distributions ?? {})) {
      const d = checker.decodeDistribution(j);
      const x = op.params?.[k];
      if (x !== undefined) checker.external(d, x, k);
    }
  }
}

const categoricalCache = new Map<string, boolean>();

/** Whether a distribution JSON string is categorical (its internal values are indices, Python ints). */
function isCategoricalJson(json: string): boolean {
  let c = categoricalCache.get(json);
  if (c === undefined) {
    let parsed: unknown;
    try {
      parsed = parsePyJson(json);
    } catch {
      parsed = null;
    }
    const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    c = o.name === 'CategoricalDistribution' || o.type === 'categorical';
    categoricalCache.set(json, c);
  }
  return c;
}

const paramRepr = (x: number, distJson: string): string => (isCategoricalJson(distJson) ? pyJson(x) : pyFloat(x));
const floats = (v: readonly number[] | null, style: PyJsonStyle): string =>
  v === null ? 'null' : `[${v.map(pyFloat).join(style.compact ? ',' : ', ')}]`;
const str = (s: string | null): string => (s === null ? 'null' : pyString(s));

function createTrialFields(op: CreateTrialOp, style: PyJsonStyle): [string, string][] {
  const f: [string, string][] = [
    ['study_id', String(op.study_id)],
    ['datetime_start', str(op.datetime_start)],
  ];
  if (op.state !== undefined) f.push(['state', String(op.state)]);
  if (op.value !== undefined) f.push(['value', op.value === null ? 'null' : pyFloat(op.value)]);
  if (op.values !== undefined) f.push(['values', floats(op.values, style)]);
  if (op.datetime_complete !== undefined) f.push(['datetime_complete', str(op.datetime_complete)]);
  if (op.distributions !== undefined) {
    const d = Object.entries(op.distributions).map(([k, j]) => [k, pyString(j)] as [string, string]);
    f.push(['distributions', pyObject(d, style)]);
  }
  if (op.params !== undefined) {
    const dists = op.distributions ?? {};
    const p = Object.entries(op.params).map(([k, x]) => [k, paramRepr(x, dists[k] ?? '')] as [string, string]);
    f.push(['params', pyObject(p, style)]);
  }
  if (op.user_attrs !== undefined) f.push(['user_attrs', pyJson(op.user_attrs, style)]);
  if (op.system_attrs !== undefined) f.push(['system_attrs', pyJson(op.system_attrs, style)]);
  if (op.intermediate_values !== undefined) {
    const iv = Object.entries(op.intermediate_values).map(([k, v]) => [k, pyFloat(v)] as [string, string]);
    f.push(['intermediate_values', pyObject(iv, style)]);
  }
  return f;
}

/** One op as one JSON line, without the newline. Field order is Optuna's. */
export function serializeOp(op: JournalOp, style: PyJsonStyle = COMPACT): string {
  const head: [string, string][] = [
    ['op_code', String(op.op_code)],
    ['worker_id', pyString(op.worker_id)],
  ];
  let rest: [string, string][];
  switch (op.op_code) {
    case 0:
      rest = [
        ['study_name', pyString(op.study_name)],
        ['directions', pyJson(op.directions, style)],
      ];
      break;
    case 1:
      rest = [['study_id', String(op.study_id)]];
      break;
    case 2:
      rest = [
        ['study_id', String(op.study_id)],
        ['user_attr', pyJson(op.user_attr, style)],
      ];
      break;
    case 3:
      rest = [
        ['study_id', String(op.study_id)],
        ['system_attr', pyJson(op.system_attr, style)],
      ];
      break;
    case 4:
      rest = createTrialFields(op, style);
      break;
    case 5:
      rest = [
        ['trial_id', String(op.trial_id)],
        ['param_name', pyString(op.param_name)],
        ['param_value_internal', paramRepr(op.param_value_internal, op.distribution)],
        ['distribution', pyString(op.distribution)],
      ];
      break;
    case 6:
      rest = [
        ['trial_id', String(op.trial_id)],
        ['state', String(op.state)],
        ['values', floats(op.values, style)],
      ];
      if (op.datetime_start !== undefined) rest.push(['datetime_start', str(op.datetime_start)]);
      if (op.datetime_complete !== undefined) rest.push(['datetime_complete', str(op.datetime_complete)]);
      break;
    case 7:
      rest = [
        ['trial_id', String(op.trial_id)],
        ['step', String(op.step)],
        ['intermediate_value', pyFloat(op.intermediate_value)],
      ];
      break;
    case 8:
      rest = [
        ['trial_id', String(op.trial_id)],
        ['user_attr', pyJson(op.user_attr, style)],
      ];
      break;
    case 9:
      rest = [
        ['trial_id', String(op.trial_id)],
        ['system_attr', pyJson(op.system_attr, style)],
      ];
      break;
  }
  return pyObject([...head, ...rest], style);
}

/** Journal text for the ops; every record ends with "\n" (an unterminated one reads as torn). */
export function serializeJournal(ops: readonly JournalOp[], style: PyJsonStyle = COMPACT): string {
  let out = '';
  for (const op of ops) out += serializeOp(op, style) + '\n';
  return out;
}
