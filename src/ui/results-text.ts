/**
 * Wording of the Results view and the study library, as pure functions so that what the user reads
 * is unit-tested: why a trial failed, which trials have diagnostics, the objective's legend with the
 * study's own weights, and the library's trial counts.
 */
import { TrialState, type FrozenTrial } from '../engine/index.ts';
import { DEFAULT_NETWORK_SPEC, type NetworkSpec, type WeightsSpec } from '../study-config/index.ts';
import { isCancelled, isInterrupted, overBudgetReason } from '../state/index.ts';

export interface TrialNote {
  kind: 'interrupted' | 'cancelled' | 'failed' | 'over-budget';
  text: string;
}

/**
 * Why a FAIL trial failed, as its fail_reason says, and why a configuration rejected over the study's
 * budget was not trained; null for every other trial.
 */
export function trialNote(t: FrozenTrial): TrialNote | null {
  const over = overBudgetReason(t);
  if (t.state === TrialState.PRUNED && over !== null)
    return { kind: 'over-budget', text: `Not trained, ${over} (not counted as a trial).` };
  if (t.state !== TrialState.FAIL) return null;
  const reason = t.systemAttrs['fail_reason'];
  if (isInterrupted(t))
    return { kind: 'interrupted', text: 'Interrupted: the tab was closed or crashed while this trial ran.' };
  if (isCancelled(t)) return { kind: 'cancelled', text: 'Cancelled from the Run view.' };
  if (typeof reason !== 'string' || reason.trim() === '')
    return { kind: 'failed', text: 'Failed (no reason was recorded).' };
  return { kind: 'failed', text: `Failed: ${reason}` };
}

/**
 * Whether a trial can show recovery / calibration / contraction plots: its network (which carries the
 * posterior draws) is stored. A FAIL trial never counts, even if a file was written before it failed.
 */
export function hasDiagnostics(t: FrozenTrial, withNetwork: ReadonlySet<number>): boolean {
  return t.state !== TrialState.FAIL && withNetwork.has(t.number);
}

/** A weight as typed: 1 not 1.000, 0.25 not 2.500e-1. */
export function formatWeight(w: number): string {
  return Number.isInteger(w) ? String(w) : String(Number(w.toPrecision(4)));
}

export interface ObjectiveTerm {
  key: keyof WeightsSpec;
  /** The weight as written, or the symbol when the study carries no weights. */
  weight: string;
  /** What enters L, as in the formula. */
  term: string;
  /** The metric's name as the table and the best-trial card call it. */
  name: string;
  /** Which values are good and what a network that learned nothing scores. */
  reading: string;
  /** Weight 0: the term does not count. */
  ignored: boolean;
}

/**
 * The three terms of L in the order of the formula. Weights are bound by name (recovery ↔ NRMSE,
 * pc ↔ 1 − contraction, sbc ↔ calibration error) as the objective binds them: the notebook's prose
 * pairs w2 with calibration error, its code with the contraction factor, and the code is what runs.
 * The NRMSE baseline is not 1: NRMSE divides by the range of the true values, which for the DMC's
 * truncated-normal priors spans about 4–5 standard deviations of 20–100 validation sets, so draws
 * from the prior score ≈ √2 / 4.5 ≈ 0.3 (pinned in the unit tests with the real metric).
 */
export function objectiveTerms(weights: WeightsSpec | null): ObjectiveTerm[] {
  const w = (key: keyof WeightsSpec, symbol: string): string =>
    weights === null ? symbol : formatWeight(weights[key]);
  return [
    {
      key: 'recovery',
      weight: w('recovery', 'w_recovery'),
      term: 'mean NRMSE',
      name: 'NRMSE',
      reading:
        '0 = the posterior draws sit on the true values. The error is divided by the range of the true values, so a network that ignores the data and draws from the prior scores about 0.3–0.4, not 1; above that is worse than guessing.',
      ignored: weights !== null && weights.recovery === 0,
    },
    {
      key: 'pc',
      weight: w('pc', 'w_pc'),
      term: 'mean (1 − contraction)',
      name: 'Contraction',
      reading:
        '1 − var(posterior) / var(prior), clipped to [0, 1] per data set: 1 = certain, 0 = the posterior is as wide as the prior (nothing learned).',
      ignored: weights !== null && weights.pc === 0,
    },
    {
      key: 'sbc',
      weight: w('sbc', 'w_sbc'),
      term: 'mean calibration error',
      name: 'Calibration error',
      reading:
        '0 = well calibrated: each credible interval holds the true value as often as its level says. The prior itself is calibrated, so read it together with contraction.',
      ignored: weights !== null && weights.sbc === 0,
    },
  ];
}

/** Which network the study's trials trained, in words for Results (absent: configurations from before the option). */
export function networkText(network: NetworkSpec | undefined | null): string {
  const n = network ?? DEFAULT_NETWORK_SPEC;
  const which =
    n.variant === 'reference'
      ? 'reference: what BayesFlow 2.0.5 ran for the notebook (FlowMatching dropout 0.05, embed_dims (64, 64) whatever the trial suggests), comparable with the published study'
      : 'as tuned: dropout reaches the FlowMatching MLP and embed_dim both attention blocks, as the notebook intended';
  const f16 =
    n.matmulF16 === true
      ? '; Dense products in f16 (binary16 operands, float32 sums) where training ran on webgpu'
      : '';
  const draws =
    n.flowDraws !== undefined && n.flowDraws !== 1
      ? `; ${n.flowDraws} flow-matching draws per data set and step (BayesFlow draws 1), for a less noisy gradient`
      : '';
  const trials = n.standardizeTrials === true ? '; per-trial inputs (rt, accuracy, condition) standardized' : '';
  return `Network ${which}; sqrt(num_obs) condition ${n.standardizeCondition ? 'standardized' : 'raw, as in the notebook'}${trials}${f16}${draws}.`;
}

/** "L = 1 · mean NRMSE + 1 · mean (1 − contraction) + 1 · mean calibration error" */
export function objectiveFormula(weights: WeightsSpec | null): string {
  return `L = ${objectiveTerms(weights)
    .map((t) => `${t.weight} · ${t.term}`)
    .join(' + ')}`;
}

/** "3 complete · 1 pruned · 1 failed": the non-zero counts, named; "none finished" when all are 0. */
export function trialCounts(c: {
  complete: number;
  pruned: number;
  failed: number;
  running?: number;
  overBudget?: number;
}): string {
  const parts: string[] = [];
  if (c.complete > 0) parts.push(`${c.complete} complete`);
  if (c.pruned > 0) parts.push(`${c.pruned} pruned`);
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  if ((c.running ?? 0) > 0) parts.push(`${c.running} running`);
  if ((c.overBudget ?? 0) > 0) parts.push(`${c.overBudget} over budget (not counted)`);
  return parts.length === 0 ? 'none finished' : parts.join(' · ');
}
