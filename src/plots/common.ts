/**
 * Helpers shared by the plot builders: trial selection as Optuna's visualisations do it
 * (optuna/visualization/_utils.py `_filter_nonfinite`, `_is_log_scale`, `_is_categorical`),
 * choice formatting, and the chart options every plot starts from (numbers: format.ts).
 */
import type { ChartOptions, ChartType } from 'chart.js';
import {
  type CategoricalChoice,
  type Distribution,
  type FrozenTrial,
  TrialState,
  trialValue,
} from '../engine/index.ts';
import { COLOR_BAR_SPACE, type ColorBarOptions } from './plugin-options.ts';
import type { TargetOptions } from './types.ts';

export const DEFAULT_TARGET_NAME = 'Objective Value';

/** A COMPLETE trial together with its (single) objective value. */
export interface Valued {
  readonly trial: FrozenTrial;
  readonly value: number;
}

/** COMPLETE trials that carry a value, in trial-number order. Values may be ±Infinity. */
export function completed(trials: readonly FrozenTrial[]): Valued[] {
  const out: Valued[] = [];
  for (const trial of trials) {
    if (trial.state !== TrialState.COMPLETE) continue;
    const value = trialValue(trial);
    if (value === null) continue;
    out.push({ trial, value });
  }
  return out.sort((a, b) => a.trial.number - b.trial.number);
}

/** COMPLETE trials with a finite value; Optuna omits the others from most plots with a warning. */
export function completedFinite(trials: readonly FrozenTrial[]): { kept: Valued[]; omitted: number } {
  const all = completed(trials);
  const kept = all.filter((v) => Number.isFinite(v.value));
  return { kept, omitted: all.length - kept.length };
}

export function targetName(opts: Pick<TargetOptions, 'targetName'>): string {
  return opts.targetName ?? DEFAULT_TARGET_NAME;
}

/** "name (unit)" or just "name". */
export function withUnit(name: string, unit: string | undefined): string {
  return unit ? `${name} (${unit})` : name;
}

export function targetAxisTitle(opts: Pick<TargetOptions, 'targetName' | 'targetUnit'>): string {
  return withUnit(targetName(opts), opts.targetUnit);
}

/** Python-style text for a categorical choice, as Optuna's figures print them. */
export function formatChoice(c: CategoricalChoice): string {
  if (c === null) return 'None';
  if (c === true) return 'True';
  if (c === false) return 'False';
  return String(c);
}

/** What the plots need to know about a parameter, merged over every trial that has it. */
export interface ParamInfo {
  readonly name: string;
  /** Log axis if any trial's distribution for it is logarithmic (Optuna `_is_log_scale`). */
  readonly log: boolean;
  /** Choices if its distribution is categorical (Optuna `_is_categorical`), else null. */
  readonly choices: readonly CategoricalChoice[] | null;
  /** Distribution of the latest trial that has the parameter. */
  readonly distribution: Distribution;
}

export function paramInfo(trials: readonly FrozenTrial[], name: string): ParamInfo | null {
  let log = false;
  let latest: Distribution | null = null;
  let latestNumber = -Infinity;
  for (const t of trials) {
    const d = t.distributions[name];
    if (!d) continue;
    if (d.type !== 'categorical' && d.log) log = true;
    if (t.number >= latestNumber) {
      latest = d;
      latestNumber = t.number;
    }
  }
  if (!latest) return null;
  return { name, log, choices: latest.type === 'categorical' ? latest.choices : null, distribution: latest };
}

/** Sorted union of parameter names (Optuna sorts the parameters of slice/parallel/contour plots). */
export function paramNames(trials: readonly FrozenTrial[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t.params)) names.add(k);
  return [...names].sort();
}

/** Index of a categorical value among the choices (strict equality: 1 and true stay apart). */
export function choiceIndex(choices: readonly CategoricalChoice[], v: CategoricalChoice): number {
  return choices.findIndex((c) => c === v);
}

/** Options every chart starts from: title, optional subtitle, no animation (live updates, PNG export). */
export function baseOptions<T extends ChartType>(title: string, subtitle?: string): ChartOptions<T> {
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: {
      title: { display: true, text: title, font: { size: 14 } },
      subtitle: { display: subtitle !== undefined && subtitle !== '', text: subtitle ?? '' },
      legend: { display: true },
      canvasBackground: { color: '#ffffff' },
    },
  };
  return options as ChartOptions<T>;
}

/** Integer tick callback that prints labels[index] and nothing between categories. */
export function categoryTicks(labels: readonly string[]): (value: number | string) => string {
  return (value) => {
    const i = typeof value === 'number' ? value : Number(value);
    return Number.isInteger(i) ? (labels[i] ?? '') : '';
  };
}

/** Adds a colour bar and reserves room for it right of the chart area (mutates `options`). */
export function withColorBar(options: object, bar: ColorBarOptions): void {
  const o = options as { plugins?: Record<string, unknown>; layout?: { padding?: Record<string, number> } };
  o.plugins = { ...o.plugins, colorBar: bar };
  const padding = o.layout?.padding ?? {};
  // Labelled ticks ("25% (1.52)") need more room than the two end numbers.
  const space = bar.ticks ? COLOR_BAR_SPACE + 64 : COLOR_BAR_SPACE;
  o.layout = { ...o.layout, padding: { ...padding, right: Math.max(padding.right ?? 0, space) } };
}
