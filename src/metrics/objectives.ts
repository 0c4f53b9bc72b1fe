/**
 * The separate objectives of a multi-objective (Pareto) study, each minimised, from the diagnostics
 * table: mean NRMSE, mean calibration error and mean 1 − contraction over the parameters — the three
 * terms the weighted sum L (./weighted-sum.ts) adds up, without its weights.
 */
import { METRIC_ROWS, MetricsError, type DiagnosticsTable } from './diagnostics.ts';

export const OBJECTIVE_METRICS = ['nrmse', 'calibration', 'contraction'] as const;
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];

/** Short names for axes, tables and the journal's metric_names. */
export const OBJECTIVE_LABEL: Readonly<Record<ObjectiveMetric, string>> = {
  nrmse: 'NRMSE',
  calibration: 'Calibration error',
  contraction: '1 − contraction',
};

const ROW: Readonly<Record<ObjectiveMetric, number>> = { nrmse: 0, contraction: 1, calibration: 2 };

/** The chosen objectives' values, in the order given; an undefined (NaN) cell throws, naming it. */
export function objectiveValues(table: DiagnosticsTable, metrics: readonly ObjectiveMetric[]): number[] {
  const P = table.names.length;
  if (P === 0) throw new MetricsError('table has no parameter columns');
  return metrics.map((m) => {
    const r = ROW[m];
    const row = table.values[r]!;
    let sum = 0;
    for (let j = 0; j < P; j++) {
      const v = m === 'contraction' ? 1 - row[j]! : row[j]!;
      if (!Number.isFinite(v))
        throw new MetricsError(
          `objective ${OBJECTIVE_LABEL[m]} is undefined: ${METRIC_ROWS[r]}[${table.names[j]}] = ${row[j]}`,
        );
      sum += v;
    }
    return sum / P;
  });
}
