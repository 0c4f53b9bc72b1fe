/**
 * Study system attributes that name trials by their storage-wide id, which changes when a study moves
 * to another storage or journal: optuna-dashboard's trial notes ("dashboard:<trial_id>:…", keys) and
 * the parent populations Optuna's GA samplers cache ("NSGAIISampler:parent:<generation>", a list of
 * trial ids; samplers/_ga/_base.py). Import and export move both to the trials' new ids.
 */
import type { JsonValue } from '../types.ts';
import { isTrialNoteKey, remapTrialNoteKeys } from './dashboard-notes.ts';

/** `<GA sampler class>:parent:<generation>`, as BaseGASampler names its cache. */
const GA_PARENT_KEY = /^[A-Za-z_][A-Za-z0-9_]*:parent:\d+$/;

export function isGaParentKey(key: string): boolean {
  return GA_PARENT_KEY.test(key);
}

/** Keys whose name or value holds trial ids. */
export function hasTrialIds(key: string): boolean {
  return isTrialNoteKey(key) || isGaParentKey(key);
}

/**
 * `attrs` with trial ids moved through `ids` (old id → new id). A note of an unknown trial is dropped
 * (remapTrialNoteKeys); so is a parent cache naming an unknown trial — the sampler then selects that
 * generation's parents again from the trials, which gives the same set.
 */
export function remapTrialIdAttrs(
  attrs: Readonly<Record<string, JsonValue>>,
  ids: ReadonlyMap<number, number>,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(remapTrialNoteKeys(attrs, ids))) {
    if (!isGaParentKey(k) || !Array.isArray(v)) {
      out[k] = v;
      continue;
    }
    const moved = v.map((id) => (typeof id === 'number' ? ids.get(id) : undefined));
    if (moved.every((id) => id !== undefined)) out[k] = moved as number[];
  }
  return out;
}
