/**
 * Empirical distribution function (optuna/visualization/_edf.py): for the finite values of the
 * COMPLETE trials, the share of values ≤ x at 100 evenly spaced x from the smallest to the largest.
 */
import type { ChartConfiguration } from 'chart.js';
import type { FrozenTrial } from '../engine/index.ts';
import { baseOptions, completedFinite, targetAxisTitle } from './common.ts';
import { SERIES_COLORS } from './colors.ts';
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

/** NumPy linspace(min, max, n) (endpoint included). */
export function linspace(min: number, max: number, n: number): number[] {
  if (n === 1) return [min];
  return Array.from({ length: n }, (_, k) => (k === n - 1 ? max : min + ((max - min) * k) / (n - 1)));
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

export function buildEdfPlot(trials: readonly FrozenTrial[], opts: EdfOptions = {}): Plot {
  const { kept, omitted } = completedFinite(trials);
  if (kept.length === 0) {
    return empty(EDF_TITLE, 'No completed trials with a finite objective value yet.');
  }
  const points = edfPoints(kept.map((k) => k.value));
  const parts = [`${kept.length} complete trial${kept.length === 1 ? '' : 's'}`];
  if (omitted > 0) parts.push(`${omitted} non-finite value${omitted === 1 ? '' : 's'} left out`);
  const options = baseOptions<'line'>(EDF_TITLE, parts.join(' · '));
  options.scales = {
    x: { type: 'linear', title: { display: true, text: targetAxisTitle(opts) } },
    y: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'Cumulative Probability' } },
  };
  const config: ChartConfiguration<'line', EdfPoint[]> = {
    type: 'line',
    data: {
      datasets: [
        {
          label: opts.studyName ?? 'Study',
          data: points,
          borderColor: SERIES_COLORS[0],
          backgroundColor: SERIES_COLORS[0],
          pointRadius: 0,
          borderWidth: 2,
        },
      ],
    },
    options,
  };
  return chart(EDF_TITLE, config as ChartConfiguration);
}
