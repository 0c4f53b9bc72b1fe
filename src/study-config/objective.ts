/**
 * A configuration's objective (types.ts ObjectiveSpec) as the engine and the views need it: the study's
 * directions (every objective minimised) and the objectives' names, in the trial values' order.
 */
import type { ObjectiveMetric, StudyConfig } from './types.ts';

/** Axis and column names of the Pareto objectives (the same words as src/metrics/objectives.ts). */
export const OBJECTIVE_NAMES: Readonly<Record<ObjectiveMetric, string>> = {
  nrmse: 'NRMSE',
  calibration: 'Calibration error',
  contraction: '1 − contraction',
};

export function isPareto(c: StudyConfig | null | undefined): boolean {
  return c?.objective?.type === 'pareto';
}

/** The Pareto objectives in value order, or null for the weighted sum. */
export function objectiveMetrics(c: StudyConfig): ObjectiveMetric[] | null {
  return c.objective?.type === 'pareto' ? [...c.objective.metrics] : null;
}

/** What each of a trial's values is: ["Objective L"] or the Pareto objectives' names. */
export function objectiveNames(c: StudyConfig): string[] {
  const m = objectiveMetrics(c);
  return m === null ? ['Objective L'] : m.map((x) => OBJECTIVE_NAMES[x]);
}

export function studyDirections(c: StudyConfig): 'minimize'[] {
  return (objectiveMetrics(c) ?? ['L']).map(() => 'minimize' as const);
}
