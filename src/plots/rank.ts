/**
 * Rank plot (optuna/visualization/_rank.py, Optuna 5.0): for a pair of parameters, every COMPLETE
 * trial's parameter values as a point coloured by the rank of its target value among all COMPLETE
 * trials (ties averaged) on the RdYlBu_r scale: the lowest value dark blue, the highest dark red,
 * whatever the direction. Trials that violate a constraint are grey. Axes are padded by 5 % of the
 * observed range (in log10 on a log axis); parameters whose values are not all numbers get a
 * category axis. Two parameters make one panel; any other number n makes Optuna's n × n matrix.
 * `rankInfo` returns the numbers (what the test compares with Optuna's `_get_rank_info`), the
 * builders shape them for chart.js.
 */
import type { ChartConfiguration } from 'chart.js';
import { type FrozenTrial, type ParamValue, TrialState, trialConstraints, trialValue } from '../engine/index.ts';
import { baseOptions, DEFAULT_TARGET_NAME, formatChoice, paramNames, withColorBar, withUnit } from './common.ts';
import { formatNumber } from './format.ts';
import { INFEASIBLE_RGB, rankPositions, rankRgb, rankStops, rankTicks, rgbText } from './rank-colors.ts';
import { chart, type ChartPlot, empty, type Plot, PlotError, type PlotSet } from './types.ts';

export const RANK_TITLE = 'Rank Plot';
/** Optuna's PADDING_RATIO. */
const PADDING = 0.05;

export interface RankOptions {
  /** Parameters, default all (sorted). Unknown names throw, as in Optuna. */
  readonly params?: readonly string[];
  /** Value to rank by, default the (first) objective value; required for multi-objective studies. */
  readonly target?: (t: FrozenTrial) => number;
  /** Colour bar and tooltip name of the target (Optuna's default "Objective Value"). */
  readonly targetName?: string;
  readonly paramUnits?: Readonly<Record<string, string>>;
}

export interface RankAxis {
  readonly name: string;
  /** Optuna's padded range, in data units (a log axis: 10 ** the padded log10 range). */
  readonly range: readonly [number, number];
  readonly isLog: boolean;
  readonly isCat: boolean;
}

export interface RankPoint {
  /** A number, or the value's text on a category axis. */
  readonly x: number | string;
  readonly y: number | string;
  readonly trial: number;
  readonly value: number;
  readonly rgb: readonly [number, number, number];
}

export interface RankPanel {
  readonly xaxis: RankAxis;
  readonly yaxis: RankAxis;
  readonly points: readonly RankPoint[];
}

export interface RankInfo {
  readonly params: readonly string[];
  /** `panels[row][col]`: y parameter of the row, x parameter of the column (one panel for 2 params). */
  readonly panels: readonly (readonly RankPanel[])[];
  readonly targetName: string;
  /** Target values of the COMPLETE trials, in trial-number order. */
  readonly values: readonly number[];
  /** Colour bar ticks (quantiles of the values). */
  readonly ticks: readonly { at: number; text: string }[];
}

/** Optuna's `_is_numerical`: numbers only, decided by the first trial that has the parameter. */
function isNumerical(trials: readonly FrozenTrial[], name: string): boolean {
  const t = trials.find((x) => name in x.params);
  const d = t?.distributions[name];
  if (d === undefined) return true;
  return d.type !== 'categorical' || d.choices.every((c) => typeof c === 'number');
}

/** Optuna 5's `_is_log_scale`: the first trial that has the parameter decides. */
function isLogScale(trials: readonly FrozenTrial[], name: string): boolean {
  const t = trials.find((x) => name in x.params);
  const d = t?.distributions[name];
  return d !== undefined && d.type !== 'categorical' && d.log;
}

function numeric(name: string, v: ParamValue, trial: number): number {
  if (typeof v !== 'number')
    throw new PlotError(`rank plot: trial ${trial} has non-numeric value ${JSON.stringify(v)} for ${name}`);
  return v;
}

function axisInfo(trials: readonly FrozenTrial[], name: string): RankAxis {
  const having = trials.filter((t) => name in t.params);
  if (isNumerical(trials, name)) {
    const vs = having.map((t) => numeric(name, t.params[name]!, t.number));
    const min = Math.min(...vs);
    const max = Math.max(...vs);
    if (isLogScale(trials, name)) {
      const pad = (Math.log10(max) - Math.log10(min)) * PADDING;
      return {
        name,
        range: [10 ** (Math.log10(min) - pad), 10 ** (Math.log10(max) + pad)],
        isLog: true,
        isCat: false,
      };
    }
    const pad = (max - min) * PADDING;
    return { name, range: [min - pad, max + pad], isLog: false, isCat: false };
  }
  const span = new Set(having.map((t) => formatChoice(t.params[name]!))).size - 1;
  return { name, range: [-span * PADDING, span + span * PADDING], isLog: false, isCat: true };
}

function coord(axis: RankAxis, t: FrozenTrial): number | string {
  const v = t.params[axis.name]!;
  return axis.isCat ? formatChoice(v) : numeric(axis.name, v, t.number);
}

/** Optuna's `_get_rank_info` on a list of trials (any states; only COMPLETE ones are ranked). */
export function rankInfo(trials: readonly FrozenTrial[], opts: RankOptions = {}): RankInfo {
  const done = trials.filter((t) => t.state === TrialState.COMPLETE).sort((a, b) => a.number - b.number);
  const all = paramNames(done);
  const params = done.length === 0 ? [] : [...(opts.params ?? all)];
  for (const p of params)
    if (!all.includes(p)) throw new PlotError(`rank plot: parameter ${JSON.stringify(p)} does not exist in the study`);
  const target =
    opts.target ??
    ((t: FrozenTrial): number => {
      const v = trialValue(t);
      if (v === null || (t.values?.length ?? 0) > 1)
        throw new PlotError(`rank plot: trial ${t.number} has no single objective value; choose a target`);
      return v;
    });
  const values = done.map(target);
  const rgbs = rankPositions(values).map((p, k) =>
    Object.values(trialConstraints(done[k]!)).some((c) => c > 0) ? INFEASIBLE_RGB : rankRgb(p),
  );
  const panel = (xName: string, yName: string): RankPanel => {
    const xaxis = axisInfo(done, xName);
    const yaxis = axisInfo(done, yName);
    const points: RankPoint[] = [];
    done.forEach((t, k) => {
      if (!(xName in t.params) || !(yName in t.params)) return;
      points.push({ x: coord(xaxis, t), y: coord(yaxis, t), trial: t.number, value: values[k]!, rgb: rgbs[k]! });
    });
    return { xaxis, yaxis, points };
  };
  const panels =
    params.length === 2 ? [[panel(params[0]!, params[1]!)]] : params.map((y) => params.map((x) => panel(x, y)));
  return {
    params,
    panels,
    targetName: opts.targetName ?? DEFAULT_TARGET_NAME,
    values,
    ticks: values.length === 0 ? [] : rankTicks(values),
  };
}

function scale(axis: RankAxis, labels: string[], unit: string | undefined): object {
  const title = { display: true, text: withUnit(axis.name, unit) };
  if (axis.isCat) return { type: 'category', labels, offset: true, title };
  // Optuna's padded range, without ticks at its odd end points.
  return {
    type: axis.isLog ? 'logarithmic' : 'linear',
    min: axis.range[0],
    max: axis.range[1],
    ticks: { includeBounds: false },
    title,
  };
}

function panelChart(info: RankInfo, p: RankPanel, title: string, opts: RankOptions): ChartPlot {
  const options = baseOptions<'scatter'>(
    title,
    `${p.points.length} complete trials · colour: rank of ${info.targetName}`,
  );
  options.plugins!.legend = { display: false };
  options.plugins!.tooltip = {
    callbacks: {
      label: (item) => {
        const q = item.raw as RankPoint;
        const show = (v: number | string): string => (typeof v === 'number' ? formatNumber(v) : v);
        return `Trial ${q.trial}: ${p.xaxis.name} ${show(q.x)}, ${p.yaxis.name} ${show(q.y)}, ${info.targetName} ${formatNumber(q.value)}`;
      },
    },
  };
  withColorBar(options, { label: info.targetName, min: 0, max: 1, stops: rankStops(), ticks: info.ticks });
  // Categories in order of first appearance, as Plotly's category axis orders them.
  const labels = (key: 'x' | 'y'): string[] => [...new Set(p.points.map((q) => String(q[key])))];
  options.scales = {
    x: scale(p.xaxis, labels('x'), opts.paramUnits?.[p.xaxis.name]),
    y: scale(p.yaxis, labels('y'), opts.paramUnits?.[p.yaxis.name]),
  };
  const colors = p.points.map((q) => rgbText(q.rgb));
  const config: ChartConfiguration<'scatter', RankPoint[]> = {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: title,
          data: [...p.points],
          backgroundColor: colors,
          borderColor: 'grey',
          borderWidth: 0.5,
          pointRadius: 5,
        },
      ],
    },
    options,
  };
  return chart(title, config as ChartConfiguration);
}

function emptyReason(trials: readonly FrozenTrial[]): string | null {
  const done = trials.filter((t) => t.state === TrialState.COMPLETE);
  if (done.length === 0) return 'No completed trials yet. The rank plot appears once a trial finishes.';
  if (paramNames(done).length === 0) return 'The completed trials have no parameters.';
  return null;
}

/** One panel for a pair of parameters (the Results view's chosen pair). */
export function buildRankPlot(
  trials: readonly FrozenTrial[],
  opts: Omit<RankOptions, 'params'> & { readonly xParam: string; readonly yParam: string },
): Plot {
  const why = emptyReason(trials);
  if (why !== null) return empty(RANK_TITLE, why);
  const info = rankInfo(trials, { ...opts, params: [opts.xParam, opts.yParam] });
  return panelChart(info, info.panels[0]![0]!, RANK_TITLE, opts);
}

/** Optuna's figure: one panel for two parameters, the n × n matrix (row-major) otherwise. */
export function buildRankPlots(trials: readonly FrozenTrial[], opts: RankOptions = {}): PlotSet {
  const why = emptyReason(trials);
  if (why !== null) return empty(RANK_TITLE, why);
  const info = rankInfo(trials, opts);
  const plots = info.panels.flatMap((row) =>
    row.map((p) => panelChart(info, p, `${RANK_TITLE}: ${p.yaxis.name} vs ${p.xaxis.name}`, opts)),
  );
  return { kind: 'group', title: RANK_TITLE, plots };
}
