/**
 * IntersectionSearchSpace (optuna/search_space/intersection.py, v4.9, include_pruned=True for TPE):
 * the parameters that every COMPLETE (and PRUNED) trial has with an identical distribution, sorted by
 * name. Computed from the history on every call (Optuna caches it incrementally; the result is the
 * same and cheap at our study sizes).
 */
import { distributionsEqual, isSingle } from '../distributions.ts';
import { TrialState, type Distribution, type FrozenTrial } from '../types.ts';

export function intersectionSearchSpace(
  trials: readonly FrozenTrial[],
  includePruned: boolean,
): Record<string, Distribution> {
  let space: Map<string, Distribution> | null = null;
  for (const t of trials) {
    if (!(t.state === TrialState.COMPLETE || (includePruned && t.state === TrialState.PRUNED))) continue;
    if (space === null) {
      space = new Map(Object.entries(t.distributions));
      continue;
    }
    for (const [name, d] of space) {
      const other = t.distributions[name];
      if (other === undefined || !distributionsEqual(d, other)) space.delete(name);
    }
  }
  const out: Record<string, Distribution> = {};
  if (space === null) return out;
  for (const name of [...space.keys()].sort()) out[name] = space.get(name) as Distribution;
  return out;
}

/**
 * The space a sampler draws jointly (`sample_relative`'s search space in TPE and the GA samplers): the
 * intersection space without its single-valued distributions, whose one value needs no sampling.
 */
export function relativeSearchSpace(
  trials: readonly FrozenTrial[],
  includePruned: boolean,
): Record<string, Distribution> {
  const space = intersectionSearchSpace(trials, includePruned);
  for (const [name, d] of Object.entries(space)) if (isSingle(d)) delete space[name];
  return space;
}
