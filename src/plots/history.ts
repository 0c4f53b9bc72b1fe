/**
 * Optimization history (optuna/visualization/_optimization_history.py, Optuna 5.0) of one study or of
 * several side by side: the objective of every COMPLETE trial against its number, and the best value
 * so far over the feasible trials (np.minimum/maximum.accumulate, infeasible and unfinished trials
 * counting as ±inf), drawn at every trial number. Trials that violate a constraint are grey.
 * With `errorBar` the studies collapse into one: at each trial number the mean and (population)
 * standard deviation over the studies of the feasible values and of the best values, as Optuna's
 * `error_bar=True`. `historyInfo` returns Optuna's numbers; `buildHistoryPlot` draws them.
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { type FrozenTrial, isFeasible, TrialState, trialValue } from '../engine/index.ts';
import { baseOptions, completed, targetAxisTitle, targetName } from './common.ts';
import { formatNumber } from './format.ts';
import { seriesColor, STATE_COLORS, withAlpha } from './colors.ts';
import { chart, type Direction, empty, type Plot, type TargetOptions } from './types.ts';

export const HISTORY_TITLE = 'Optimization History Plot';

/** One study's trials with what the plots need to know about it. */
export interface StudyTrials {
  readonly name: string;
  readonly direction: Direction;
  readonly trials: readonly FrozenTrial[];
}

export type ValueState = 'feasible' | 'infeasible' | 'incomplete';

export interface ValuesInfo {
  readonly values: readonly number[];
  /** Standard deviations across studies (error-bar mode), else null. */
  readonly stds: readonly number[] | null;
  readonly label: string;
  readonly states: readonly ValueState[];
}

/** Optuna's `_OptimizationHistoryInfo`. */
export interface HistoryInfo {
  readonly trialNumbers: readonly number[];
  readonly values: ValuesInfo;
  readonly best: ValuesInfo;
}

export interface HistoryOptions extends Omit<TargetOptions, 'direction'> {
  /** Mean ± standard deviation across the studies instead of one series per study. */
  readonly errorBar?: boolean;
}

export interface HistoryPoint {
  readonly x: number;
  readonly y: number | null;
}

/**
 * Running best over the values in trial order. NaN never becomes the best (Optuna stores no NaN for
 * COMPLETE trials, but an imported journal may). ±Infinity is a legal value and may be the best;
 * chart.js cannot draw it, so the caller turns non-finite bests into gaps.
 */
export function runningBest(values: readonly number[], minimize: boolean): number[] {
  const out: number[] = [];
  let best = Number.NaN;
  for (const v of values) {
    if (!Number.isNaN(v) && (Number.isNaN(best) || (minimize ? v < best : v > best))) best = v;
    out.push(best);
  }
  return out;
}

function studyInfo(s: StudyTrials, name: string, many: boolean): HistoryInfo {
  const trials = [...s.trials].sort((a, b) => a.number - b.number);
  const states: ValueState[] = [];
  const values: number[] = [];
  for (const t of trials) {
    const v = t.state === TrialState.COMPLETE ? trialValue(t) : null;
    if (v === null) {
      states.push('incomplete');
      values.push(Number.NaN);
    } else {
      states.push(isFeasible(t) ? 'feasible' : 'infeasible');
      values.push(v);
    }
  }
  const minimize = s.direction === 'minimize';
  const worst = minimize ? Infinity : -Infinity;
  const best = runningBest(
    values.map((v, k) => (states[k] === 'feasible' ? v : worst)),
    minimize,
  );
  return {
    trialNumbers: trials.map((t) => t.number),
    values: { values, stds: null, label: many ? `${name} of ${s.name}` : name, states },
    best: { values: best, stds: null, label: many ? `Best Value of ${s.name}` : 'Best Value', states },
  };
}

/** NumPy's mean and std (ddof 0) of a few values, summed in order as NumPy does below 8 values. */
function meanStd(xs: readonly number[]): [number, number] {
  let s = 0;
  for (const x of xs) s += x;
  const m = s / xs.length;
  let q = 0;
  for (const x of xs) q += (x - m) * (x - m);
  return [m, Math.sqrt(q / xs.length)];
}

function aggregate(list: readonly HistoryInfo[], label: string, useBest: boolean): [number[], ValuesInfo] {
  const size = Math.max(...list.flatMap((i) => i.trialNumbers)) + 1;
  const values: number[][] = Array.from({ length: size }, () => []);
  const states: ValueState[][] = Array.from({ length: size }, () => []);
  for (const info of list) {
    const v = useBest ? info.best : info.values;
    info.trialNumbers.forEach((n, k) => {
      const x = v.values[k]!;
      // As Optuna: the values of feasible trials, the best values of every trial, never ±inf.
      if (x !== Infinity && x !== -Infinity && (useBest || v.states[k] === 'feasible')) values[n]!.push(x);
      states[n]!.push(v.states[k]!);
    });
  }
  const numbers: number[] = [];
  const means: number[] = [];
  const stds: number[] = [];
  const outStates: ValueState[] = [];
  for (let i = 0; i < size; i++) {
    if (states[i]!.includes('feasible')) {
      const [m, sd] = meanStd(values[i]!);
      numbers.push(i);
      means.push(m);
      stds.push(sd);
      outStates.push('feasible');
    } else outStates.push('infeasible');
  }
  return [numbers, { values: means, stds, label, states: outStates }];
}

/**
 * Optuna's `_get_optimization_history_info_list`: one entry per study, none when no study has a
 * COMPLETE trial, or with `errorBar` a single aggregated entry (none without a feasible trial).
 */
export function historyInfo(studies: readonly StudyTrials[], opts: HistoryOptions = {}): HistoryInfo[] {
  const name = targetName(opts);
  const list = studies.map((s) => studyInfo(s, name, studies.length > 1));
  const count = (st: ValueState): number =>
    list.reduce((n, i) => n + i.values.states.filter((x) => x === st).length, 0);
  if (count('feasible') + count('infeasible') === 0) return [];
  if (opts.errorBar !== true) return list;
  if (count('feasible') === 0) return [];
  const [numbers, values] = aggregate(list, name, false);
  const [, best] = aggregate(list, 'Best Value', true);
  return [{ trialNumbers: numbers, values, best }];
}

const finite = (y: number): number | null => (Number.isFinite(y) ? y : null);

function datasets(info: HistoryInfo, k: number, single: boolean): ChartDataset<'scatter', HistoryPoint[]>[] {
  const color = single ? STATE_COLORS[1] : seriesColor(k);
  const bestColor = single ? '#d62728' : seriesColor(k);
  const { values, best, trialNumbers } = info;
  const at = (state: ValueState): HistoryPoint[] =>
    trialNumbers.flatMap((x, i) =>
      values.states[i] === state && Number.isFinite(values.values[i]!) ? [{ x, y: values.values[i]! }] : [],
    );
  const out: ChartDataset<'scatter', HistoryPoint[]>[] = [];
  if (values.stds === null) {
    out.push({ label: values.label, data: at('feasible'), backgroundColor: color, borderColor: color, pointRadius: 4 });
  } else {
    const stds = values.stds;
    out.push({
      label: values.label,
      data: trialNumbers.map((x, i) => ({ x, y: finite(values.values[i]!) })),
      backgroundColor: color,
      borderColor: color,
      pointRadius: 4,
    });
    // Error bars as vertical segments, each broken off from the next by a gap.
    out.push({
      label: `${values.label} ± 1 SD`,
      data: trialNumbers.flatMap((x, i) => [
        { x, y: finite(values.values[i]! - stds[i]!) },
        { x, y: finite(values.values[i]! + stds[i]!) },
        { x, y: null },
      ]),
      showLine: true,
      spanGaps: false,
      pointRadius: 0,
      borderColor: withAlpha(color, 0.6),
      borderWidth: 1,
    });
  }
  const line = (ys: readonly number[]): HistoryPoint[] => trialNumbers.map((x, i) => ({ x, y: finite(ys[i]!) }));
  out.push({
    label: best.label,
    data: line(best.values),
    showLine: true,
    borderColor: bestColor,
    backgroundColor: bestColor,
    pointRadius: 0,
    borderWidth: 2,
    spanGaps: false,
  });
  if (best.stds !== null) {
    const sd = best.stds;
    const band = { showLine: true, pointRadius: 0, borderWidth: 1, borderColor: 'rgba(255, 0, 0, 0.35)' };
    out.push({ ...band, label: 'Best Value + 1 SD', data: line(best.values.map((v, i) => v + sd[i]!)) });
    out.push({ ...band, label: 'Best Value − 1 SD', data: line(best.values.map((v, i) => v - sd[i]!)) });
  }
  // Error-bar mode has no infeasible points (Optuna draws none there either).
  const infeasible = values.stds === null ? at('infeasible') : [];
  if (infeasible.length > 0)
    out.push({
      label: 'Infeasible Trial',
      data: infeasible,
      backgroundColor: '#cccccc',
      borderColor: '#cccccc',
      pointRadius: 4,
    });
  return out;
}

function subtitle(studies: readonly StudyTrials[], opts: HistoryOptions): string {
  const parts: string[] = [];
  for (const s of studies) {
    const done = completed(s.trials);
    const feasible = done.filter((d) => isFeasible(d.trial) && !Number.isNaN(d.value));
    const best = runningBest(
      feasible.map((d) => d.value),
      s.direction === 'minimize',
    ).at(-1);
    const bestTrial = best === undefined ? undefined : feasible.find((d) => d.value === best);
    // Several studies share one direction (Compare refuses mixed ones): the subtitle stays short.
    const one = studies.length === 1;
    let text = `${done.length} complete${one ? ` trial${done.length === 1 ? '' : 's'}` : ''}`;
    if (bestTrial)
      text += `, best ${formatNumber(best)} (trial ${bestTrial.trial.number}${one ? `, ${s.direction}` : ''})`;
    const omitted = done.filter((d) => !Number.isFinite(d.value)).length;
    if (omitted > 0) text += `, ${omitted} non-finite value${omitted === 1 ? '' : 's'} not drawn`;
    parts.push(studies.length === 1 ? text : `${s.name}: ${text}`);
  }
  if (opts.errorBar === true) parts.push('mean ± 1 SD');
  return parts.join(' · ');
}

/** The history of one or more studies (one series each, or mean ± SD with `errorBar`). */
export function buildHistoryPlot(studies: readonly StudyTrials[], opts: HistoryOptions = {}): Plot {
  const list = historyInfo(studies, opts);
  if (list.length === 0) {
    return empty(
      HISTORY_TITLE,
      studies.length > 1
        ? 'None of these studies has a completed (feasible) trial yet.'
        : 'No completed trials yet. The history appears once a trial finishes.',
    );
  }
  const options = baseOptions<'scatter'>(HISTORY_TITLE, subtitle(studies, opts));
  options.scales = {
    x: { type: 'linear', title: { display: true, text: 'Trial' }, ticks: { precision: 0 } },
    y: { type: 'linear', title: { display: true, text: targetAxisTitle(opts) } },
  };
  // The band edges and the error-bar segments need no legend entry of their own.
  options.plugins!.legend = { display: true, labels: { filter: (item) => !/ SD$/.test(item.text) } };
  const config: ChartConfiguration<'scatter', HistoryPoint[]> = {
    type: 'scatter',
    // One series (a single study, or the mean across studies): Optuna's blue points and red best line.
    data: { datasets: list.flatMap((info, k) => datasets(info, k, list.length === 1)) },
    options,
  };
  return chart(HISTORY_TITLE, config as ChartConfiguration);
}

/** One study's history (the Results view). */
export function buildOptimizationHistory(trials: readonly FrozenTrial[], opts: TargetOptions): Plot {
  return buildHistoryPlot([{ name: 'Study', direction: opts.direction, trials }], opts);
}
