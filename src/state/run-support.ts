/**
 * Pure helpers of the study run: the ETA, the user attributes a finished trial records, the compact form
 * in which a trial's posterior draws travel with its network file, and how an interrupted trial is
 * recognised. Kept apart from the rune class so they are unit-tested without Svelte or workers.
 */
import { mean, tableToRecord, type DiagnosticsTable } from '../metrics/index.ts';
import type { FrozenTrial, JsonValue } from '../engine/index.ts';
import { base64ToFloat32, float32ToBase64 } from '../nn/pure.ts';

export interface TrialTiming {
  /** Seconds of trials finished in this session (their wall time). */
  finished: readonly number[];
  /** Seconds the diagnostics (posterior sampling, metrics) took in this session's completed trials. */
  diagnostics?: readonly number[];
  /** The running trial, if one is. */
  current: CurrentTrialTiming | null;
  /** Trials still to start after the current one. */
  remaining: number;
  /**
   * Seconds until the study's timeout, after which no new trial starts (Optuna's `timeout`), or
   * null/absent without one. Trials that would start after it are not counted.
   */
  timeoutLeft?: number | null;
}

export interface CurrentTrialTiming {
  /** Seconds since the trial started. */
  elapsed: number;
  epochs: number;
  /** Epochs trained so far, fractional within the running epoch. */
  epochsDone: number;
  /** Seconds the diagnostics have been running; null while the trial still trains. */
  diagnosticsElapsed: number | null;
  /** Share of the posterior sampling done (0..1). */
  sampling: number;
}

/** Below this share of a phase the extrapolation from it is mostly start-up noise. */
const MIN_SHARE = 0.05;

/**
 * Seconds until the study ends. A trial is modelled as its epochs (their pace extrapolated from the
 * epochs done) plus the diagnostics (extrapolated from the sampling progress once it has moved, else
 * what they took in earlier trials, else one epoch's time). Each trial still to run costs the mean of
 * this session's finished trials, or before any the running trial's projected total. Null while there
 * is nothing to extrapolate from.
 */
export function etaSeconds(t: TrialTiming): number | null {
  const finishedMean = t.finished.length > 0 ? mean(t.finished) : null;
  const diagMean = t.diagnostics !== undefined && t.diagnostics.length > 0 ? mean(t.diagnostics) : null;
  let currentLeft = 0;
  let currentTotal: number | null = null;
  if (t.current !== null) {
    const left = currentTrialLeft(t.current, diagMean);
    if (left !== null) {
      currentLeft = left;
      currentTotal = t.current.elapsed + left;
    } else if (finishedMean !== null) {
      currentLeft = Math.max(0, finishedMean - t.current.elapsed);
    } else {
      return null;
    }
  }
  const perTrial = finishedMean ?? currentTotal;
  if (perTrial === null) return t.remaining === 0 && t.current !== null ? currentLeft : null;
  return currentLeft + perTrial * trialsThatStart(t.remaining, perTrial, currentLeft, t.timeoutLeft);
}

/** Of `remaining` trials of `perTrial` seconds each, after `currentLeft`, those that start before the timeout. */
function trialsThatStart(
  remaining: number,
  perTrial: number,
  currentLeft: number,
  timeoutLeft: number | null | undefined,
): number {
  if (timeoutLeft === null || timeoutLeft === undefined) return remaining;
  const window = timeoutLeft - currentLeft;
  if (window <= 0) return 0;
  return Math.min(remaining, perTrial > 0 ? Math.ceil(window / perTrial) : remaining);
}

function currentTrialLeft(c: CurrentTrialTiming, diagMean: number | null): number | null {
  const inDiagnostics = c.diagnosticsElapsed !== null;
  const trainElapsed = inDiagnostics ? c.elapsed - c.diagnosticsElapsed! : c.elapsed;
  const epochsDone = inDiagnostics ? c.epochs : c.epochsDone;
  const perEpoch = c.epochs > 0 && epochsDone >= MIN_SHARE * c.epochs ? trainElapsed / epochsDone : null;
  const trainLeft = inDiagnostics ? 0 : perEpoch === null ? null : (c.epochs - epochsDone) * perEpoch;
  if (trainLeft === null) return null;
  const diagEstimate = diagMean ?? perEpoch;
  if (!inDiagnostics) return diagEstimate === null ? null : trainLeft + diagEstimate;
  const elapsed = c.diagnosticsElapsed!;
  const projected = c.sampling >= MIN_SHARE ? elapsed / c.sampling : diagEstimate;
  return projected === null ? null : Math.max(0, projected - elapsed);
}

/**
 * Share of a trial's work done: training takes `epochs` units, the diagnostics' posterior sampling is
 * counted as one more epoch (roughly its cost at the preset sizes).
 */
export function trialFraction(p: {
  epoch: number;
  batch: number;
  numBatches: number;
  epochs: number;
  sampling: number;
}): number {
  const units = p.epochs + 1;
  const train = Math.min(p.epochs, p.epoch + (p.numBatches > 0 ? p.batch / p.numBatches : 0));
  return Math.min(1, (train + p.sampling) / units);
}

/** NaN/Infinity are not JSON: keep them readable as strings rather than losing them to null. */
function jsonNumber(x: number): JsonValue {
  return Number.isFinite(x) ? x : String(x);
}

/**
 * User attributes of a completed trial: the diagnostics (per parameter and their means, which the
 * objective averages) and the training record. They appear in the trials table, the CSV and the
 * exported journal.
 */
export function completedTrialAttrs(r: {
  table: DiagnosticsTable;
  history: { loss: number[]; valLoss: number[] };
  backend: string;
  msPerStep: number;
  samplingMs: number;
  parameterCount: number;
}): Record<string, JsonValue> {
  const rows = r.table.values;
  const record = tableToRecord(r.table) as unknown as Record<string, Record<string, number>>;
  const metrics: Record<string, JsonValue> = {};
  for (const [row, cols] of Object.entries(record)) {
    metrics[row] = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, jsonNumber(v)]));
  }
  return {
    mean_nrmse: jsonNumber(mean(rows[0] ?? [])),
    mean_contraction: jsonNumber(mean(rows[1] ?? [])),
    mean_calibration_error: jsonNumber(mean(rows[2] ?? [])),
    metrics,
    ...historyAttrs(r.history),
    backend: r.backend,
    ms_per_step: jsonNumber(r.msPerStep),
    sampling_ms: jsonNumber(r.samplingMs),
    parameter_count: r.parameterCount,
  };
}

export function historyAttrs(h: { loss: readonly number[]; valLoss: readonly number[] }): Record<string, JsonValue> {
  return { loss: h.loss.map(jsonNumber), val_loss: h.valLoss.map(jsonNumber) };
}

/** Posterior draws of the validation sets, as kept in a network file's metadata (`validationDraws`). */
export interface DrawsRecord {
  n: number;
  S: number;
  P: number;
  names: string[];
  /** Base64 float32, n × S × P row-major (docs/design/networks.md#diagnostics layout). */
  draws: string;
  /** Base64 float32, n × P. */
  truths: string;
}

export function encodeDraws(
  draws: Float32Array,
  truths: Float64Array,
  n: number,
  S: number,
  names: readonly string[],
): DrawsRecord {
  const P = names.length;
  if (draws.length !== n * S * P) throw new Error(`draws has ${draws.length} values, expected n·S·P = ${n}·${S}·${P}`);
  if (truths.length !== n * P) throw new Error(`truths has ${truths.length} values, expected n·P = ${n}·${P}`);
  return {
    n,
    S,
    P,
    names: [...names],
    draws: float32ToBase64(draws),
    truths: float32ToBase64(Float32Array.from(truths)),
  };
}

export function decodeDraws(
  x: unknown,
): { draws: Float32Array; truths: Float32Array; n: number; S: number; P: number; names: string[] } | null {
  if (typeof x !== 'object' || x === null) return null;
  const r = x as Partial<DrawsRecord>;
  if (typeof r.draws !== 'string' || typeof r.truths !== 'string' || !Array.isArray(r.names)) return null;
  const { n, S, P } = r;
  if (![n, S, P].every((v) => Number.isInteger(v) && (v as number) > 0)) return null;
  const draws = base64ToFloat32(r.draws, 'validationDraws.draws');
  const truths = base64ToFloat32(r.truths, 'validationDraws.truths');
  if (draws.length !== n! * S! * P! || truths.length !== n! * P!) return null;
  return { draws, truths, n: n!, S: S!, P: P!, names: r.names.map(String) };
}

/** Set on the trials a reload or a crash interrupted (IdbStorage.failStaleTrials writes it). */
export function isInterrupted(t: FrozenTrial): boolean {
  const reason = t.systemAttrs['fail_reason'];
  return typeof reason === 'string' && reason.startsWith('stale');
}

/**
 * The prefix the engine's optimize loop gives `fail_reason` when the run's AbortSignal fired during a
 * trial (src/engine/study/optimize.ts); in the app only Cancel fires it. The colon matters: a wasm
 * crash reads "Aborted()" or "Aborted(OOM)" and is a failure, not a cancellation.
 */
export const CANCELLED_REASON_PREFIX = 'Aborted: ';

export function isCancelledReason(reason: string): boolean {
  return reason.startsWith(CANCELLED_REASON_PREFIX);
}

/** Set on the trial that Cancel stopped. */
export function isCancelled(t: FrozenTrial): boolean {
  const reason = t.systemAttrs['fail_reason'];
  return typeof reason === 'string' && isCancelledReason(reason);
}
