/**
 * The diagnostics as a function of the trial count N (as amortized-dmc's `metrics_num_obs.py`): a network
 * trained on a range of N is scored on validation sets simulated at several fixed N, and each metric row
 * of docs/design/networks.md#diagnostics becomes a curve over N per parameter. A user whose participants
 * have 300–400 trials reads off what a network trained at 500 gives them. Pure: the evaluation itself
 * (simulation, posterior draws) runs in a worker or the CLI; this module chooses N and shapes results.
 */
import { METRIC_ROWS, MetricsError, type DiagnosticsTable, type MetricRow } from './diagnostics.ts';

/** Largest N accepted: a data set of this many trials per validation set is already far beyond any study. */
export const MAX_NUM_OBS = 20000;
/** Most N values in one evaluation (each costs a full posterior sampling run). */
export const MAX_NUM_OBS_VALUES = 12;

/**
 * Five N spread over the trained range [min, max] (both ends included, rounded, distinct); a network
 * trained at one fixed N gets 20 %, 40 %, …, 100 % of it (500 → 100, 200, 300, 400, 500).
 */
export function defaultNumObsList(trained: readonly [number, number]): number[] {
  const [lo, hi] = trained;
  const from = lo === hi ? hi / 5 : lo;
  const out = new Set<number>();
  for (let k = 0; k < 5; k++) out.add(Math.max(1, Math.round(from + ((hi - from) * k) / 4)));
  return [...out];
}

/** "100, 200,300" → [100, 200, 300] (sorted, distinct), or a sentence saying what is wrong. */
export function parseNumObsList(text: string): number[] | { error: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return { error: 'Give at least one trial count N, e.g. 100, 200, 300.' };
  const values = new Set<number>();
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(v) || v < 1 || v > MAX_NUM_OBS) {
      return { error: `“${p}” is not a trial count: use whole numbers from 1 to ${MAX_NUM_OBS}.` };
    }
    values.add(v);
  }
  if (values.size > MAX_NUM_OBS_VALUES) {
    return { error: `At most ${MAX_NUM_OBS_VALUES} trial counts at once (each needs its own posterior sampling run).` };
  }
  return [...values].sort((a, b) => a - b);
}

export interface MetricsAtNumObs {
  readonly numObs: number;
  readonly table: DiagnosticsTable;
}

/** The metrics over N: `values[row][j][k]` is metric `row` of parameter names[j] at numObs[k]. */
export interface MetricsVsNumObs {
  readonly numObs: readonly number[];
  readonly names: readonly string[];
  readonly values: Readonly<Record<MetricRow, readonly (readonly number[])[]>>;
}

/** Collects one diagnostics table per N (any order) into curves over increasing N. */
export function metricsVsNumObs(points: readonly MetricsAtNumObs[]): MetricsVsNumObs {
  if (points.length === 0) throw new MetricsError('no trial count was evaluated');
  const sorted = [...points].sort((a, b) => a.numObs - b.numObs);
  const names = sorted[0]!.table.names;
  for (const p of sorted) {
    if (p.table.names.length !== names.length || p.table.names.some((n, j) => n !== names[j])) {
      throw new MetricsError(
        `the table at N = ${p.numObs} has parameters [${p.table.names.join(', ')}], not [${names.join(', ')}]`,
      );
    }
  }
  const values = {} as Record<MetricRow, number[][]>;
  METRIC_ROWS.forEach((row, r) => {
    values[row] = names.map((_, j) => sorted.map((p) => p.table.values[r]![j]!));
  });
  return { numObs: sorted.map((p) => p.numObs), names, values };
}
