/**
 * Pareto-front plot (optuna/visualization/_pareto_front.py, v5.0). As Optuna: the front is computed over every objective among the feasible COMPLETE trials
 * ("Best Trial", highlighted), the other feasible ones are dominated ("Trial", greyed), and trials that
 * violate a constraint are drawn apart ("Infeasible Trial"). Optuna draws 3 objectives in 3-D; chart.js
 * has no 3-D scatter, so 3 objectives become the three pairwise panels, each point still classed by all
 * three objectives (a front point may look dominated in one projection). The weighted sum's best trial
 * (lowest L) is marked on every panel, so a reader sees what the weights picked on the trade-off.
 */
import type { ChartConfiguration } from 'chart.js';
import { isFeasible, paretoFrontTrials, TrialState, type DirectionName, type FrozenTrial } from '../engine/index.ts';
import { baseOptions } from './common.ts';
import { formatNumber } from './format.ts';
import { chart, empty, PlotError, type ChartPlot, type PlotSet } from './types.ts';

export const PARETO_TITLE = 'Pareto-front Plot';

/** Optuna's colours: best trials red, dominated ones a grey, infeasible ones a light grey of their own. */
export const PARETO_COLORS = {
  front: '#d62728',
  dominated: '#a6a6a6',
  infeasible: '#7f7f7f',
  marked: '#ffbf00',
} as const;

export interface ParetoOptions {
  /** One name per objective, in the trials' value order (2 or 3). */
  readonly objectiveNames: readonly string[];
  /** The study's directions, one per objective (this app's Pareto studies minimise all). */
  readonly directions: readonly DirectionName[];
  /** The weighted sum's best trial (lowest L) to mark, or null. */
  readonly marked?: number | null;
  /** Legend text of the mark; default "Weighted-sum best (lowest L)". */
  readonly markedLabel?: string;
}

interface ParetoPoint {
  readonly x: number;
  readonly y: number;
  readonly trial: number;
}

/** How every plottable trial of a minimisation study classes: front, dominated, infeasible. */
export interface ParetoClasses {
  readonly front: FrozenTrial[];
  readonly dominated: FrozenTrial[];
  readonly infeasible: FrozenTrial[];
}

/** COMPLETE trials with a finite value per objective, split as Optuna's plot splits them. */
export function paretoClasses(trials: readonly FrozenTrial[], directions: readonly DirectionName[]): ParetoClasses {
  const k = directions.length;
  const done = trials.filter(
    (t) => t.state === TrialState.COMPLETE && t.values?.length === k && t.values.every(Number.isFinite),
  );
  const feasible = done.filter(isFeasible);
  const infeasible = done.filter((t) => !isFeasible(t));
  const front = paretoFrontTrials(feasible, directions);
  const onFront = new Set(front.map((t) => t.number));
  return { front, dominated: feasible.filter((t) => !onFront.has(t.number)), infeasible };
}

function points(trials: readonly FrozenTrial[], i: number, j: number): ParetoPoint[] {
  return trials.map((t) => ({ x: t.values![i]!, y: t.values![j]!, trial: t.number }));
}

function panel(c: ParetoClasses, marked: FrozenTrial | null, opts: ParetoOptions, i: number, j: number): ChartPlot {
  const names = opts.objectiveNames;
  // Three objectives: the group carries the title, so a panel names its pair only (a third of the page wide).
  const title = names.length === 2 ? PARETO_TITLE : `${names[i]} vs ${names[j]}`;
  const parts = [`${c.front.length} on the front`, `${c.dominated.length} dominated`];
  if (c.infeasible.length > 0) parts.push(`${c.infeasible.length} infeasible`);
  if (names.length > 2) parts.push(`front over all ${names.length} objectives`);
  const options = baseOptions<'scatter'>(title, parts.join(' · '));
  options.scales = {
    x: { type: 'linear', title: { display: true, text: names[i]! } },
    y: { type: 'linear', title: { display: true, text: names[j]! } },
  };
  options.plugins!.tooltip = {
    callbacks: {
      label: (item) => {
        const p = item.raw as ParetoPoint;
        return `Trial ${p.trial}: ${names[i]} ${formatNumber(p.x)}, ${names[j]} ${formatNumber(p.y)}`;
      },
    },
  };
  const datasets: ChartConfiguration<'scatter', ParetoPoint[]>['data']['datasets'] = [];
  if (marked !== null)
    datasets.push({
      label: opts.markedLabel ?? 'Weighted-sum best (lowest L)',
      data: points([marked], i, j),
      pointStyle: 'rectRot',
      pointRadius: 9,
      borderWidth: 2,
      borderColor: '#000000',
      backgroundColor: PARETO_COLORS.marked,
    });
  datasets.push({
    label: 'Best Trial (Pareto front)',
    data: points(c.front, i, j),
    backgroundColor: PARETO_COLORS.front,
    borderColor: PARETO_COLORS.front,
    pointRadius: 5,
  });
  datasets.push({
    label: 'Trial (dominated)',
    data: points(c.dominated, i, j),
    backgroundColor: PARETO_COLORS.dominated,
    borderColor: PARETO_COLORS.dominated,
    pointRadius: 3.5,
  });
  if (c.infeasible.length > 0)
    datasets.push({
      label: 'Infeasible Trial',
      data: points(c.infeasible, i, j),
      pointStyle: 'crossRot',
      borderColor: PARETO_COLORS.infeasible,
      backgroundColor: PARETO_COLORS.infeasible,
      borderWidth: 2,
      pointRadius: 5,
    });
  const config: ChartConfiguration<'scatter', ParetoPoint[]> = { type: 'scatter', data: { datasets }, options };
  return chart(title, config as ChartConfiguration);
}

/** One panel for 2 objectives, the three pairwise panels for 3. */
export function buildParetoFrontPlots(trials: readonly FrozenTrial[], opts: ParetoOptions): PlotSet {
  const k = opts.directions.length;
  if (opts.objectiveNames.length !== k) throw new PlotError('buildParetoFrontPlots: one name per direction');
  if (k < 2 || k > 3) return empty(PARETO_TITLE, `A Pareto-front plot needs 2 or 3 objectives (this study has ${k}).`);
  const c = paretoClasses(trials, opts.directions);
  if (c.front.length + c.dominated.length + c.infeasible.length === 0)
    return empty(PARETO_TITLE, 'No completed trials yet. The Pareto front appears once a trial finishes.');
  const all = [...c.front, ...c.dominated, ...c.infeasible];
  const marked = opts.marked == null ? null : (all.find((t) => t.number === opts.marked) ?? null);
  const pairs: [number, number][] =
    k === 2
      ? [[0, 1]]
      : [
          [0, 1],
          [0, 2],
          [1, 2],
        ];
  return { kind: 'group', title: PARETO_TITLE, plots: pairs.map(([i, j]) => panel(c, marked, opts, i, j)) };
}
