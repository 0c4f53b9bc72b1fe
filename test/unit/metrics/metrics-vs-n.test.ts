import { describe, expect, it } from 'vitest';
import {
  computeDiagnostics,
  defaultNumObsList,
  MAX_NUM_OBS,
  MetricsError,
  metricsVsNumObs,
  parseNumObsList,
} from '../../../src/metrics/index.ts';

describe('defaultNumObsList', () => {
  it('spreads five N over the trained range, or 20 %…100 % of a fixed N', () => {
    expect(defaultNumObsList([500, 500])).toEqual([100, 200, 300, 400, 500]);
    expect(defaultNumObsList([100, 400])).toEqual([100, 175, 250, 325, 400]);
    expect(defaultNumObsList([2, 4])).toEqual([2, 3, 4]);
    expect(defaultNumObsList([1, 1])).toEqual([1]);
  });
});

describe('parseNumObsList', () => {
  it('reads commas, spaces or semicolons into sorted distinct counts', () => {
    expect(parseNumObsList('300, 100;200 100')).toEqual([100, 200, 300]);
  });
  it('says what is wrong in a sentence', () => {
    expect(parseNumObsList('  ')).toEqual({ error: expect.stringContaining('at least one') });
    expect(parseNumObsList('100, 2.5')).toEqual({ error: expect.stringContaining('“2.5” is not a trial count') });
    expect(parseNumObsList('0')).toHaveProperty('error');
    expect(parseNumObsList(String(MAX_NUM_OBS + 1))).toHaveProperty('error');
    expect(parseNumObsList(Array.from({ length: 13 }, (_, i) => i + 1).join(','))).toEqual({
      error: expect.stringContaining('At most 12'),
    });
  });
});

describe('metricsVsNumObs', () => {
  // Two data sets, two draws, two parameters; the draws move closer to the truths as N grows.
  const truths = new Float64Array([0, 10, 1, 20]);
  const table = (spread: number) =>
    computeDiagnostics(
      new Float64Array([-spread, 10 - spread, spread, 10 + spread, 1 - spread, 20, 1 + spread, 20]),
      truths,
      2,
      2,
      2,
      ['A', 'tau'],
    );
  it('turns one table per N into a curve per metric and parameter over increasing N', () => {
    const out = metricsVsNumObs([
      { numObs: 300, table: table(0.1) },
      { numObs: 100, table: table(0.5) },
    ]);
    expect(out.numObs).toEqual([100, 300]);
    expect(out.names).toEqual(['A', 'tau']);
    expect(out.values.NRMSE[0]).toEqual([table(0.5).values[0]![0], table(0.1).values[0]![0]]);
    expect(out.values['Posterior Contraction'][1]).toEqual([table(0.5).values[1]![1], table(0.1).values[1]![1]]);
    expect(out.values.NRMSE[0]![0]!).toBeGreaterThan(out.values.NRMSE[0]![1]!);
  });
  it('refuses no tables and tables of different parameters', () => {
    expect(() => metricsVsNumObs([])).toThrow(MetricsError);
    const other = computeDiagnostics(new Float64Array(8), truths, 2, 2, 2, ['A', 'b']);
    expect(() =>
      metricsVsNumObs([
        { numObs: 1, table: table(1) },
        { numObs: 2, table: other },
      ]),
    ).toThrow(/N = 2 has parameters \[A, b\]/);
  });
});
