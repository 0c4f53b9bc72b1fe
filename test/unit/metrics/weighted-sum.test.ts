import { describe, expect, it } from 'vitest';
import { MetricsError, computeDiagnostics, tableToRecord, weightedMetricSum } from '../../../src/metrics/index.ts';
import type { DiagnosticsTable } from '../../../src/metrics/index.ts';

// Table of example A in diagnostics.test.ts: NRMSE (sqrt(5/3)/4, (sqrt(1/3)+sqrt(13/3))/6), PC (1/2, 1/3),
// CE (4.95/19, 1/2).
const truths = new Float64Array([0, 10, 1, 10, 2, 13]);
const draws = new Float64Array([0, 10, 1, 12, 1, 11, 3, 10, 2, 13, 2, 16]);
const table = (): DiagnosticsTable => computeDiagnostics(draws, truths, 3, 2, 2, ['a', 'b']);
const meanNrmse = (Math.sqrt(5 / 3) / 4 + (Math.sqrt(1 / 3) + Math.sqrt(13 / 3)) / 6) / 2;
const meanCf = (1 - 0.5 + (1 - 1 / 3)) / 2; // contraction factors 1 − PC
const meanCe = (4.95 / 19 + 0.5) / 2;

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe('weightedMetricSum', () => {
  it('default weights 1,1,1: mean NRMSE + mean(1 − PC) + mean CE', () => {
    expect(weightedMetricSum(table())).toBeCloseTo(meanNrmse + meanCf + meanCe, 14);
  });

  it('weights bound by name: recovery ↔ NRMSE, pc ↔ 1 − PC, sbc ↔ calibration error', () => {
    const L = weightedMetricSum(table(), { recovery: 2, pc: 3, sbc: 5 });
    expect(L).toBeCloseTo(2 * meanNrmse + 3 * meanCf + 5 * meanCe, 14);
    expect(weightedMetricSum(table(), { recovery: 0, pc: 0 })).toBeCloseTo(meanCe, 14);
    expect(weightedMetricSum(table(), { recovery: 0, sbc: 0 })).toBeCloseTo(meanCf, 14);
  });

  it('never mutates the table: a frozen table works and two calls agree', () => {
    const t = deepFreeze(table());
    const before = JSON.stringify(t);
    const L1 = weightedMetricSum(t);
    const L2 = weightedMetricSum(t);
    expect(L2).toBe(L1);
    expect(JSON.stringify(t)).toBe(before);
    expect(t.values[1]).toEqual([0.5, expect.closeTo(1 / 3, 14)]);
  });

  it('undefined cells raise a MetricsError naming cell and reason, unless the row weight is 0', () => {
    const t = computeDiagnostics(draws, new Float64Array([0, 10, 1, 10, 2, 10]), 3, 2, 2, ['a', 'b']);
    expect(() => weightedMetricSum(t)).toThrow(MetricsError);
    expect(() => weightedMetricSum(t)).toThrow(/NRMSE\[b\] = NaN \(range of the truths is 0/);
    expect(() => weightedMetricSum(t, { recovery: 0 })).toThrow(/Posterior Contraction\[b\] = NaN/);
    const L = weightedMetricSum(t, { recovery: 0, pc: 0 });
    expect(Number.isFinite(L)).toBe(true);
  });

  it('rejects a wrong row layout (the later BayesFlow 4-row table) and bad weights', () => {
    const t = table();
    const fourRows = { ...t, rows: ['NRMSE', 'Log Gamma', 'Calibration Error', 'Posterior Contraction'] };
    expect(() => weightedMetricSum(fourRows as unknown as DiagnosticsTable)).toThrow(
      /rows must be NRMSE, Posterior Contraction, Calibration Error/,
    );
    expect(() => weightedMetricSum(t, { pc: Number.NaN })).toThrow("weight 'pc' must be a finite number, got NaN");
  });

  it('tableToRecord gives { row: { name: value } }', () => {
    const r = tableToRecord(table());
    expect(Object.keys(r)).toEqual(['NRMSE', 'Posterior Contraction', 'Calibration Error']);
    expect(r['Posterior Contraction'].a).toBe(0.5);
    expect(r['Calibration Error'].b).toBeCloseTo(0.5, 14);
  });
});
