/**
 * Whether a trial's network learned, from the diagnostics the trial keeps (`metrics` user attribute;
 * src/metrics/verdict.ts), for the trials table, the best-trial card and the end-of-study message.
 */
import type { FrozenTrial } from '../engine/index.ts';
import { verdictOf, type LearningVerdict } from '../metrics/index.ts';

export type { LearningVerdict } from '../metrics/index.ts';

export function trialVerdict(t: FrozenTrial): LearningVerdict | null {
  return verdictOf(t.userAttrs['metrics']);
}
