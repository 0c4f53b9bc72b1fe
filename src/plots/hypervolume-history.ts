/**
 * Hypervolume history (optuna/visualization/_hypervolume_history.py, v5.0): after each COMPLETE trial,
 * in number order, the hypervolume dominated by the feasible trials so far, bounded by a reference
 * point (computed, as Optuna does, on the values with maximised objectives negated). Optuna leaves the reference point to the caller;
 * here it is Optuna's own rule for its TPE (`_get_reference_point`): per objective the worst value over
 * the study's feasible COMPLETE trials × 1.1 (× 0.9 for a negative worst, a tiny positive number for 0),
 * so every such trial counts and the curve is comparable along one study (not across studies).
 * A trial worse than the reference point in some objective, dominated or infeasible leaves the value
 * unchanged, as in Optuna.
 */
import type { ChartConfiguration } from 'chart.js';
import {
  hsspReferencePoint,
  hypervolume,
  isFeasible,
  paretoFrontTrials,
  TrialState,
  type DirectionName,
  type FrozenTrial,
} from '../engine/index.ts';
import { baseOptions } from './common.ts';
import { formatNumber } from './format.ts';
import { STATE_COLORS } from './colors.ts';
import { chart, empty, type Plot } from './types.ts';

export const HYPERVOLUME_TITLE = 'Hypervolume History Plot';

/** `_get_reference_point` (the engine's, which TPE's split uses): the worst point × 1.1 (0.9 where negative), 0 → EPS. */
export const referencePointOf: (values: readonly (readonly number[])[]) => number[] = hsspReferencePoint;

export interface HypervolumePoint {
  readonly x: number;
  readonly y: number;
}

const signOf = (d: DirectionName): number => (d === 'maximize' ? -1 : 1);

/** A trial's values as losses (maximised objectives negated). */
function loss(t: FrozenTrial, directions: readonly DirectionName[]): number[] {
  return directions.map((d, j) => signOf(d) * t.values![j]!);
}

/**
 * Hypervolume after each COMPLETE trial (number order) with `reference` given in loss space (every
 * objective minimised); infeasible trials, dominated ones and ones beyond the reference add nothing.
 */
export function hypervolumeHistory(
  trials: readonly FrozenTrial[],
  directions: readonly DirectionName[],
  reference: readonly number[],
): HypervolumePoint[] {
  const k = directions.length;
  const done = trials
    .filter((t) => t.state === TrialState.COMPLETE && t.values?.length === k)
    .sort((a, b) => a.number - b.number);
  let front: FrozenTrial[] = [];
  let hv = 0;
  const out: HypervolumePoint[] = [];
  for (const t of done) {
    const l = loss(t, directions);
    const inside = l.every((v, j) => Number.isFinite(v) && v <= reference[j]!);
    if (isFeasible(t) && inside) {
      const next = paretoFrontTrials([...front, t], directions);
      if (next.includes(t)) {
        front = next;
        hv = hypervolume(
          front.map((f) => loss(f, directions)),
          [...reference],
        );
      }
    }
    out.push({ x: t.number, y: hv });
  }
  return out;
}

export interface HypervolumeOptions {
  readonly objectiveNames: readonly string[];
  readonly directions: readonly DirectionName[];
}

export function buildHypervolumeHistory(trials: readonly FrozenTrial[], opts: HypervolumeOptions): Plot {
  const { directions } = opts;
  const k = directions.length;
  if (k < 2) return empty(HYPERVOLUME_TITLE, 'The hypervolume history needs a study with 2 or more objectives.');
  const feasible = trials.filter(
    (t) =>
      t.state === TrialState.COMPLETE && t.values?.length === k && t.values.every(Number.isFinite) && isFeasible(t),
  );
  if (feasible.length === 0)
    return empty(HYPERVOLUME_TITLE, 'No feasible completed trial yet. The hypervolume grows from the first one.');
  const reference = referencePointOf(feasible.map((t) => loss(t, directions)));
  const history = hypervolumeHistory(trials, directions, reference);
  const refText = opts.objectiveNames
    .map((n, j) => `${n} ${formatNumber(signOf(directions[j]!) * reference[j]!)}`)
    .join(', ');
  const options = baseOptions<'scatter'>(
    HYPERVOLUME_TITLE,
    `reference point (worst feasible value × 1.1, Optuna's rule): ${refText}`,
  );
  options.scales = {
    x: { type: 'linear', title: { display: true, text: 'Trial' }, ticks: { precision: 0 } },
    y: { type: 'linear', title: { display: true, text: 'Hypervolume' }, beginAtZero: true },
  };
  const config: ChartConfiguration<'scatter', HypervolumePoint[]> = {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Hypervolume',
          data: history,
          showLine: true,
          borderColor: STATE_COLORS[1],
          backgroundColor: STATE_COLORS[1],
          pointRadius: 3,
          borderWidth: 2,
        },
      ],
    },
    options,
  };
  return chart(HYPERVOLUME_TITLE, config as ChartConfiguration);
}

/** The reference point the plot uses, in the objectives' own signs (for the Results text and tests). */
export function hypervolumeReference(
  trials: readonly FrozenTrial[],
  directions: readonly DirectionName[],
): number[] | null {
  const k = directions.length;
  const feasible = trials.filter(
    (t) =>
      t.state === TrialState.COMPLETE && t.values?.length === k && t.values.every(Number.isFinite) && isFeasible(t),
  );
  if (feasible.length === 0) return null;
  return referencePointOf(feasible.map((t) => loss(t, directions))).map((r, j) => signOf(directions[j]!) * r);
}
