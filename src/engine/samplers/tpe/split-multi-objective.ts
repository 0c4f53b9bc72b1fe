/**
 * TPE's split of COMPLETE trials for several objectives (optuna/samplers/_tpe/sampler.py, v5.0,
 * `_split_complete_trials_multi_objective`) and its gamma (`default_gamma_multiobjective`).
 *
 * "Below" takes whole non-domination ranks, best first, while they fit in nBelow; the rank that does
 * not fit is cut by greedy hypervolume subset selection (HSSP) with the reference point 1.1× that
 * rank's worst values. In 5.0 every below trial weighs the same (4.x weighted them by hypervolume
 * contribution; 5.0 passes ones as the estimator's weights), and gamma has no cap of 25.
 */
import { nonDominatedSort } from '../../multi-objective/pareto.ts';
import { hsspReferencePoint, solveHssp } from '../../multi-objective/hssp.ts';

/** ceil(0.1·n), computed with the same floating-point product as Python. */
export function defaultGammaMultiObjective(n: number): number {
  return Math.ceil(0.1 * n);
}

/**
 * Positions (into `loss`, one row per COMPLETE trial, minimised) of the nBelow trials that go below,
 * as a flag per row.
 */
export function splitCompleteMultiObjective(loss: readonly (readonly number[])[], nBelowWanted: number): Uint8Array {
  const n = loss.length;
  const nBelow = Math.min(nBelowWanted, n);
  const below = new Uint8Array(n);
  if (nBelow <= 0) return below;
  if (nBelow === n) return below.fill(1);
  const ranks = nonDominatedSort(loss, { nBelow });
  // The last rank r such that ranks 0..r together hold at most nBelow trials.
  const counts = new Map<number, number>();
  for (const r of ranks) counts.set(r, (counts.get(r) ?? 0) + 1);
  let last = -1;
  let total = 0;
  for (const r of [...counts.keys()].sort((a, b) => a - b)) {
    total += counts.get(r) as number;
    if (total > nBelow) break;
    last = r;
  }
  let taken = 0;
  ranks.forEach((r, i) => {
    if (r <= last) {
      below[i] = 1;
      taken++;
    }
  });
  if (taken < nBelow) {
    const tied: number[] = [];
    ranks.forEach((r, i) => r === last + 1 && tied.push(i));
    const tiedLoss = tied.map((i) => loss[i] as readonly number[]);
    for (const i of solveHssp(tiedLoss, tied, nBelow - taken, hsspReferencePoint(tiedLoss))) below[i] = 1;
  }
  return below;
}
