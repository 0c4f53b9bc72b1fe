/**
 * Trial filters of the Results view, as pure functions: the filter model, applying it to a study's
 * trials, and its text in the URL's query (`#/results/3?state=COMPLETE,PRUNED&p.lr=1e-4..1e-3&top=5`).
 *
 * URL grammar (each part optional, `&`-separated, in this order when written):
 * - `state=NAME,NAME` — Optuna's state names (COMPLETE, PRUNED, FAIL, RUNNING, WAITING), any case;
 * - `p.<param>=MIN..MAX` — a numeric range, either end may be left out (`..1e-3`), both inclusive;
 * - `p.<param>=A,B` — chosen values (categorical choices, or exact numbers); each value is
 *   percent-encoded with `,` and `.` escaped, so a raw `..` only ever means a range;
 * - `top=K` — the K best trials by objective value (a multi-objective study: the first K Pareto fronts);
 *   `top=best` — best only (multi-objective: the Pareto set, see `bestTrials`).
 * Reading never throws: a malformed part is dropped and named in a plain notice.
 * Filters combine with AND; best/top rank the COMPLETE trials that pass the other filters.
 */
import {
  lossMatrix,
  nonDominatedSort,
  StudyDirection,
  TRIAL_STATE_NAMES,
  TrialState,
  type CategoricalChoice,
  type FrozenTrial,
} from '../engine/index.ts';

export type ParamFilter =
  | { readonly kind: 'range'; readonly min: number | null; readonly max: number | null }
  | { readonly kind: 'values'; readonly values: readonly string[] };

/** 'best': best only (Pareto set when multi-objective); a number K: the K best (K first fronts). */
export type RankFilter = 'best' | number;

export interface TrialFilter {
  /** Kept states, in TrialState order; null = every state. */
  readonly states: readonly TrialState[] | null;
  /** Parameter name → condition; a trial without the parameter fails its condition. */
  readonly params: Readonly<Record<string, ParamFilter>>;
  readonly rank: RankFilter | null;
}

export const NO_FILTER: TrialFilter = { states: null, params: {}, rank: null };

export function isFilterEmpty(f: TrialFilter): boolean {
  return f.states === null && Object.keys(f.params).length === 0 && f.rank === null;
}

const STATE_BY_NAME = new Map(
  Object.entries(TRIAL_STATE_NAMES).map(([n, name]) => [name, Number(n) as TrialState] as const),
);
const STATE_ORDER = [...STATE_BY_NAME.values()].sort((a, b) => a - b);

/** The text a categorical choice (or a number) is matched and written by. */
export function choiceKey(v: CategoricalChoice | undefined): string {
  return v === undefined ? '' : v === null ? 'null' : String(v);
}

function encodeValue(s: string): string {
  return encodeURIComponent(s).replace(/\./g, '%2E');
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** A finite number from URL text (`1e-4`, `-0.5`, `32`), or null. */
function numberText(s: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** Shortest text that reads back as the same number (`0.0001` → `1e-4` is not needed: String round-trips). */
function numberOut(v: number): string {
  return String(v).replace('e+', 'e');
}

/** The filter in a URL query (no leading `?`); '' for no filter. Parameters are written in name order. */
export function filterToQuery(f: TrialFilter): string {
  const parts: string[] = [];
  if (f.states !== null) parts.push(`state=${f.states.map((s) => TRIAL_STATE_NAMES[s]).join(',')}`);
  for (const name of Object.keys(f.params).sort()) {
    const c = f.params[name]!;
    const value =
      c.kind === 'range'
        ? `${c.min === null ? '' : numberOut(c.min)}..${c.max === null ? '' : numberOut(c.max)}`
        : c.values.map(encodeValue).join(',');
    parts.push(`p.${encodeValue(name)}=${value}`);
  }
  if (f.rank !== null) parts.push(`top=${f.rank}`);
  return parts.join('&');
}

export interface ParsedFilter {
  readonly filter: TrialFilter;
  /** One plain sentence per part of the query that was ignored. */
  readonly notices: readonly string[];
}

/** Reads a URL query (with or without `?`). Never throws; what it cannot read it ignores and names. */
export function filterFromQuery(query: string): ParsedFilter {
  const notices: string[] = [];
  let states: TrialState[] | null = null;
  const params: Record<string, ParamFilter> = {};
  let rank: RankFilter | null = null;
  const ignore = (part: string, why: string): void => {
    notices.push(`Ignored “${part.length > 80 ? `${part.slice(0, 80)}…` : part}” in the address: ${why}.`);
  };
  for (const part of query.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    if (key === null) {
      ignore(part, 'it is not valid percent-encoding');
    } else if (key === 'state') {
      const names = raw.split(',').map((s) => (decode(s) ?? '').trim().toUpperCase());
      const bad = names.filter((n) => !STATE_BY_NAME.has(n));
      if (bad.length > 0 || raw === '')
        ignore(part, `trial states are ${[...STATE_BY_NAME.keys()].join(', ')}, separated by commas`);
      else {
        const set = new Set(names.map((n) => STATE_BY_NAME.get(n)!));
        states = STATE_ORDER.filter((s) => set.has(s));
      }
    } else if (key.startsWith('p.') && key.length > 2) {
      const c = paramFilterFromText(raw);
      if (typeof c === 'string') ignore(part, c);
      else params[key.slice(2)] = c;
    } else if (key === 'top') {
      if (raw === 'best') rank = 'best';
      else if (/^\d{1,6}$/.test(raw) && Number(raw) >= 1) rank = Number(raw);
      else ignore(part, 'top takes a whole number of trials from 1 up, or “best”');
    } else {
      ignore(part, 'the filters are state, p.<parameter> and top');
    }
  }
  return { filter: { states, params, rank }, notices };
}

/** A parameter condition from its URL text, or the reason it cannot be read. */
function paramFilterFromText(raw: string): ParamFilter | string {
  const range = /^([^,]*)\.\.([^,]*)$/.exec(raw);
  if (range !== null) {
    const [lo, hi] = [decode(range[1]!), decode(range[2]!)];
    const min = lo === '' || lo === null ? null : numberText(lo);
    const max = hi === '' || hi === null ? null : numberText(hi);
    if ((lo !== '' && min === null) || (hi !== '' && max === null))
      return 'a range is MIN..MAX with plain numbers (either may be left out)';
    if (min === null && max === null) return 'a range needs at least one end';
    if (min !== null && max !== null && min > max) return `the range's minimum ${min} is above its maximum ${max}`;
    return { kind: 'range', min, max };
  }
  const values = raw.split(',').map(decode);
  if (values.some((v) => v === null) || values.every((v) => v === ''))
    return 'give values separated by commas, or a range MIN..MAX';
  return { kind: 'values', values: [...new Set(values as string[])].filter((v) => v !== '') };
}

function passesParams(t: FrozenTrial, params: Readonly<Record<string, ParamFilter>>): boolean {
  for (const [name, c] of Object.entries(params)) {
    if (!(name in t.params)) return false;
    const v = t.params[name];
    if (c.kind === 'values') {
      if (!c.values.includes(choiceKey(v))) return false;
    } else {
      if (typeof v !== 'number' || Number.isNaN(v)) return false;
      if (c.min !== null && v < c.min) return false;
      if (c.max !== null && v > c.max) return false;
    }
  }
  return true;
}

/** Objective values turned so that lower is better in every objective (maximized ones negated). */
function lossVector(t: FrozenTrial, directions: readonly StudyDirection[]): number[] | null {
  if (t.state !== TrialState.COMPLETE || t.values === null || t.values.length !== directions.length) return null;
  if (!t.values.every((v) => !Number.isNaN(v))) return null;
  return t.values.map((v, i) => (directions[i] === StudyDirection.MAXIMIZE ? -v : v));
}

/**
 * Non-dominated fronts of the COMPLETE trials (front 0 = the Pareto set), by the engine's non-domination
 * ranks (Optuna's `_fast_non_domination_rank`). Trials with a NaN value or another number of values than
 * objectives are in no front.
 */
export function paretoFronts(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): FrozenTrial[][] {
  const scored = trials.filter((t) => lossVector(t, directions) !== null);
  const names = directions.map((d) => (d === StudyDirection.MAXIMIZE ? 'maximize' : 'minimize'));
  const ranks = nonDominatedSort(lossMatrix(scored, names));
  const fronts: FrozenTrial[][] = [];
  scored.forEach((t, i) => (fronts[ranks[i]!] ??= []).push(t));
  return fronts.filter((f) => f !== undefined);
}

/**
 * The `bestOnly` hook: the best trial(s) among `trials`. One objective: the trial(s) with the best value
 * (ties kept). Several objectives: the Pareto set.
 */
export function bestTrials(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): FrozenTrial[] {
  return paretoFronts(trials, directions)[0] ?? [];
}

/** The K best: one objective, the K lowest (maximize: highest) values, ties by trial number; else K fronts. */
export function topTrials(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  k: number,
): FrozenTrial[] {
  if (directions.length > 1) return paretoFronts(trials, directions).slice(0, k).flat();
  return trials
    .flatMap((t) => {
      const v = lossVector(t, directions);
      return v === null ? [] : [{ t, v: v[0]! }];
    })
    .sort((a, b) => a.v - b.v || a.t.number - b.t.number)
    .slice(0, k)
    .map((x) => x.t);
}

/** The trials that pass the filter, in their original order. */
export function applyTrialFilter(
  trials: readonly FrozenTrial[],
  f: TrialFilter,
  directions: readonly StudyDirection[],
): FrozenTrial[] {
  const states = f.states === null ? null : new Set(f.states);
  const passed = trials.filter((t) => (states === null || states.has(t.state)) && passesParams(t, f.params));
  if (f.rank === null) return passed;
  const kept = new Set(f.rank === 'best' ? bestTrials(passed, directions) : topTrials(passed, directions, f.rank));
  return passed.filter((t) => kept.has(t));
}

/** What the filter bar offers for one parameter: the range its trials span, or the values they took. */
export type ParamDomain =
  | { readonly name: string; readonly kind: 'numeric'; readonly low: number; readonly high: number }
  | { readonly name: string; readonly kind: 'values'; readonly values: readonly string[] };

/** Parameters of the study's trials, by name: numeric (float/int distributions) or categorical. */
export function paramDomains(trials: readonly FrozenTrial[]): ParamDomain[] {
  const byName = new Map<string, { numeric: boolean; nums: number[]; keys: Set<string> }>();
  for (const t of trials)
    for (const [name, v] of Object.entries(t.params)) {
      const d = byName.get(name) ?? { numeric: true, nums: [], keys: new Set<string>() };
      if (t.distributions[name]?.type === 'categorical' || typeof v !== 'number') d.numeric = false;
      if (typeof v === 'number' && Number.isFinite(v)) d.nums.push(v);
      d.keys.add(choiceKey(v));
      byName.set(name, d);
    }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, d]) =>
      d.numeric && d.nums.length > 0
        ? { name, kind: 'numeric', low: Math.min(...d.nums), high: Math.max(...d.nums) }
        : { name, kind: 'values', values: [...d.keys].sort() },
    );
}

/**
 * The filter without conditions on parameters no trial of the study has (a link made for another study):
 * such a condition would hide every trial, so it is dropped and named in a notice instead.
 */
export function withKnownParams(
  f: TrialFilter,
  domains: readonly ParamDomain[],
): { filter: TrialFilter; notices: string[] } {
  const names = new Set(domains.map((d) => d.name));
  const unknown = Object.keys(f.params).filter((n) => !names.has(n));
  if (unknown.length === 0) return { filter: f, notices: [] };
  const params = Object.fromEntries(Object.entries(f.params).filter(([n]) => names.has(n)));
  return {
    filter: { ...f, params },
    notices: unknown.map((n) => `Ignored the filter on “${n}”: no trial of this study has that parameter.`),
  };
}
