/**
 * Hyperparameter importance bars (optuna/visualization/_param_importances.py): horizontal bars,
 * the most important parameter on top, values from `pedAnovaImportances` (Optuna 5's default) or
 * `fanovaImportances` (computed in a worker).
 */
import type { ChartConfiguration } from 'chart.js';
import { baseOptions, targetName } from './common.ts';
import { formatNumber } from './format.ts';
import { SERIES_COLORS } from './colors.ts';
import { chart, empty } from './types.ts';
import type { Plot } from './types.ts';
import type { ImportanceOutcome, ParamImportance } from '../engine/index.ts';

export const IMPORTANCE_TITLE = 'Hyperparameter Importances';

export type { ImportanceOutcome, ParamImportance };

export interface ImportanceOptions {
  readonly targetName?: string;
  /** Evaluator named in the subtitle. */
  readonly evaluator?: string;
}

export function buildImportancePlot(
  input: ImportanceOutcome | readonly ParamImportance[],
  opts: ImportanceOptions = {},
): Plot {
  const outcome: ImportanceOutcome = Array.isArray(input)
    ? { ok: true, importances: input as readonly ParamImportance[] }
    : (input as ImportanceOutcome);
  if (!outcome.ok) return empty(IMPORTANCE_TITLE, outcome.reason);
  if (outcome.importances.length === 0) {
    return empty(IMPORTANCE_TITLE, 'The study has no parameter with more than one possible value to assess.');
  }
  // Stable descending order: ties keep the evaluator's order.
  const sorted = outcome.importances
    .map((p, k) => ({ p, k }))
    .sort((a, b) => b.p.importance - a.p.importance || a.k - b.k)
    .map(({ p }) => p);
  const axisTitle = `Importance for ${targetName(opts)}`;
  // The seed names the forest that drew these bars: the same seed redraws them exactly.
  const seed = outcome.seed === undefined ? '' : ` (seed ${outcome.seed})`;
  const evaluator = opts.evaluator ?? 'fANOVA';
  // What the numbers are: fANOVA's are shares of the objective's variance; PED-ANOVA's measure how much
  // a parameter's distribution in the top 10% of trials differs from all trials'.
  const measure = evaluator === 'PED-ANOVA' ? 'top 10% against all trials' : 'shares of variance';
  const options = baseOptions<'bar'>(IMPORTANCE_TITLE, `${evaluator}${seed} · ${measure}, sum 1`);
  options.indexAxis = 'y';
  options.plugins!.legend = { display: false };
  options.plugins!.tooltip = {
    callbacks: { label: (item) => `${formatNumber(Number(item.raw))}` },
  };
  options.scales = {
    x: { type: 'linear', min: 0, title: { display: true, text: axisTitle } },
    y: { type: 'category', title: { display: true, text: 'Hyperparameter' } },
  };
  const config: ChartConfiguration<'bar', number[], string> = {
    type: 'bar',
    data: {
      labels: sorted.map((p) => p.name),
      datasets: [
        {
          label: axisTitle,
          data: sorted.map((p) => p.importance),
          backgroundColor: SERIES_COLORS[0],
          borderColor: SERIES_COLORS[0],
        },
      ],
    },
    options,
  };
  return chart(IMPORTANCE_TITLE, config as ChartConfiguration);
}
