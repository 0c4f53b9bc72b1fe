/**
 * Parallel coordinate plot (optuna/visualization/_parallel_coordinate.py): one vertical axis for the
 * objective and one per parameter (sorted), one line per COMPLETE trial with a finite value and all
 * plotted parameters, coloured by objective (darker = better).
 *
 * chart.js has no parallel-coordinates type, so this is a line chart over a category x-axis (one
 * category per axis, whose grid lines are the vertical axes) with every value normalised to [0, 1];
 * the `parallelAxes` plugin prints each axis's own tick labels at the normalised positions.
 * Log parameters are placed by log10 with ticks at the decades inside the range plus both ends
 * (Optuna's tickvals rule); categoricals by the index of the observed choices in choice order.
 */
import type { ChartConfiguration } from 'chart.js';
import type { FrozenTrial } from '../engine/index.ts';
import {
  baseOptions,
  choiceIndex,
  completedFinite,
  formatChoice,
  paramInfo,
  paramNames,
  targetName,
  withColorBar,
  withUnit,
} from './common.ts';
import { formatNumber } from './format.ts';
import { normalise, objectiveColor, objectiveStops } from './colors.ts';
import type { ParallelAxis } from './plugin-options.ts';
import { chart, empty, type Plot, PlotError, type TargetOptions } from './types.ts';

export const PARALLEL_TITLE = 'Parallel Coordinate Plot';

export interface ParallelOptions extends TargetOptions {
  readonly params?: readonly string[];
  readonly paramUnits?: Readonly<Record<string, string>>;
}

/** An axis with the trials' positions on it, in [0, 1]. */
export interface NormalisedAxis extends ParallelAxis {
  readonly positions: readonly number[];
}

/** Evenly spaced ticks for a linear axis: 5 values from min to max (both ends when min < max). */
function linearAxis(label: string, values: readonly number[]): NormalisedAxis {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const ticks =
    max > min
      ? Array.from({ length: 5 }, (_, k) => ({ at: k / 4, text: formatNumber(min + ((max - min) * k) / 4) }))
      : [{ at: 0.5, text: formatNumber(min) }];
  return { label, ticks, positions: values.map((v) => normalise(v, min, max)) };
}

function logAxis(label: string, values: readonly number[]): NormalisedAxis {
  const logs = values.map((v) => Math.log10(v));
  const min = Math.min(...logs);
  const max = Math.max(...logs);
  const at = new Set<number>([min]);
  for (let e = Math.ceil(min); e < max; e++) at.add(e);
  at.add(max);
  const ticks = [...at].sort((a, b) => a - b).map((e) => ({ at: normalise(e, min, max), text: formatNumber(10 ** e) }));
  return { label, ticks, positions: logs.map((l) => normalise(l, min, max)) };
}

export function buildParallelCoordinate(trials: readonly FrozenTrial[], opts: ParallelOptions): Plot {
  const { kept } = completedFinite(trials);
  if (kept.length === 0) {
    return empty(PARALLEL_TITLE, 'No completed trials with a finite objective value yet.');
  }
  const all = paramNames(kept.map((k) => k.trial));
  const names = opts.params ?? all;
  for (const n of names) {
    if (!all.includes(n))
      throw new PlotError(`parallel coordinate: parameter ${JSON.stringify(n)} does not exist in the study`);
  }
  // Optuna skips trials that lack any of the plotted parameters.
  const rows = kept.filter((k) => names.every((n) => n in k.trial.params));
  if (rows.length === 0) return empty(PARALLEL_TITLE, 'No completed trial has all of the selected parameters.');
  if (names.length === 0) return empty(PARALLEL_TITLE, 'The completed trials have no parameters.');

  const rowTrials = rows.map((r) => r.trial);
  const values = rows.map((r) => r.value);
  const axes: NormalisedAxis[] = [linearAxis(targetName(opts), values)];
  for (const name of names) {
    const info = paramInfo(rowTrials, name)!;
    const label = withUnit(name, opts.paramUnits?.[name]);
    const raw = rowTrials.map((t) => t.params[name]!);
    if (info.choices) {
      const choices = info.choices;
      const observed = [...new Set(raw.map((v) => choiceIndex(choices, v)))].sort((a, b) => a - b);
      const slot = (v: (typeof raw)[number]): number => observed.indexOf(choiceIndex(choices, v));
      const last = observed.length - 1;
      const pos = (s: number): number => (last > 0 ? s / last : 0.5);
      axes.push({
        label,
        ticks: observed.map((c, s) => ({ at: pos(s), text: formatChoice(choices[c] ?? null) })),
        positions: raw.map((v) => pos(slot(v))),
      });
    } else {
      const nums = raw.map((v) => {
        if (typeof v !== 'number')
          throw new PlotError(`parallel coordinate: ${name} has non-numeric value ${JSON.stringify(v)}`);
        return v;
      });
      axes.push(info.log ? logAxis(label, nums) : linearAxis(label, nums));
    }
  }

  const minimize = opts.direction === 'minimize';
  const vmin = Math.min(...values);
  const vmax = Math.max(...values);
  // chart.js draws the dataset with the lowest `order` last (on top): rank 0 = best trial.
  const rank = rows.map((_, k) => k).sort((a, b) => (minimize ? values[a]! - values[b]! : values[b]! - values[a]!));
  const order = new Array<number>(rows.length);
  rank.forEach((k, r) => (order[k] = r));

  const options = baseOptions<'line'>(
    PARALLEL_TITLE,
    `${rows.length} trials · colour: ${targetName(opts)} (darker = better)`,
  );
  options.plugins!.legend = { display: false };
  // The y values are normalised positions; the tooltip names the trial and its objective instead.
  options.plugins!.tooltip = {
    callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatNumber(values[item.datasetIndex] ?? NaN)}` },
  };
  options.plugins!.parallelAxes = { axes: axes.map(({ label, ticks }) => ({ label, ticks })) };
  options.scales = {
    x: {
      type: 'category',
      offset: false,
      grid: { color: '#888888', lineWidth: 1 },
      ticks: { font: { weight: 'bold' } },
    },
    // A margin around [0, 1] so the end ticks' labels clear the subtitle and the axis names.
    y: { type: 'linear', min: -0.04, max: 1.04, display: false },
  };
  // Room for the tick labels left of the first axis.
  options.layout = { padding: { left: 48, top: 8, bottom: 8 } };
  withColorBar(options, { label: targetName(opts), min: vmin, max: vmax, stops: objectiveStops(minimize) });
  const config: ChartConfiguration<'line', number[], string> = {
    type: 'line',
    data: {
      labels: axes.map((a) => a.label),
      datasets: rows.map((r, k) => ({
        label: `Trial ${r.trial.number}`,
        data: axes.map((a) => a.positions[k]!),
        borderColor: objectiveColor(r.value, vmin, vmax, minimize),
        backgroundColor: objectiveColor(r.value, vmin, vmax, minimize),
        borderWidth: 1.5,
        pointRadius: 0,
        order: order[k]!,
      })),
    },
    options,
  };
  return chart(PARALLEL_TITLE, config as ChartConfiguration);
}
