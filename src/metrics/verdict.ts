/**
 * Has a network learned? A verdict per parameter from a trial's own diagnostics (contraction, NRMSE,
 * calibration error; src/metrics/diagnostics.ts), told in words where the numbers alone were read as
 * success: a demo that finished "green" with contraction 0.045 had learned nothing.
 *
 * The thresholds are set against what a network that ignores the data scores. A calibrated network
 * whose posterior is the prior has
 * - contraction ≈ 1 − σ²/V, V the sample variance of the n validation truths (each data set's posterior
 *   variance is ≈ σ², clipped at 0, median over data sets): 0 on average, but V/σ² has sd √(2/(n − 1)),
 *   0.14 at the demo's 100 validation sets, so such a network scores 0 to 0.25 (2 sd);
 * - NRMSE ≈ √2·σ/range: a draw from the prior misses the truth by √2·σ in RMS, and the range of the
 *   truths is ≈ 5.0σ at n = 100 (5.8σ at 300): 0.28 (0.25);
 * - calibration error ≈ 0 to 0.05: its intervals cover the truths as often as they claim.
 * A calibrated network that has learned a parameter to contraction c has NRMSE ≈ √(2(1 − c))·σ/range:
 * 0.20 at c = 0.5 and n = 100, 0.17 at n = 300. Hence, per parameter:
 * - learned: contraction ≥ 0.5 (posterior sd ≤ 0.71 prior sd; the issue's bar for a demo that learns),
 *   NRMSE ≤ 0.22 (between that 0.20 and the uninformative 0.25–0.28) and calibration error ≤ 0.15;
 * - not learned: contraction < 0.25, what an uninformative network scores by chance;
 * - barely learned: in between (or narrow but miscalibrated);
 * - miscalibrated (a flag beside the level): calibration error > 0.15, three times the noise of a
 *   calibrated network; an overconfident network that ignores the data scores ≈ 0.5.
 */
import { METRIC_ROWS, type MetricRow } from './diagnostics.ts';

export interface VerdictThresholds {
  learnedContraction: number;
  learnedNrmse: number;
  noneContraction: number;
  miscalibrated: number;
}

export const VERDICT_THRESHOLDS: VerdictThresholds = {
  learnedContraction: 0.5,
  learnedNrmse: 0.22,
  noneContraction: 0.25,
  miscalibrated: 0.15,
};

export type ParamLevel = 'learned' | 'weak' | 'none' | 'unknown';

export interface ParamVerdict {
  name: string;
  level: ParamLevel;
  contraction: number;
  nrmse: number;
  calibrationError: number;
  miscalibrated: boolean;
}

export interface LearningVerdict {
  /** learned: at least one parameter learned; weak: none learned, some barely; none: nothing learned. */
  kind: 'learned' | 'weak' | 'none' | 'unknown';
  params: ParamVerdict[];
  learned: string[];
  weak: string[];
  none: string[];
  miscalibrated: string[];
  /** A few words for a table cell: "learned b, mu_r", "not learned". */
  short: string;
  /** One sentence, with the numbers that decided it. */
  text: string;
}

/** Diagnostics per row and parameter, as trials and network files keep them (NaN may be stored as null). */
export type MetricsRecord = Partial<Record<MetricRow, Record<string, number | null | undefined>>>;

function num(x: unknown): number {
  return typeof x === 'number' ? x : Number.NaN;
}

function level(c: number, e: number, ce: number, t: VerdictThresholds): ParamLevel {
  if (!Number.isFinite(c) || !Number.isFinite(e)) return 'unknown';
  if (c < t.noneContraction) return 'none';
  if (c >= t.learnedContraction && e <= t.learnedNrmse && !(ce > t.miscalibrated)) return 'learned';
  return 'weak';
}

const f2 = (x: number): string => x.toFixed(2);

/** "NRMSE b 0.31, mu_r 0.28 (learned needs ≤ 0.22)": the bars that narrow posteriors missed. */
function missed(ps: readonly ParamVerdict[], t: VerdictThresholds): string {
  const bar = (label: string, max: number, get: (p: ParamVerdict) => number): string => {
    const over = ps.filter((p) => get(p) > max);
    return over.length === 0
      ? ''
      : `${label} ${over.map((p) => `${p.name} ${f2(get(p))}`).join(', ')} where learned needs ≤ ${max}`;
  };
  return [
    bar('NRMSE', t.learnedNrmse, (p) => p.nrmse),
    bar('calibration error', t.miscalibrated, (p) => p.calibrationError),
  ]
    .filter((x) => x !== '')
    .join('; ');
}

/** The verdict of a network from its diagnostics table as a record ({row: {param: value}}). */
export function learningVerdict(
  record: MetricsRecord,
  thresholds: VerdictThresholds = VERDICT_THRESHOLDS,
): LearningVerdict {
  const [nrmseRow, pcRow, ceRow] = METRIC_ROWS.map((r) => record[r] ?? {});
  const names = Object.keys(pcRow!);
  const params: ParamVerdict[] = names.map((name) => {
    const contraction = num(pcRow![name]);
    const nrmse = num(nrmseRow![name]);
    const calibrationError = num(ceRow![name]);
    return {
      name,
      level: level(contraction, nrmse, calibrationError, thresholds),
      contraction,
      nrmse,
      calibrationError,
      miscalibrated: Number.isFinite(calibrationError) && calibrationError > thresholds.miscalibrated,
    };
  });
  const pick = (l: ParamLevel): string[] => params.filter((p) => p.level === l).map((p) => p.name);
  const learned = pick('learned');
  const weak = pick('weak');
  const none = pick('none');
  const miscalibrated = params.filter((p) => p.miscalibrated).map((p) => p.name);
  const known = params.filter((p) => p.level !== 'unknown');
  const maxC = Math.max(...known.map((p) => p.contraction));
  const list = (ps: readonly string[]): string =>
    ps.map((n) => `${n} ${f2(params.find((p) => p.name === n)!.contraction)}`).join(', ');
  const calib =
    miscalibrated.length > 0
      ? `; intervals miscalibrated for ${miscalibrated.join(', ')} (calibration error > ${thresholds.miscalibrated})`
      : '';

  let kind: LearningVerdict['kind'];
  let short: string;
  let text: string;
  if (known.length === 0) {
    kind = 'unknown';
    short = 'no diagnostics';
    text = 'no verdict: the diagnostics are missing or undefined';
  } else if (learned.length > 0) {
    kind = 'learned';
    short = `learned ${learned.join(', ')}`;
    const rest = [
      weak.length > 0 ? `barely ${weak.join(', ')}` : '',
      none.length > 0 ? `not ${none.join(', ')}` : '',
    ].filter((s) => s !== '');
    text = `learned ${list(learned)} (contraction)${rest.length > 0 ? `; ${rest.join('; ')}` : ''}${calib}`;
  } else if (weak.length > 0) {
    kind = 'weak';
    short = 'barely learned';
    // narrow enough but off the truths: say which bar it missed, else "0.50 … 0.5 counts as learned" reads as a contradiction
    const off = params.filter((p) => p.level === 'weak' && p.contraction >= thresholds.learnedContraction);
    const wide = weak.filter((n) => !off.some((p) => p.name === n));
    const parts = [
      wide.length > 0
        ? `posteriors only a little narrower than the prior (contraction ${list(wide)}; ${thresholds.learnedContraction} counts as learned)`
        : '',
      off.length > 0 ? `posteriors narrower than the prior but off the truths (${missed(off, thresholds)})` : '',
    ].filter((x) => x !== '');
    text = `has barely learned: ${parts.join('; ')}${off.length > 0 ? '' : calib}`;
  } else {
    kind = 'none';
    short = 'not learned';
    const most = maxC === 0 ? '0 for every parameter' : `≤ ${f2(Math.ceil(maxC * 100) / 100)}`;
    text = `has not learned: posteriors about as wide as the prior (contraction ${most})${calib}`;
  }
  return { kind, params, learned, weak, none, miscalibrated, short, text };
}

/** The verdict of a stored `metrics` value (a trial attribute or network metadata), or null when it is not one. */
export function verdictOf(metrics: unknown): LearningVerdict | null {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return null;
  const rec = metrics as Record<string, unknown>;
  const pc = rec['Posterior Contraction'];
  if (typeof pc !== 'object' || pc === null || Object.keys(pc).length === 0) return null;
  return learningVerdict(rec as MetricsRecord);
}
