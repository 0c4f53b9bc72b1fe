/**
 * The study's objective from the diagnostics table (docs/design/simulator.md#objective, reference
 * `dmc/dmc_helpers.py::weighted_metric_sum`):
 *   L = w_recovery · mean_j NRMSE_j + w_pc · mean_j (1 − PC_j) + w_sbc · mean_j CalErr_j.
 * Weights are bound by name because the notebook prose and the reference code pair them differently;
 * the code (second weight ↔ contraction factor, third ↔ calibration error) is authoritative.
 */
import { METRIC_ROWS, MetricsError, type DiagnosticsTable } from './diagnostics.ts';

export interface MetricWeights {
  /** Weight of mean NRMSE. */
  recovery: number;
  /** Weight of the mean contraction factor 1 − PC. */
  pc: number;
  /** Weight of mean calibration error (simulation-based calibration). */
  sbc: number;
}

export const DEFAULT_METRIC_WEIGHTS: Readonly<MetricWeights> = Object.freeze({ recovery: 1, pc: 1, sbc: 1 });

/**
 * L for a diagnostics table. Never mutates `table` (the reference flips the caller's PC row in place).
 * A row with weight 0 is skipped entirely, so it may hold undefined cells; any undefined (NaN) cell in
 * a weighted row throws a MetricsError that names the cells and the reason, rather than returning NaN.
 */
export function weightedMetricSum(table: DiagnosticsTable, weights: Partial<MetricWeights> = {}): number {
  const w: MetricWeights = { ...DEFAULT_METRIC_WEIGHTS, ...weights };
  for (const key of ['recovery', 'pc', 'sbc'] as const) {
    if (!Number.isFinite(w[key])) throw new MetricsError(`weight '${key}' must be a finite number, got ${w[key]}`);
  }
  if (table.rows.length !== METRIC_ROWS.length || table.rows.some((r, i) => r !== METRIC_ROWS[i])) {
    throw new MetricsError(`table rows must be ${METRIC_ROWS.join(', ')} in that order, got ${table.rows.join(', ')}`);
  }
  const P = table.names.length;
  if (P === 0) throw new MetricsError('table has no parameter columns');
  const rowWeights = [w.recovery, w.pc, w.sbc];
  const bad: string[] = [];
  const means = table.values.map((row, r) => {
    if (row.length !== P) {
      throw new MetricsError(`row '${METRIC_ROWS[r]}' has ${row.length} values for ${P} parameter names`);
    }
    if (rowWeights[r] === 0) return 0;
    let sum = 0;
    for (let j = 0; j < P; j++) {
      // The contraction row enters as its contraction factor CF = 1 − PC (docs/design/simulator.md#objective).
      const v = r === 1 ? 1 - row[j]! : row[j]!;
      if (!Number.isFinite(v)) {
        const cell = table.undefinedCells.find((c) => c.row === METRIC_ROWS[r] && c.name === table.names[j]);
        bad.push(`${METRIC_ROWS[r]}[${table.names[j]}] = ${row[j]}${cell ? ` (${cell.reason})` : ''}`);
      }
      sum += v;
    }
    return sum / P;
  });
  if (bad.length > 0) throw new MetricsError(`weighted metric sum is undefined: ${bad.join('; ')}`);
  return w.recovery * means[0]! + w.pc * means[1]! + w.sbc * means[2]!;
}
