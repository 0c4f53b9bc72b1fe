/** JSON shape of a diagnostics table used by the CLI and saved files: `{ row: { name: value } }`. */
import { METRIC_ROWS, type DiagnosticsTable, type MetricRow } from './diagnostics.ts';

export type DiagnosticsRecord = Record<MetricRow, Record<string, number>>;

export function tableToRecord(table: DiagnosticsTable): DiagnosticsRecord {
  const out = {} as DiagnosticsRecord;
  METRIC_ROWS.forEach((row, r) => {
    const entries: Record<string, number> = {};
    table.names.forEach((name, j) => {
      entries[name] = table.values[r]![j]!;
    });
    out[row] = entries;
  });
  return out;
}
