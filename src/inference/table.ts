/**
 * Trial-level data files → per-participant trial sets in the simulator's coding (rt in seconds,
 * accuracy 1/0, condition 0 congruent / 1 incongruent; src/sim/types.ts).
 *
 * Three steps, each pure: `parseTable` (papaparse; delimiter detected), `detectMapping` (which column
 * is what, RT unit, which condition value is congruent — a guess the user can change), and
 * `applyMapping` (validation + exclusion + grouping). `applyMapping` is all-or-nothing: any rule broken
 * anywhere returns only the problems, each naming the rule and the file lines, so a file is never half
 * imported.
 */
import Papa from 'papaparse';

export interface RawTable {
  /** Header cells as written (an unnamed first column is kept as ''). */
  fields: string[];
  /** Data rows, each as long as `fields` (missing cells are ''). */
  rows: string[][];
  /** Detected delimiter, for display ('\t' shown as 'tab'). */
  delimiter: string;
}

export class DataFileError extends Error {
  override readonly name = 'DataFileError';
}

/** Parses delimited text (comma, tab, semicolon; detected); the first non-empty line is the header. */
export function parseTable(text: string): RawTable {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new DataFileError('the file is empty');
  const res = Papa.parse<string[]>(body, {
    header: false,
    skipEmptyLines: 'greedy',
    delimitersToGuess: ['\t', ',', ';', '|'],
  });
  const fatal = res.errors.find((e) => e.type === 'Quotes');
  if (fatal) throw new DataFileError(`line ${(fatal.row ?? 0) + 1}: ${fatal.message}`);
  const [head, ...rest] = res.data;
  if (head === undefined) throw new DataFileError('the file has no header line');
  const fields = head.map((f) => f.trim());
  if (fields.length < 3) {
    throw new DataFileError(
      `the header has ${fields.length} column(s) (${fields.join(', ')}); need at least RT, accuracy and condition`,
    );
  }
  const rows = rest.map((r) => fields.map((_, j) => (r[j] ?? '').trim()));
  return { fields, rows, delimiter: res.meta.delimiter };
}

export type RtUnit = 's' | 'ms';
/** 'accuracy': 1 = correct; 'error': 1 = error (DMCfun's Error column). */
export type AccuracyKind = 'accuracy' | 'error';

export interface ColumnMapping {
  /** Column index, or null: all rows are one participant. */
  participant: number | null;
  rt: number | null;
  rtUnit: RtUnit;
  accuracy: number | null;
  accuracyKind: AccuracyKind;
  condition: number | null;
  /** Which condition value (as written in the file) is congruent; the other one is incongruent. */
  congruentValue: string | null;
  /** Extra columns to infer per participant × group. */
  groups: number[];
}

const NAME = {
  participant: /^(subject|subj|sub|participant|participant_?id|vp|pid|id|person)$/i,
  rt: /^(rt|rts|reaction_?time|response_?time|latency|rt_?ms|rt_?s)$/i,
  accuracy: /^(acc|accuracy|correct|corr|is_?correct)$/i,
  error: /^(error|err|errors|is_?error)$/i,
  condition:
    /^(comp|congruency|congruency_?num|congruent|congruence|condition|cond|compatibility|compatible|trial_?type)$/i,
};
/** Spellings of the congruent level, checked before falling back to 0. */
const CONGRUENT_WORDS = /^(comp|compatible|congruent|cong|con|c|congr)$/i;
/** Extra columns with at most this many distinct values are offered as groups by default. */
const GROUP_MAX_LEVELS = 10;

/** Distinct non-empty values of a column, in order of first appearance (at most `limit`). */
export function distinctValues(table: RawTable, col: number, limit = Infinity): string[] {
  const seen = new Set<string>();
  for (const r of table.rows) {
    const v = r[col]!;
    if (v !== '') seen.add(v);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

/** The guessed congruent value of a condition column's levels (shown to the user, changeable). */
export function guessCongruent(levels: readonly string[]): string | null {
  const word = levels.find((v) => CONGRUENT_WORDS.test(v));
  if (word !== undefined) return word;
  if (levels.includes('0')) return '0';
  return levels[0] ?? null;
}

/** RT unit from the median of the column's numeric cells: no human answers a conflict task in 20 s, nor in 20 ms. */
export function guessRtUnit(table: RawTable, col: number): RtUnit {
  const xs = table.rows
    .map((r) => Number(r[col]))
    .filter((x) => Number.isFinite(x) && x > 0)
    .sort((a, b) => a - b);
  if (xs.length === 0) return 's';
  return xs[Math.floor(xs.length / 2)]! > 20 ? 'ms' : 's';
}

export function detectMapping(table: RawTable): ColumnMapping {
  const find = (re: RegExp): number | null => {
    const j = table.fields.findIndex((f) => re.test(f));
    return j < 0 ? null : j;
  };
  const participant = find(NAME.participant);
  const rt = find(NAME.rt);
  const accCol = find(NAME.accuracy);
  const errCol = accCol === null ? find(NAME.error) : null;
  const condition = find(NAME.condition);
  const used = new Set([participant, rt, accCol, errCol, condition].filter((x): x is number => x !== null));
  const groups: number[] = [];
  table.fields.forEach((f, j) => {
    // an unnamed first column is pandas' index (amortized-dmc CSVs), never a grouping variable
    if (used.has(j) || (f === '' && j === 0)) return;
    const levels = distinctValues(table, j, GROUP_MAX_LEVELS + 1);
    if (levels.length >= 1 && levels.length <= GROUP_MAX_LEVELS) groups.push(j);
  });
  return {
    participant,
    rt,
    rtUnit: rt === null ? 's' : guessRtUnit(table, rt),
    accuracy: accCol ?? errCol,
    accuracyKind: errCol !== null ? 'error' : 'accuracy',
    condition,
    congruentValue: condition === null ? null : guessCongruent(distinctValues(table, condition, 3)),
    groups,
  };
}

export interface ImportRules {
  /** Last simulated time step of the network (ms): slower trials are excluded (the network never saw them). */
  tmaxMs: number;
  /** Fewest trials per condition a participant (× group) must keep after exclusions. */
  minTrialsPerCondition: number;
  /** RTs above this (s) are not plausible responses: an error, not an exclusion (wrong unit, a code like 9999). */
  absurdRtS: number;
}

export const DEFAULT_RULES: ImportRules = { tmaxMs: 1500, minTrialsPerCondition: 10, absurdRtS: 30 };

/** One participant (× group): its trials in the simulator's coding. */
export interface ParticipantData {
  /** Unique id: the participant, then `name=value` per group column, joined by ' | '. */
  id: string;
  participant: string;
  groups: Record<string, string>;
  rt: Float32Array;
  accuracy: Float32Array;
  conditions: Float32Array;
  /** Trials removed by the exclusion rule. */
  excluded: number;
}

export interface ImportIssue {
  /** The rule broken, in words. */
  rule: string;
  /** File lines (the header is line 1). */
  lines: number[];
}

export interface ImportSummary {
  participants: ParticipantData[];
  trials: number;
  /** Trials excluded (RT > tmax), with their lines. */
  excluded: { rule: string; lines: number[] };
}

export type ImportResult = { ok: true; data: ImportSummary } | { ok: false; issues: ImportIssue[] };

/** "lines 3, 8, 12 and 40 more" */
export function formatLines(lines: readonly number[], max = 8): string {
  if (lines.length === 0) return '';
  const head = lines.slice(0, max).join(', ');
  const more = lines.length > max ? ` and ${lines.length - max} more` : '';
  return `${lines.length === 1 ? 'line' : 'lines'} ${head}${more}`;
}

export function formatIssue(i: ImportIssue): string {
  return i.lines.length === 0 ? i.rule : `${i.rule}: ${formatLines(i.lines)}`;
}

/** Validates every row against the mapping and rules and groups the trials; nothing on any error. */
export function applyMapping(table: RawTable, m: ColumnMapping, rules: ImportRules = DEFAULT_RULES): ImportResult {
  const issues: ImportIssue[] = [];
  const missing: string[] = [];
  if (m.rt === null) missing.push('RT');
  if (m.accuracy === null) missing.push('accuracy/error');
  if (m.condition === null) missing.push('condition');
  if (missing.length > 0) {
    return {
      ok: false,
      issues: [
        {
          rule: `No column is mapped to ${missing.join(', ')} (header: ${table.fields.map((f) => f || '(unnamed)').join(', ')})`,
          lines: [],
        },
      ],
    };
  }
  const rtCol = m.rt!;
  const accCol = m.accuracy!;
  const condCol = m.condition!;
  if (table.rows.length === 0)
    return { ok: false, issues: [{ rule: 'The file has a header but no data rows', lines: [] }] };
  const levels = distinctValues(table, condCol);
  if (levels.length !== 2) {
    return {
      ok: false,
      issues: [
        {
          rule: `The condition column "${table.fields[condCol]}" must have exactly 2 values (congruent, incongruent); it has ${levels.length}: ${levels.slice(0, 6).join(', ')}`,
          lines: [],
        },
      ],
    };
  }
  const congruent = m.congruentValue !== null && levels.includes(m.congruentValue) ? m.congruentValue : null;
  if (congruent === null) {
    return {
      ok: false,
      issues: [{ rule: `Choose which condition value is congruent (${levels.join(' or ')})`, lines: [] }],
    };
  }
  const bad = new Map<string, number[]>();
  const flag = (rule: string, line: number): void => {
    const l = bad.get(rule);
    if (l) l.push(line);
    else bad.set(rule, [line]);
  };
  const rtName = table.fields[rtCol] || `column ${rtCol + 1}`;
  const accName = table.fields[accCol] || `column ${accCol + 1}`;
  const scale = m.rtUnit === 'ms' ? 1e-3 : 1;
  const tmaxS = rules.tmaxMs / 1000;
  const excludedLines: number[] = [];
  interface Acc {
    participant: string;
    groups: Record<string, string>;
    rt: number[];
    acc: number[];
    cond: number[];
    lines: number[];
    excluded: number;
  }
  const byId = new Map<string, Acc>();
  table.rows.forEach((r, i) => {
    const line = i + 2;
    const rawRt = r[rtCol]!;
    const rt = rawRt === '' ? NaN : Number(rawRt) * scale;
    const rawAcc = r[accCol]!;
    const rawCond = r[condCol]!;
    let ok = true;
    if (!Number.isFinite(rt)) {
      flag(`"${rtName}" is not a number`, line);
      ok = false;
    } else if (rt <= 0) {
      flag(`"${rtName}" must be > 0`, line);
      ok = false;
    } else if (rt > rules.absurdRtS) {
      flag(
        `"${rtName}" above ${rules.absurdRtS} s is not a response time${m.rtUnit === 's' ? ' (if the RTs are in ms, set the unit to ms)' : ''}`,
        line,
      );
      ok = false;
    }
    const accNum = rawAcc === '' ? NaN : Number(rawAcc);
    if (accNum !== 0 && accNum !== 1) {
      flag(`"${accName}" must be 0 or 1`, line);
      ok = false;
    }
    if (rawCond === '') {
      flag(`the condition "${table.fields[condCol]}" is empty`, line);
      ok = false;
    }
    const participant = m.participant === null ? 'all' : r[m.participant]!;
    if (participant === '') {
      flag(`the participant "${table.fields[m.participant!]}" is empty`, line);
      ok = false;
    }
    const groups: Record<string, string> = {};
    for (const g of m.groups) {
      const v = r[g]!;
      if (v === '') {
        flag(`the group column "${table.fields[g]}" is empty`, line);
        ok = false;
      }
      groups[table.fields[g] || `column ${g + 1}`] = v;
    }
    if (!ok) return;
    const id = [participant, ...Object.entries(groups).map(([k, v]) => `${k}=${v}`)].join(' | ');
    let a = byId.get(id);
    if (a === undefined) {
      a = { participant, groups, rt: [], acc: [], cond: [], lines: [], excluded: 0 };
      byId.set(id, a);
    }
    a.lines.push(line);
    if (rt > tmaxS) {
      // the network only saw trials that ended by tmax; a slower one would be read as an impossible data point
      excludedLines.push(line);
      a.excluded++;
      return;
    }
    a.rt.push(rt);
    a.acc.push(m.accuracyKind === 'accuracy' ? accNum : 1 - accNum);
    a.cond.push(rawCond === congruent ? 0 : 1);
  });
  for (const [rule, lines] of bad) issues.push({ rule, lines });
  // checked even when rows are bad, so one pass over a file reports every problem it has
  const participants: ParticipantData[] = [];
  for (const [id, a] of byId) {
    const nCong = a.cond.filter((c) => c === 0).length;
    const nInc = a.cond.length - nCong;
    if (nCong < rules.minTrialsPerCondition || nInc < rules.minTrialsPerCondition) {
      issues.push({
        rule: `Participant ${id} has ${nCong} congruent and ${nInc} incongruent trials after exclusions; at least ${rules.minTrialsPerCondition} per condition are needed`,
        lines: a.lines,
      });
      continue;
    }
    participants.push({
      id,
      participant: a.participant,
      groups: a.groups,
      rt: Float32Array.from(a.rt),
      accuracy: Float32Array.from(a.acc),
      conditions: Float32Array.from(a.cond),
      excluded: a.excluded,
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  // Files sorted as text (R writes factor levels 1, 10, 11, …, 2) are shown in numeric order.
  participants.sort((a, b) => naturalCompare(a.id, b.id));
  return {
    ok: true,
    data: {
      participants,
      trials: participants.reduce((s, p) => s + p.rt.length, 0),
      excluded: {
        rule: `RT > tmax = ${rules.tmaxMs} ms (the network's simulated range; such trials are timeouts to the simulator)`,
        lines: excludedLines,
      },
    },
  };
}

const COLLATOR = new Intl.Collator('en', { numeric: true });

/** "2" before "10", "p2" before "p10": numbers inside ids compare as numbers. */
export function naturalCompare(a: string, b: string): number {
  return COLLATOR.compare(a, b);
}

/** Parse + detect + apply in one go (CLI, tests). */
export function importTrials(
  text: string,
  rules: ImportRules = DEFAULT_RULES,
  mapping?: Partial<ColumnMapping>,
): { table: RawTable; mapping: ColumnMapping; result: ImportResult } {
  const table = parseTable(text);
  const m = { ...detectMapping(table), ...mapping };
  return { table, mapping: m, result: applyMapping(table, m, rules) };
}
