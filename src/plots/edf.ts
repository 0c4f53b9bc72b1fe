/**
 * Empirical distribution function (optuna/visualization/_edf.py): for the finite values of the
 * COMPLETE trials, the share of values ≤ x at 100 evenly spaced x from the smallest to the largest;
 * with several studies, one line each over the x range of all their values together.
 */
import type { ChartConfiguration } from 'chart.js';
import type { FrozenTrial } from '../engine/index.ts';
import { baseOptions, completedFinite, targetAxisTitle } from './common.ts';
import { seriesColor } from './colors.ts';
import { chart, empty, type Plot } from './types.ts';

export const EDF_TITLE = 'Empirical Distribution Function Plot';
/** Optuna's NUM_SAMPLES_X_AXIS. */
export const EDF_POINTS = 100;

export interface EdfOptions {
  readonly targetName?: string;
  readonly targetUnit?: string;
  /** Legend label of the line (Optuna uses the study name). */
  readonly studyName?: string;
}

export interface EdfPoint {
  readonly x: number;
  readonly y: number;
}

/** NumPy linspace(min, max, n) (endpoint included), in NumPy's float order: k · step + min. */
export function linspace(min: number, max: number, n: number): number[] {
  if (n === 1) return [min];
  const step = (max - min) / (n - 1);
  return Array.from({ length: n }, (_, k) => (k === n - 1 ? max : k * step + min));
}

/** Points of the EDF of `values` at `n` evenly spaced x (values must be finite and non-empty). */
export function edfPoints(values: readonly number[], n = EDF_POINTS): EdfPoint[] {
  const sorted = [...values].sort((a, b) => a - b);
  const xs = linspace(sorted[0]!, sorted[sorted.length - 1]!, n);
  let k = 0;
  return xs.map((x) => {
    while (k < sorted.length && sorted[k]! <= x) k++;
    return { x, y: k / sorted.length };
  });
}

/** Optuna's `_EDFInfo`: one line per study over x shared by all (its y NaN when it has no values). */
export interface EdfInfo {
  readonly xs: readonly number[];
  readonly lines: readonly { readonly name: string; readonly ys: readonly number[]; readonly omitted: number }[];
}

/**
 * Optuna's `_get_edf_info` for several studies: x spans the finite COMPLETE values of all of them,
 * each study's line is the share of its own values ≤ x. Null when no study has such a value.
 */
export function edfInfo(studies: readonly { name: string; trials: readonly FrozenTrial[] }[]): EdfInfo | null {
  const per = studies.map((s) => {
    const { kept, omitted } = completedFinite(s.trials);
    return { name: s.name, values: kept.map((k) => k.value).sort((a, b) => a - b), omitted };
  });
  const all = per.flatMap((p) => p.values);
  if (all.length === 0) return null;
  const xs = linspace(Math.min(...all), Math.max(...all), EDF_POINTS);
  return {
    xs,
    lines: per.map((p) => {
      let k = 0;
      const ys = xs.map((x) => {
        while (k < p.values.length && p.values[k]! <= x) k++;
        return k / p.values.length;
      });
      return { name: p.name, ys, omitted: p.omitted };
    }),
  };
}

/** EDF lines of one or more studies (Optuna's `plot_edf([...])`), one colour per study. */
export function buildStudiesEdfPlot(
  studies: readonly { name: string; trials: readonly FrozenTrial[] }[],
  opts: Omit<EdfOptions, 'studyName'> = {},
): Plot {
  const info = edfInfo(studies);
  if (info === null) return empty(EDF_TITLE, 'No completed trials with a finite objective value yet.');
  const parts = info.lines.map((l, k) => {
    const n = completedFinite(studies[k]!.trials).kept.length;
    let text = `${n} complete trial${n === 1 ? '' : 's'}`;
    if (l.omitted > 0) text += `, ${l.omitted} non-finite value${l.omitted === 1 ? '' : 's'} left out`;
    return studies.length === 1 ? text : `${l.name}: ${text}`;
  });
  const options = baseOptions<'line'>(EDF_TITLE, parts.join(' · '));
  options.scales = {
    x: { type: 'linear', title: { display: true, text: targetAxisTitle(opts) } },
    y: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'Cumulative Probability' } },
  };
  // A study without values has a NaN line in Optuna; here it has none (its subtitle says 0 trials).
  const drawn = info.lines.flatMap((l, k) => (Number.isNaN(l.ys[0]!) ? [] : [{ l, k }]));
  const config: ChartConfiguration<'line', EdfPoint[]> = {
    type: 'line',
    data: {
      datasets: drawn.map(({ l, k }) => ({
        label: l.name,
        data: info.xs.map((x, i) => ({ x, y: l.ys[i]! })),
        borderColor: seriesColor(k),
        backgroundColor: seriesColor(k),
        pointRadius: 0,
        borderWidth: 2,
      })),
    },
    options,
  };
  return chart(EDF_TITLE, config as ChartConfiguration);
}

/** One study's EDF (the Results view). */
export function buildEdfPlot(trials: readonly FrozenTrial[], opts: EdfOptions = {}): Plot {
  return buildStudiesEdfPlot([{ name: opts.studyName ?? 'Study', trials }], opts);
}
