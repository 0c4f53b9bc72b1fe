/**
 * Trials as CSV, with the columns of Optuna's `study.trials_dataframe()` (optuna/study/_dataframe.py,
 * default attrs, multi_index=False) written the way `DataFrame.to_csv(index=False)` writes them:
 * number, value (values_0, values_1, … for several objectives), datetime_start, datetime_complete,
 * duration, params_<name>…, user_attrs_<name>… (the trial metrics), [system_attrs_<name>…], state.
 * Nested columns are sorted by name within their group, as Optuna sorts them.
 *
 * Cells: numbers in shortest round-trip form; NaN and ±Infinity spelled "NaN", "Infinity",
 * "-Infinity" (pandas would write "" and "inf", which a reader cannot tell from a missing value);
 * missing values empty; booleans and None as Python prints them (True, False, empty); JSON objects
 * and arrays as JSON; datetimes and durations as pandas prints them. Quoting is RFC 4180 / pandas
 * QUOTE_MINIMAL: a cell with a comma, double quote, CR or LF is quoted, quotes doubled. Lines end
 * in "\n" like pandas.
 */
import { isPyNumberBox, type FrozenTrial, type JsonValue, TRIAL_STATE_NAMES } from '../engine/index.ts';
import { formatPandasDatetime, formatPandasTimedelta, parseDatetime } from './datetime.ts';

export interface CsvOptions {
  /** Add system_attrs_* columns (Optuna's default attrs include them; they are engine internals). */
  readonly includeSystemAttrs?: boolean;
  /**
   * A multi-objective study's best trials (its Pareto set): adds a last column `pareto_front` (True /
   * False), after Optuna's own columns, so the best trials travel with the CSV.
   */
  readonly paretoFront?: ReadonlySet<number>;
}

export function csvCell(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  // The token Python wrote (1.0, a big int), as pandas prints it.
  if (isPyNumberBox(v)) return v.$py;
  const text = typeof v === 'string' ? v : jsonText(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** JSON with NaN/Infinity kept readable (JSON.stringify would turn them into null). */
function jsonText(v: JsonValue): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
}

export function trialsToCsv(trials: readonly FrozenTrial[], opts: CsvOptions = {}): string {
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  const nValues = Math.max(1, ...sorted.map((t) => t.values?.length ?? 0));
  const keys = (pick: (t: FrozenTrial) => object): string[] =>
    [...new Set(sorted.flatMap((t) => Object.keys(pick(t))))].sort();
  const params = keys((t) => t.params);
  const userAttrs = keys((t) => t.userAttrs);
  const systemAttrs = opts.includeSystemAttrs ? keys((t) => t.systemAttrs) : [];

  const valueColumns = nValues === 1 ? ['value'] : Array.from({ length: nValues }, (_, k) => `values_${k}`);
  const header = [
    'number',
    ...valueColumns,
    'datetime_start',
    'datetime_complete',
    'duration',
    ...params.map((p) => `params_${p}`),
    ...userAttrs.map((a) => `user_attrs_${a}`),
    ...systemAttrs.map((a) => `system_attrs_${a}`),
    'state',
    ...(opts.paretoFront === undefined ? [] : ['pareto_front']),
  ];
  const lines = [header.map((h) => csvCell(h)).join(',')];
  for (const t of sorted) {
    const duration =
      t.datetimeStart !== null && t.datetimeComplete !== null
        ? formatPandasTimedelta(parseDatetime(t.datetimeComplete).micros - parseDatetime(t.datetimeStart).micros)
        : '';
    const cells = [
      csvCell(t.number),
      ...Array.from({ length: nValues }, (_, k) => csvCell(t.values?.[k] ?? null)),
      t.datetimeStart === null ? '' : csvCell(formatPandasDatetime(t.datetimeStart)),
      t.datetimeComplete === null ? '' : csvCell(formatPandasDatetime(t.datetimeComplete)),
      duration,
      ...params.map((p) => csvCell(t.params[p])),
      ...userAttrs.map((a) => csvCell(t.userAttrs[a])),
      ...systemAttrs.map((a) => csvCell(t.systemAttrs[a])),
      csvCell(TRIAL_STATE_NAMES[t.state]),
      ...(opts.paretoFront === undefined ? [] : [csvCell(opts.paretoFront.has(t.number))]),
    ];
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
