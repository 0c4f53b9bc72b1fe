/**
 * Contour plot for one pair of parameters (optuna/visualization/_contour.py): the objective over the
 * padded range of the observed values as an interpolated heatmap (see contour-grid.ts), COMPLETE
 * trials with finite values drawn on top. Colours: darker = better, as Optuna's reversed Blues for
 * minimisation.
 */
import type { ChartConfiguration, Scale, ScaleOptions } from 'chart.js';
import type { FrozenTrial } from '../engine/index.ts';
import {
  baseOptions,
  categoryTicks,
  choiceIndex,
  completedFinite,
  formatChoice,
  paramInfo,
  type ParamInfo,
  paramNames,
  targetName,
  withColorBar,
  withUnit,
} from './common.ts';
import { formatNumber } from './format.ts';
import { blues, objectiveColor, objectiveStops } from './colors.ts';
import { type AxisRange, cellEdges, cellOf, laplaceFill, paddedRange } from './contour-grid.ts';
import { chart, empty, type Plot, PlotError, type TargetOptions } from './types.ts';

export const CONTOUR_TITLE = 'Contour Plot';
export const DEFAULT_CONTOUR_GRID = 40;

export interface ContourOptions extends TargetOptions {
  readonly xParam: string;
  readonly yParam: string;
  /** Cells per axis (default 40). */
  readonly gridSize?: number;
  readonly paramUnits?: Readonly<Record<string, string>>;
}

export interface ContourPoint {
  readonly x: number;
  readonly y: number;
  readonly value: number;
  readonly trial: number;
}

interface AxisData {
  readonly info: ParamInfo;
  /** Per-trial coordinate in axis space: log10 for log axes, observed-choice index for categoricals. */
  readonly coords: number[];
  /** Per-trial coordinate in data space (what chart.js is given). */
  readonly data: number[];
  readonly labels: string[] | null;
  readonly distinct: number;
}

function axisData(info: ParamInfo, trials: readonly FrozenTrial[]): AxisData {
  const raw = trials.map((t) => t.params[info.name]!);
  if (info.choices) {
    const choices = info.choices;
    const observed = [...new Set(raw.map((v) => choiceIndex(choices, v)))].sort((a, b) => a - b);
    const coords = raw.map((v) => observed.indexOf(choiceIndex(choices, v)));
    return {
      info,
      coords,
      data: coords,
      labels: observed.map((c) => formatChoice(choices[c] ?? null)),
      distinct: observed.length,
    };
  }
  const data = raw.map((v) => {
    if (typeof v !== 'number')
      throw new PlotError(`contour plot: ${info.name} has non-numeric value ${JSON.stringify(v)}`);
    return v;
  });
  return {
    info,
    coords: info.log ? data.map(Math.log10) : data,
    data,
    labels: null,
    distinct: new Set(data).size,
  };
}

function toData(range: AxisRange, c: number): number {
  return range.log ? 10 ** c : c;
}

function scale(axis: AxisData, range: AxisRange, title: string): ScaleOptions<'linear' | 'logarithmic'> {
  const min = toData(range, range.min);
  const max = toData(range, range.max);
  const t = { display: true, text: title };
  if (axis.labels) {
    const labels = axis.labels;
    return {
      type: 'linear',
      min,
      max,
      title: t,
      // One tick per observed choice; chart.js would drop the outer ones next to the padded bounds.
      afterBuildTicks: (s: Scale) => {
        s.ticks = labels.map((_, value) => ({ value }));
      },
      ticks: { callback: categoryTicks(labels) },
    };
  }
  return { type: axis.info.log ? 'logarithmic' : 'linear', min, max, title: t };
}

export function buildContourPlot(trials: readonly FrozenTrial[], opts: ContourOptions): Plot {
  const { xParam, yParam } = opts;
  const title = `${CONTOUR_TITLE}: ${xParam} × ${yParam}`;
  if (xParam === yParam) throw new PlotError(`contour plot: xParam and yParam are both ${JSON.stringify(xParam)}`);
  const n = opts.gridSize ?? DEFAULT_CONTOUR_GRID;
  if (!Number.isInteger(n) || n < 2) throw new PlotError(`contour plot: gridSize must be an integer ≥ 2, got ${n}`);
  const { kept } = completedFinite(trials);
  if (kept.length === 0) return empty(title, 'No completed trials with a finite objective value yet.');
  const all = paramNames(kept.map((k) => k.trial));
  for (const p of [xParam, yParam]) {
    if (!all.includes(p))
      throw new PlotError(`contour plot: parameter ${JSON.stringify(p)} does not exist in the study`);
  }
  const rows = kept.filter((k) => xParam in k.trial.params && yParam in k.trial.params);
  if (rows.length === 0) return empty(title, `No completed trial has both ${xParam} and ${yParam}.`);
  const rowTrials = rows.map((r) => r.trial);
  const xa = axisData(paramInfo(rowTrials, xParam)!, rowTrials);
  const ya = axisData(paramInfo(rowTrials, yParam)!, rowTrials);
  for (const a of [xa, ya]) {
    if (a.distinct < 2) {
      return empty(title, `${a.info.name} has only one observed value; a contour needs at least two per axis.`);
    }
  }
  const xr = paddedRange(xa.coords, xa.info.log);
  const yr = paddedRange(ya.coords, ya.info.log);
  const values = rows.map((r) => r.value);

  const sums = new Map<number, { s: number; c: number }>();
  rows.forEach((_, k) => {
    const cell = cellOf(ya.coords[k]!, yr, n) * n + cellOf(xa.coords[k]!, xr, n);
    const acc = sums.get(cell) ?? { s: 0, c: 0 };
    acc.s += values[k]!;
    acc.c += 1;
    sums.set(cell, acc);
  });
  const known = new Map<number, number>();
  for (const [cell, { s, c }] of sums) known.set(cell, s / c);
  const z = laplaceFill(known, n, n);

  const minimize = opts.direction === 'minimize';
  const vmin = Math.min(...values);
  const vmax = Math.max(...values);
  // Heatmap cells use the full Blues scale (from 0); the trial markers are black on top.
  const colors = Array.from(z, (v) => objectiveColor(v, vmin, vmax, minimize, 0));
  const points: ContourPoint[] = rows.map((r, k) => ({
    x: xa.data[k]!,
    y: ya.data[k]!,
    value: r.value,
    trial: r.trial.number,
  }));

  const options = baseOptions<'scatter'>(
    title,
    `${rows.length} trials · colour: ${targetName(opts)} (darker = better), interpolated between trials`,
  );
  options.plugins!.legend = { display: false };
  options.plugins!.tooltip = {
    callbacks: {
      label: (item) => {
        const p = item.raw as ContourPoint;
        return `Trial ${p.trial}: ${targetName(opts)} ${formatNumber(p.value)}`;
      },
    },
  };
  options.plugins!.heatmap = {
    xEdges: cellEdges(xr, n).map((c) => toData(xr, c)),
    yEdges: cellEdges(yr, n).map((c) => toData(yr, c)),
    colors,
  };
  withColorBar(options, { label: targetName(opts), min: vmin, max: vmax, stops: objectiveStops(minimize, 0) });
  options.scales = {
    x: scale(xa, xr, withUnit(xParam, opts.paramUnits?.[xParam])),
    y: scale(ya, yr, withUnit(yParam, opts.paramUnits?.[yParam])),
  };
  const config: ChartConfiguration<'scatter', ContourPoint[]> = {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Trials',
          data: points,
          backgroundColor: blues(0),
          borderColor: '#000000',
          borderWidth: 1,
          pointRadius: 3.5,
        },
      ],
    },
    options,
  };
  return chart(title, config as ChartConfiguration);
}
