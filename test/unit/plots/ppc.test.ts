import { describe, expect, it } from 'vitest';
import { buildPpcCharts, type PpcObserved, type PpcPredicted } from '../../../src/plots/index.ts';
import { PPC_QUANTILES, predictiveBands, trialStats } from '../../../src/inference/index.ts';

const observed: PpcObserved = {
  quantiles: { congruent: [300, 350, 400], incongruent: [320, 380, 450] },
  delta: [20, 30, 50],
  deltaX: [310, 365, 425],
  caf: { congruent: [0.9, 0.95], incongruent: [0.7, 0.9] },
  errorRate: { congruent: 0.05, incongruent: 0.12 },
};
const band = (m: number) => ({ mean: m, lo: m - 1, hi: m + 1 });
const predicted: PpcPredicted = {
  quantiles: { congruent: [300, 350, 400].map(band), incongruent: [320, 380, 450].map(band) },
  delta: [20, 30, 50].map(band),
  deltaX: [311, 366, 426],
  caf: { congruent: [0.9, 0.95].map(band), incongruent: [0.7, 0.9].map(band) },
  errorRate: { congruent: { mean: 0.06, lo: 0.02, hi: 0.1 }, incongruent: { mean: 0.1, lo: 0.05, hi: 0.15 } },
};

type Ds = { label: string; data: { x: number; y: number }[] | number[]; borderDash?: number[] };
const sets = (c: { data: { datasets: unknown[] } }) => c.data.datasets as Ds[];

describe('buildPpcCharts', () => {
  it('draws observed points alone without predictions', () => {
    const c = buildPpcCharts(observed, null, [0.1, 0.5, 0.9]);
    expect(sets(c.quantiles).map((d) => d.label)).toEqual(['congruent observed', 'incongruent observed']);
    expect(sets(c.quantiles)[1]!.data).toEqual([
      { x: 0.1, y: 320 },
      { x: 0.5, y: 380 },
      { x: 0.9, y: 450 },
    ]);
    expect(sets(c.caf)[0]!.data).toEqual([
      { x: 1, y: 0.9 },
      { x: 2, y: 0.95 },
    ]);
    expect(sets(c.errors).map((d) => d.data)).toEqual([[5, 12]]);
    expect(c.errors.options?.plugins?.subtitle).toEqual({ display: false });
  });

  it('adds mean and dashed 95 % lines per statistic, one legend entry for the band', () => {
    const c = buildPpcCharts(observed, predicted, [0.1, 0.5, 0.9]);
    const d = sets(c.delta);
    expect(d.map((s) => s.label)).toEqual(['delta observed', 'delta predicted', 'delta 95 %', 'delta 95 % (upper)']);
    expect(d[1]!.data).toEqual([
      { x: 311, y: 20 },
      { x: 366, y: 30 },
      { x: 426, y: 50 },
    ]);
    expect(d[2]!.borderDash).toEqual([4, 3]);
    expect((d[3]!.data as { y: number }[]).map((p) => p.y)).toEqual([21, 31, 51]);
    const filter = (c.delta.options!.plugins!.legend!.labels!.filter as (i: { text: string }) => boolean)!;
    expect(d.map((s) => filter({ text: s.label }))).toEqual([true, true, true, false]);
    expect(sets(c.errors)[1]!.data).toEqual([6, 10]);
    expect((c.errors.options!.plugins!.subtitle as { text: string }).text).toBe(
      'predicted 95 %: congruent 2.0–10.0 %, incongruent 5.0–15.0 %',
    );
  });

  it("accepts inference's own statistics (the structural types fit)", () => {
    const n = 200;
    const rt = Float64Array.from({ length: n }, (_, i) => 300 + (i % 50) * 5);
    const accuracy = Float64Array.from({ length: n }, (_, i) => (i % 9 === 0 ? 0 : 1));
    const conditions = Float64Array.from({ length: n }, (_, i) => i % 2);
    const obs = trialStats({ rt, accuracy, conditions });
    const pred = predictiveBands([obs, obs]);
    const c = buildPpcCharts(obs, pred, PPC_QUANTILES);
    expect(sets(c.quantiles)).toHaveLength(8);
    expect((sets(c.quantiles)[0]!.data as { x: number }[]).map((p) => p.x)).toEqual([...PPC_QUANTILES]);
  });
});
