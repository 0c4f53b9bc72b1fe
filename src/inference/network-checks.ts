/**
 * Warnings about the network as a whole, shown once above the posteriors: the per-participant checks
 * (checks.ts) cannot say that the network never learned, and a trial-count mismatch repeated under
 * every participant hid its one fix. Three causes, each with the fix that applies:
 * - it has not learned: its own validation diagnostics (network metadata `metrics`) give posteriors
 *   about as wide as the prior (src/metrics/verdict.ts);
 * - the data's trial counts lie outside the range it was trained on (metadata `studyConfig`/`simulator`);
 * - a share of the draws falls outside the prior's support (below 0 under a prior truncated at 0) or
 *   far out in its tails.
 *
 * Tail threshold: the prior puts 0.27 % of its mass beyond 3 sd of its mean; a calibrated network's
 * posteriors, averaged over data sets from the prior, give back the prior, so 5 % of all draws out
 * there (18 times as many) is no chance. Below 0 the prior has no mass at all: 1 % is already a sign.
 */
import { verdictOf, type LearningVerdict } from '../metrics/index.ts';
import { numObsFix, type SimulatorSettings } from './checks.ts';

export type NetworkWarningKind = 'not-learned' | 'num-obs' | 'prior-support';

export interface NetworkWarning {
  kind: NetworkWarningKind;
  title: string;
  message: string;
  fix: string;
}

export const FAR_SD = 3;
export const FAR_SHARE = 0.05;
export const BELOW_SUPPORT_SHARE = 0.01;

export interface NetworkCheckInput {
  /** The network file's metadata (its `metrics` give the verdict). */
  metadata: Record<string, unknown> | null;
  settings: SimulatorSettings | null;
  /** Trials per participant (after exclusions). */
  trials: readonly number[];
  /** All participants' draws (participants × S × P, row-major). */
  draws: ArrayLike<number>;
  paramNames: readonly string[];
  /** The prior, a normal truncated at 0 per parameter (null when the file has none). */
  prior: { means: readonly number[]; sds: readonly number[] } | null;
}

/** Three significant digits, as the Infer tables write numbers (332.34 → 332). */
const sig3 = (x: number): string => String(Number(x.toPrecision(3)));
const pct = (x: number): string => `${x >= 0.1 ? Math.round(x * 100) : (x * 100).toFixed(1)} %`;

export function learningWarning(verdict: LearningVerdict | null): NetworkWarning | null {
  if (verdict === null || (verdict.kind !== 'none' && verdict.kind !== 'weak')) return null;
  return {
    kind: 'not-learned',
    title: verdict.kind === 'none' ? 'The network has not learned' : 'The network has barely learned',
    message: `On its own validation data sets it ${verdict.text}. What it says about your participants is mostly its prior: expect about the same posterior for every one of them.`,
    fix: 'Train longer (more epochs, more data sets; a GPU makes that affordable) or start from a trial whose network learned, then train the final network from it (Results).',
  };
}

function rangeText(lo: number, hi: number): string {
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
}

export function trialCountWarning(
  trials: readonly number[],
  settings: SimulatorSettings | null,
): NetworkWarning | null {
  if (settings === null || trials.length === 0) return null;
  const [lo, hi] = settings.numObs;
  const outside = trials.filter((n) => n < lo || n > hi);
  if (outside.length === 0) return null;
  const dLo = Math.min(...trials);
  const dHi = Math.max(...trials);
  const who =
    outside.length === trials.length
      ? trials.length === 1
        ? 'Your data set has'
        : `All ${trials.length} participants have`
      : `${outside.length} of ${trials.length} participants have`;
  return {
    kind: 'num-obs',
    title: 'Your data have other trial counts than the network was trained on',
    message: `${who} ${rangeText(Math.min(...outside), Math.max(...outside))} trials, but the network was trained on data sets of ${rangeText(lo, hi)} trials only: it never saw data of this size, and its posteriors here are an extrapolation.`,
    fix: numObsFix(dLo, dHi),
  };
}

export function priorSupportWarning(
  draws: ArrayLike<number>,
  paramNames: readonly string[],
  prior: NetworkCheckInput['prior'],
  otherCauses: boolean,
): NetworkWarning | null {
  if (prior === null) return null;
  const P = paramNames.length;
  const n = Math.floor(draws.length / P);
  if (n === 0) return null;
  const below: string[] = [];
  const far: string[] = [];
  for (let j = 0; j < P; j++) {
    const m = prior.means[j];
    const sd = prior.sds[j];
    if (m === undefined || sd === undefined || !(sd > 0)) continue;
    let nBelow = 0;
    let nFar = 0;
    for (let k = j; k < draws.length; k += P) {
      const x = draws[k]!;
      if (x < 0) nBelow++;
      if (Math.abs(x - m) > FAR_SD * sd) nFar++;
    }
    const name = paramNames[j]!;
    if (nBelow / n >= BELOW_SUPPORT_SHARE) below.push(`${name} ${pct(nBelow / n)}`);
    else if (nFar / n >= FAR_SHARE) far.push(`${name} ${pct(nFar / n)} (prior ${sig3(m)} ± ${sig3(sd)})`);
  }
  const parts = [
    below.length > 0 ? `Draws below 0, where the prior (truncated at 0) has no mass: ${below.join(', ')} of them` : '',
    far.length > 0
      ? `draws more than ${FAR_SD} prior sd from the prior mean, where the prior puts 0.3 %: ${far.join(', ')}`
      : '',
  ].filter((x) => x !== '');
  if (parts.length === 0) return null;
  return {
    kind: 'prior-support',
    title: 'Many draws lie outside the prior',
    message: `${parts.join('; ').replace(/^d/, 'D')}.`,
    fix: otherCauses
      ? 'This follows from the warnings above: fix those first.'
      : 'If such values are plausible for your participants, the prior is too narrow: set a prior that covers the data (Setup → simulator prior) and train again; if not, the network extrapolates (see the warnings per participant).',
  };
}

/** The network-level warnings of an inference run, most fundamental first. */
export function networkWarnings(input: NetworkCheckInput): NetworkWarning[] {
  const learning = learningWarning(input.metadata === null ? null : verdictOf(input.metadata['metrics']));
  const counts = trialCountWarning(input.trials, input.settings);
  const support = priorSupportWarning(input.draws, input.paramNames, input.prior, learning !== null || counts !== null);
  return [learning, counts, support].filter((w): w is NetworkWarning => w !== null);
}
