/**
 * Intermediate values (optuna/visualization/_intermediate_values.py): the values a trial reported
 * with `trial.report(value, step)`, one line per PRUNED, COMPLETE or RUNNING trial, against the step.
 * Lines are coloured by trial state so pruned trials stand out.
 */
import type { ChartConfiguration } from 'chart.js';
import { type FrozenTrial, TRIAL_STATE_NAMES, TrialState } from '../engine/index.ts';
import { baseOptions } from './common.ts';
import { STATE_COLORS } from './colors.ts';
import { chart, empty, type Plot } from './types.ts';

export const INTERMEDIATE_TITLE = 'Intermediate Values Plot';

/** Above this many trials the per-trial legend is hidden (the subtitle names the colours instead). */
const MAX_LEGEND_ENTRIES = 6;

export interface IntermediateOptions {
  /** x-axis title; the app's objective reports once per epoch. */
  readonly stepName?: string;
  /**
   * Added to each step on the x axis. The app reports epoch k as step k − 1 (Optuna's 0-based habit,
   * which the pruners' warm-up counts rely on); 1 shows them as epochs 1…E, as the Run view numbers them.
   */
  readonly stepOffset?: number;
  /** y-axis title, Optuna's "Intermediate Value" by default. */
  readonly valueName?: string;
  readonly valueUnit?: string;
}

export interface StepPoint {
  readonly x: number;
  readonly y: number | null;
}

const PLOTTED_STATES: readonly TrialState[] = [TrialState.PRUNED, TrialState.COMPLETE, TrialState.RUNNING];

export function buildIntermediateValuesPlot(trials: readonly FrozenTrial[], opts: IntermediateOptions = {}): Plot {
  const rows = trials
    .filter((t) => PLOTTED_STATES.includes(t.state) && t.intermediateValues.size > 0)
    .sort((a, b) => a.number - b.number);
  if (rows.length === 0) {
    return empty(
      INTERMEDIATE_TITLE,
      'No trial has reported intermediate values. They appear when the objective reports a value per step (trial.report).',
    );
  }
  let gaps = 0;
  const datasets = rows.map((t) => {
    const data: StepPoint[] = [...t.intermediateValues.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([step, v]) => {
        if (!Number.isFinite(v)) gaps++;
        // chart.js cannot place NaN or ±Infinity; null leaves a visible gap in the line.
        return { x: step + (opts.stepOffset ?? 0), y: Number.isFinite(v) ? v : null };
      });
    const color = STATE_COLORS[t.state];
    return {
      label: `Trial ${t.number} (${TRIAL_STATE_NAMES[t.state]})`,
      data,
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1.5,
      pointRadius: 2,
      spanGaps: false,
    };
  });
  const present = PLOTTED_STATES.filter((s) => rows.some((t) => t.state === s));
  const parts = [
    `${rows.length} trials`,
    `colour: ${present.map((s) => `${TRIAL_STATE_NAMES[s]} ${colorName(s)}`).join(', ')}`,
  ];
  if (gaps > 0) parts.push(`${gaps} non-finite value${gaps === 1 ? '' : 's'} not drawn`);
  const options = baseOptions<'line'>(INTERMEDIATE_TITLE, parts.join(' · '));
  options.plugins!.legend = { display: rows.length <= MAX_LEGEND_ENTRIES };
  const valueTitle = opts.valueName ?? 'Intermediate Value';
  options.scales = {
    x: { type: 'linear', title: { display: true, text: opts.stepName ?? 'Step' }, ticks: { precision: 0 } },
    y: {
      type: 'linear',
      title: { display: true, text: opts.valueUnit ? `${valueTitle} (${opts.valueUnit})` : valueTitle },
    },
  };
  const config: ChartConfiguration<'line', StepPoint[]> = { type: 'line', data: { datasets }, options };
  return chart(INTERMEDIATE_TITLE, config as ChartConfiguration);
}

function colorName(s: TrialState): string {
  return { 0: 'green', 1: 'blue', 2: 'orange', 3: 'red', 4: 'grey' }[s];
}
