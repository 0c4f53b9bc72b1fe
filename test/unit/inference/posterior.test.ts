/** Posterior summaries and predictive statistics on inputs with known answers. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/shared/rng.ts';
import {
  hdiSorted,
  predictiveBands,
  resultsCsv,
  resultsJson,
  summarize,
  summarizeDraws,
  trialStats,
  truncatedNormalPdf,
} from '../../../src/inference/index.ts';

describe('posterior summaries', () => {
  it('mean, sd, median and the HDI of a uniform grid', () => {
    const xs = Array.from({ length: 101 }, (_, i) => i);
    const s = summarize(xs);
    expect(s.mean).toBe(50);
    expect(s.median).toBe(50);
    expect(s.sd).toBeCloseTo(29.3002, 3);
    const [lo, hi] = s.hdi95;
    expect(hi - lo).toBe(95); // 96 of the 101 points
  });

  it('the HDI of a skewed sample is the shortest interval, shifted towards the mode', () => {
    const r = Rng.fromSeed(3);
    const xs = Float64Array.from({ length: 20000 }, () => -Math.log(1 - r.float())).sort();
    const [lo, hi] = hdiSorted(xs);
    // exponential(1): the 95 % HDI is [0, −ln 0.05] = [0, 3.0]
    expect(lo).toBeLessThan(0.01);
    expect(hi).toBeCloseTo(3.0, 1);
  });

  it('summarizeDraws splits an (S, P) matrix by parameter', () => {
    const d = Float32Array.from([1, 10, 2, 20, 3, 30]);
    const s = summarizeDraws(d, 3, ['a', 'b']);
    expect(s['a']!.mean).toBeCloseTo(2);
    expect(s['b']!.median).toBeCloseTo(20);
  });

  it('the truncated normal density integrates to 1', () => {
    let area = 0;
    for (let x = 0; x < 100; x += 0.01) area += truncatedNormalPdf(x, 5, 10) * 0.01;
    expect(area).toBeCloseTo(1, 2);
  });
});

describe('predictive statistics', () => {
  const rt = Float32Array.from([0.3, 0.4, 0.5, 0.6, 0.7, 0.35, 0.45, 0.55, 0.65, 0.75, -1]);
  const accuracy = Float32Array.from([1, 1, 1, 1, 0, 1, 1, 1, 0, 1, -1]);
  const conditions = Float32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  const s = trialStats({ rt, accuracy, conditions }, 5);

  it('quantiles of correct RTs, delta, CAF and error rates; timeouts left out', () => {
    expect(s.quantiles.congruent[4]).toBeCloseTo(450, 3);
    expect(s.quantiles.incongruent[4]).toBeCloseTo(500, 3);
    expect(s.delta[4]).toBeCloseTo(50, 3);
    expect(s.errorRate.congruent).toBeCloseTo(0.2);
    expect(s.errorRate.incongruent).toBeCloseTo(0.2);
    expect(s.caf.congruent).toEqual([1, 1, 1, 1, 0]);
    expect(s.caf.incongruent).toEqual([1, 1, 1, 0, 1]);
    expect(s.meanRt).toBeCloseTo(525, 3);
  });

  it('bands over identical replicates collapse onto the statistic', () => {
    const b = predictiveBands([s, s, s]);
    expect(b.quantiles.congruent[2]!.lo).toBeCloseTo(s.quantiles.congruent[2]!);
    expect(b.errorRate.incongruent.mean).toBeCloseTo(0.2);
    expect(b.replicates).toBe(3);
  });

  it('JSON and CSV exports', () => {
    const res = [
      {
        id: 'p1 | spacing=1',
        participant: 'p1',
        groups: { spacing: '1' },
        trials: 11,
        excluded: 0,
        summaries: summarizeDraws(Float32Array.from([1, 2, 3]), 3, ['b']),
        warnings: [],
        observed: s,
        predicted: predictiveBands([s]),
      },
    ];
    const j = resultsJson(res, true) as { participants: Record<string, Record<string, unknown>> };
    expect(Object.keys(j.participants)).toEqual(['p1 | spacing=1']);
    expect(j.participants['p1 | spacing=1']!['b']).toMatchObject({ mean: 2, median: 2 });
    expect(j.participants['p1 | spacing=1']!['ppc']).toBeDefined();
    const csv = resultsCsv(res).trim().split('\n');
    expect(csv[0]).toBe('id,participant,spacing,trials,excluded,parameter,mean,sd,median,hdi95_lo,hdi95_hi,warnings');
    expect(csv[1]).toBe('p1 | spacing=1,p1,1,11,0,b,2,1,2,1,3,0');
  });
});
