/**
 * One inference run's results, as shown, stored, exported and printed by the CLI. The JSON export
 * is the CLI's object: {participants: {id: {param: {mean, sd, median, hdi95}, warnings: [..]}}}.
 */
import { summarizeDraws, type ParamSummary } from './posterior.ts';
import { participantWarnings, type InferenceWarning, type PriorRanges, type SimulatorSettings } from './checks.ts';
import { trialStats, type PredictiveStats, type TrialStats } from './ppc.ts';
import type { ParticipantData } from './table.ts';

export interface ParticipantResult {
  id: string;
  participant: string;
  groups: Record<string, string>;
  trials: number;
  excluded: number;
  summaries: Record<string, ParamSummary>;
  warnings: InferenceWarning[];
  observed: TrialStats;
  /** Present once the posterior predictive check has run. */
  predicted?: PredictiveStats;
}

/** A participant's result from its `s` posterior draws (s × paramNames, row-major), before any predictive check. */
export function participantResult(
  p: ParticipantData,
  draws: ArrayLike<number>,
  s: number,
  paramNames: readonly string[],
  settings: SimulatorSettings | null,
  ranges: PriorRanges | null,
): ParticipantResult {
  return {
    id: p.id,
    participant: p.participant,
    groups: p.groups,
    trials: p.rt.length,
    excluded: p.excluded,
    summaries: summarizeDraws(draws, s, paramNames),
    warnings: participantWarnings(p, settings, ranges),
    observed: trialStats(p),
  };
}

export function resultsJson(results: readonly ParticipantResult[], withPpc = false): Record<string, unknown> {
  const participants: Record<string, unknown> = {};
  for (const r of results) {
    const entry: Record<string, unknown> = { ...r.summaries, warnings: r.warnings.map((w) => w.message) };
    if (withPpc && r.predicted !== undefined) {
      entry['ppc'] = {
        quantiles: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        observed: { congruent: r.observed.quantiles.congruent, incongruent: r.observed.quantiles.incongruent },
        predicted: {
          congruent: r.predicted.quantiles.congruent.map((b) => b.mean),
          incongruent: r.predicted.quantiles.incongruent.map((b) => b.mean),
        },
        errorRate: {
          observed: r.observed.errorRate,
          predicted: {
            congruent: r.predicted.errorRate.congruent.mean,
            incongruent: r.predicted.errorRate.incongruent.mean,
          },
        },
      };
    }
    participants[r.id] = entry;
  }
  return { participants };
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per participant × parameter. */
export function resultsCsv(results: readonly ParticipantResult[]): string {
  const groupNames = [...new Set(results.flatMap((r) => Object.keys(r.groups)))];
  const head = [
    'id',
    'participant',
    ...groupNames,
    'trials',
    'excluded',
    'parameter',
    'mean',
    'sd',
    'median',
    'hdi95_lo',
    'hdi95_hi',
    'warnings',
  ];
  const lines = [head.map(csvCell).join(',')];
  for (const r of results) {
    for (const [param, s] of Object.entries(r.summaries)) {
      lines.push(
        [
          r.id,
          r.participant,
          ...groupNames.map((g) => r.groups[g] ?? ''),
          r.trials,
          r.excluded,
          param,
          s.mean,
          s.sd,
          s.median,
          s.hdi95[0],
          s.hdi95[1],
          String(r.warnings.length),
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}
