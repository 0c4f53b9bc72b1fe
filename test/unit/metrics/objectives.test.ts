/** The Pareto objectives (src/metrics/objectives.ts): L's three terms without weights, in the order asked. */
import { describe, expect, it } from 'vitest';
import { MetricsError, objectiveValues, weightedMetricSum, type DiagnosticsTable } from '../../../src/metrics/index.ts';

const table: DiagnosticsTable = {
  rows: ['NRMSE', 'Posterior Contraction', 'Calibration Error'],
  names: ['a', 'b'],
  values: [
    [0.1, 0.3],
    [0.8, 0.4],
    [0.02, 0.06],
  ],
  undefinedCells: [],
};

describe('objectiveValues', () => {
  it('gives mean NRMSE, mean calibration error and mean 1 − contraction in the order asked', () => {
    const close = (got: number[], want: number[]): void => {
      expect(got).toHaveLength(want.length);
      got.forEach((g, k) => expect(g).toBeCloseTo(want[k]!, 15));
    };
    close(objectiveValues(table, ['nrmse', 'calibration', 'contraction']), [0.2, 0.04, 0.4]);
    close(objectiveValues(table, ['contraction', 'nrmse']), [0.4, 0.2]);
  });
  it('sums to L with unit weights', () => {
    const [n, c, k] = objectiveValues(table, ['nrmse', 'calibration', 'contraction']);
    expect(n! + c! + k!).toBeCloseTo(weightedMetricSum(table, { recovery: 1, pc: 1, sbc: 1 }), 15);
  });
  it('names an undefined cell instead of returning NaN', () => {
    const bad = { ...table, values: [table.values[0]!, table.values[1]!, [0.02, Number.NaN]] };
    expect(() => objectiveValues(bad, ['calibration'])).toThrow(MetricsError);
    expect(() => objectiveValues(bad, ['calibration'])).toThrow(
      /Calibration error is undefined: Calibration Error\[b\] = NaN/,
    );
    expect(objectiveValues(bad, ['nrmse'])).toEqual([0.2]);
  });
});
