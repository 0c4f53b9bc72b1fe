import { describe, expect, it } from 'vitest';
import { simulateBatch, summarizeConditions, summarizeDataset, NOTEBOOK_CONFIG } from '../../../src/sim/index.ts';

describe('summarizeConditions', () => {
  it('computes the per-condition figures by hand-checked example', () => {
    const rt = [0.4, 0.5, 0.6, 0.3, -1, 0.45, 0.35, 0.55];
    const acc = [1, 1, 1, 0, -1, 1, 0, 0];
    const cond = [0, 0, 0, 0, 0, 1, 1, 1];
    const s = summarizeConditions(rt, acc, cond);
    expect(s.congruent.n).toBe(5);
    expect(s.congruent.meanRtCorrectMs).toBeCloseTo(500, 10);
    expect(s.congruent.sdRtCorrectMs).toBeCloseTo(100, 10); // n − 1 denominator
    expect(s.congruent.errorRate).toBe(0.2); // 1 error of 5 trials, the timeout included in the denominator
    expect(s.congruent.meanRtErrorMs).toBeCloseTo(300, 10);
    expect(s.congruent.timeouts).toBe(1);
    // type-7 quantiles of 400, 500, 600
    const q = s.congruent.quantilesCorrectMs;
    expect([q['0.1'], q['0.3'], q['0.5'], q['0.7'], q['0.9']].map((v) => Math.round(v! * 1e6) / 1e6)).toEqual([
      420, 460, 500, 540, 580,
    ]);
    expect(s.incongruent.n).toBe(3);
    expect(s.incongruent.sdRtCorrectMs).toBeNull();
    expect(s.incongruent.errorRate).toBeCloseTo(2 / 3, 12);
    expect(s.incongruent.meanRtErrorMs).toBeCloseTo(450, 10);
    expect(s.incongruent.quantilesCorrectMs['0.9']).toBeCloseTo(450, 10);
  });

  it('matches NumPy’s default (linear) quantile on an uneven sample', () => {
    // numpy.quantile([1, 2, 3, 4, 10], [0.1, 0.3, 0.5, 0.7, 0.9]) = [1.4, 2.2, 3.0, 3.8, 7.6]
    const s = summarizeConditions([0.004, 0.001, 0.01, 0.003, 0.002], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]);
    const q = s.congruent.quantilesCorrectMs;
    [1.4, 2.2, 3.0, 3.8, 7.6].forEach((v, i) =>
      expect(q[(['0.1', '0.3', '0.5', '0.7', '0.9'] as const)[i]!]).toBeCloseTo(v, 10),
    );
  });

  it('reports null rather than NaN for empty groups', () => {
    const s = summarizeConditions([-1], [-1], [1]);
    expect(s.congruent).toEqual({
      n: 0,
      meanRtCorrectMs: null,
      sdRtCorrectMs: null,
      errorRate: null,
      meanRtErrorMs: null,
      quantilesCorrectMs: { '0.1': null, '0.3': null, '0.5': null, '0.7': null, '0.9': null },
      timeouts: 0,
    });
    expect(s.incongruent).toMatchObject({ n: 1, errorRate: 0, timeouts: 1, meanRtCorrectMs: null });
  });

  it('rejects arrays of different lengths', () => {
    expect(() => summarizeConditions([1, 2], [1], [0, 0])).toThrow(/lengths 2, 1, 2/);
  });

  it('summarizeDataset reads one data set of a batch', () => {
    const b = simulateBatch({ ...NOTEBOOK_CONFIG, fixedNumObs: 11 }, 1, 3);
    const s = summarizeDataset(b, 2);
    expect(s.congruent.n).toBe(6);
    expect(s.incongruent.n).toBe(5);
    expect(s).toEqual(
      summarizeConditions(b.rt.subarray(22, 33), b.accuracy.subarray(22, 33), b.conditions.subarray(22, 33)),
    );
    expect(() => summarizeDataset(b, 3)).toThrow(/index = 3/);
  });
});
