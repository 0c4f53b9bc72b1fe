/**
 * How a run leaves a study, as pure functions of its trials: which interrupted trials are re-run (and
 * how they are kept out of the trial budget), and the end-of-study summary the Run view shows.
 */
import { TrialState, type FrozenTrial, type JsonValue, type ParamValue } from '../engine/index.ts';
import { isCancelled, isInterrupted } from './run-support.ts';
import { trialVerdict, type LearningVerdict } from './verdicts.ts';
import { isOverBudget, weightedSumBest } from './pareto.ts';

/**
 * How often an interrupted trial is re-run before it counts as a failure like any other (a trial that
 * kills its tab, e.g. by exhausting the GPU, would otherwise be retried forever).
 */
export const MAX_RETRIES = 2;

/** A WAITING trial to enqueue that re-runs an interrupted one (Optuna's RetryFailedTrialCallback). */
export interface RetryTrial {
  /** The interrupted trial it replaces. */
  of: number;
  params: Record<string, ParamValue>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: { fixed_params: Record<string, ParamValue>; failed_trial: number; retry_history: number[] };
}

function retryHistory(t: FrozenTrial): number[] {
  const h = t.systemAttrs['retry_history'];
  return Array.isArray(h) ? h.filter((x): x is number => typeof x === 'number') : [];
}

/** Numbers of the trials some other trial re-runs (they appear in its retry_history). */
export function retriedTrialNumbers(trials: readonly FrozenTrial[]): Set<number> {
  const out = new Set<number>();
  for (const t of trials) for (const n of retryHistory(t)) out.add(n);
  return out;
}

/**
 * Retries for the interrupted trials that have none yet, as optuna/storages/_callbacks.py builds them:
 * the same parameters (enqueued as `fixed_params`, so the suggest calls return them) and user attributes,
 * `failed_trial` = the first trial of the series, `retry_history` = every trial of it so far. Deriving
 * them from the whole study, not from this session, makes continuing twice enqueue nothing twice.
 */
export function retriesToEnqueue(trials: readonly FrozenTrial[], maxRetries = MAX_RETRIES): RetryTrial[] {
  const retried = retriedTrialNumbers(trials);
  const out: RetryTrial[] = [];
  for (const t of trials) {
    if (t.state !== TrialState.FAIL || !isInterrupted(t) || retried.has(t.number)) continue;
    const history = [...retryHistory(t), t.number];
    if (history.length > maxRetries) continue;
    const first = t.systemAttrs['failed_trial'];
    const params = { ...t.params };
    out.push({
      of: t.number,
      params,
      userAttrs: { ...t.userAttrs },
      systemAttrs: {
        fixed_params: params,
        failed_trial: typeof first === 'number' ? first : t.number,
        retry_history: history,
      },
    });
  }
  return out;
}

/**
 * Trials that count toward the study's trial budget: every finished trial except an interrupted one
 * that a retry replaces (the retry counts instead, so an interruption does not eat the budget) and a
 * configuration rejected over the parameter/memory budget before it trained (./pareto.ts).
 */
export function budgetUsed(trials: readonly FrozenTrial[]): number {
  const retried = retriedTrialNumbers(trials);
  return trials.filter(
    (t) =>
      t.state !== TrialState.RUNNING && t.state !== TrialState.WAITING && !retried.has(t.number) && !isOverBudget(t),
  ).length;
}

/** How a study's run ended, in one line. */
export interface EndSummary {
  /** ok: no failures; warn: some trials failed, or the best trial has not learned; error: no trial completed. */
  kind: 'ok' | 'warn' | 'error';
  text: string;
  complete: number;
  pruned: number;
  failed: number;
  cancelled: number;
  firstError: string | null;
  /** The best complete trial and whether its network learned (null without diagnostics). */
  best: { number: number; verdict: LearningVerdict | null } | null;
}

const MAX_ERROR_CHARS = 240;

function failReason(t: FrozenTrial): string {
  const r = t.systemAttrs['fail_reason'];
  const text = typeof r === 'string' && r !== '' ? r : 'no reason recorded';
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

/**
 * The end state of a study told truthfully: failures are counted and the first one's reason quoted;
 * pruned trials are a normal outcome; interrupted trials that were re-run are not failures; a study
 * without a complete trial produced nothing usable and is an error.
 */
export function endSummary(trials: readonly FrozenTrial[]): EndSummary {
  const retried = retriedTrialNumbers(trials);
  let complete = 0;
  let pruned = 0;
  let overBudget = 0;
  let cancelled = 0;
  const failures: FrozenTrial[] = [];
  for (const t of trials) {
    if (t.state === TrialState.COMPLETE) complete++;
    else if (isOverBudget(t)) overBudget++;
    else if (t.state === TrialState.PRUNED) pruned++;
    else if (t.state === TrialState.FAIL && !retried.has(t.number)) {
      if (isCancelled(t)) cancelled++;
      else failures.push(t);
    }
  }
  failures.sort((a, b) => a.number - b.number);
  const failed = failures.length;
  const firstError = failed > 0 ? failReason(failures[0]!) : null;
  const counts = [`${complete} complete`];
  if (pruned > 0) counts.push(`${pruned} pruned`);
  if (failed > 0) counts.push(`${failed} failed`);
  if (cancelled > 0) counts.push(`${cancelled} cancelled`);
  if (overBudget > 0) counts.push(`${overBudget} configuration${overBudget === 1 ? '' : 's'} rejected over budget`);
  const best = bestComplete(trials);
  const verdict = best === null ? null : trialVerdict(best);
  // A study whose best network learned nothing is not a success, however many trials completed.
  const notLearned = verdict !== null && verdict.kind !== 'learned' && verdict.kind !== 'unknown';
  const learning =
    best === null || verdict === null || verdict.kind === 'unknown'
      ? ''
      : ` — the best trial (#${best.number}) ${verdict.text}`;
  const tail = firstError === null ? `${learning}.` : `${learning} — first error: ${firstError}`;
  const kind = complete === 0 ? 'error' : failed > 0 || notLearned ? 'warn' : 'ok';
  const head = kind === 'error' ? 'Finished without a complete trial' : 'Finished';
  return {
    kind,
    text: `${head}: ${counts.join(', ')}${tail}`,
    complete,
    pruned,
    failed,
    cancelled,
    firstError,
    best: best === null ? null : { number: best.number, verdict },
  };
}

/**
 * The complete trial with the lowest L (studies here minimize L; a Pareto study records it as a user
 * attribute), the earliest on a tie.
 */
function bestComplete(trials: readonly FrozenTrial[]): FrozenTrial | null {
  return weightedSumBest(trials);
}
