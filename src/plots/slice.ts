/**
 * Slice plot (optuna/visualization/_slice.py): one panel per parameter, parameter value against the
 * objective for every COMPLETE trial with a finite value, points coloured by trial number, a log
 * x-axis where the parameter's distribution is logarithmic and a category axis for categoricals.
 */
import type { ChartConfiguration } from 'chart.js';
import type { FrozenTrial } from '../engine/index.ts';
import {
  baseOptions,
  completedFinite,
  formatChoice,
  paramInfo,
  paramNames,
  targetAxisTitle,
  withColorBar,
  withUnit,
} from './common.ts';
import { formatNumber } from './format.ts';
import { trialNumberColor, trialNumberStops } from './colors.ts';
import { chart, type ChartPlot, empty, PlotError, type PlotSet, type TargetOptions } from './types.ts';

export const SLICE_TITLE = 'Slice Plot';

export interface SliceOptions extends TargetOptions {
  /** Parameters to draw, default all (sorted). Unknown names throw. */
  readonly params?: readonly string[];
  /** Units per parameter, shown in the x-axis title. */
  readonly paramUnits?: Readonly<Record<string, string>>;
}

/** A slice point: x is a number, or a choice label on a category axis. */
export interface SlicePoint {
  readonly x: number | string;
  readonly y: number;
  readonly trial: number;
}

export function buildSlicePlots(trials: readonly FrozenTrial[], opts: SliceOptions): PlotSet {
  const { kept, omitted } = completedFinite(trials);
  if (kept.length === 0) {
    return empty(
      SLICE_TITLE,
      omitted > 0
        ? 'No completed trial has a finite objective value to plot.'
        : 'No completed trials yet. The slice plot appears once a trial finishes.',
    );
  }
  const keptTrials = kept.map((k) => k.trial);
  const all = paramNames(keptTrials);
  const names = opts.params ?? all;
  for (const n of names) {
    if (!all.includes(n)) throw new PlotError(`slice plot: parameter ${JSON.stringify(n)} does not exist in the study`);
  }
  if (names.length === 0) return empty(SLICE_TITLE, 'The completed trials have no parameters.');

  const first = keptTrials[0]!.number;
  const last = keptTrials[keptTrials.length - 1]!.number;
  const plots: ChartPlot[] = [];
  for (const name of names) {
    const info = paramInfo(keptTrials, name)!;
    const labels = info.choices?.map(formatChoice) ?? null;
    const points: SlicePoint[] = [];
    const colors: string[] = [];
    for (const { trial, value } of kept) {
      if (!(name in trial.params)) continue;
      const p = trial.params[name]!;
      let x: number | string;
      if (labels) x = formatChoice(p);
      else if (typeof p === 'number') x = p;
      else
        throw new PlotError(`slice plot: trial ${trial.number} has non-numeric value ${JSON.stringify(p)} for ${name}`);
      points.push({ x, y: value, trial: trial.number });
      colors.push(trialNumberColor(trial.number, first, last));
    }
    const title = `${SLICE_TITLE}: ${name}`;
    const options = baseOptions<'scatter'>(title, `${points.length} trials · colour: trial number`);
    options.plugins!.legend = { display: false };
    options.plugins!.tooltip = {
      callbacks: {
        label: (item) => {
          const p = item.raw as SlicePoint;
          return `Trial ${p.trial}: ${name} ${typeof p.x === 'number' ? formatNumber(p.x) : p.x}, ${formatNumber(p.y)}`;
        },
      },
    };
    withColorBar(options, { label: 'Trial', min: first, max: last, stops: trialNumberStops() });
    const xTitle = { display: true, text: withUnit(name, opts.paramUnits?.[name]) };
    options.scales = {
      x: labels
        ? { type: 'category', labels: [...labels], offset: true, title: xTitle }
        : { type: info.log ? 'logarithmic' : 'linear', title: xTitle },
      y: { type: 'linear', title: { display: true, text: targetAxisTitle(opts) } },
    };
    const config: ChartConfiguration<'scatter', SlicePoint[]> = {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: name,
            data: points,
            backgroundColor: colors,
            borderColor: colors,
            pointRadius: 4,
          },
        ],
      },
      options,
    };
    plots.push(chart(title, config as ChartConfiguration));
  }
  return { kind: 'group', title: SLICE_TITLE, plots };
}
