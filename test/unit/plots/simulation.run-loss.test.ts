import { describe, expect, it } from 'vitest';
import { buildAccuracyChart, buildRtHistogram, buildRunLossChart } from '../../../src/plots/index.ts';
import type { ConditionSummary } from '../../../src/sim/index.ts';

describe('buildRunLossChart', () => {
  it('draws the running trial from epoch 1 and one legend entry for the earlier trials', () => {
    const live = { number: 3, epochs: 5, loss: [2, 1.5], valLoss: [2.2, null] };
    const earlier = [
      { number: 1, valLoss: [2, 1] },
      { number: 2, valLoss: [1.9, 1.1] },
    ];
    const c = buildRunLossChart(live, earlier);
    expect(c.data.datasets.map((d) => d.label)).toEqual([
      'Training loss',
      'Validation loss',
      'Earlier trials, validation loss',
      'Trial 2, validation loss',
    ]);
    expect(c.data.datasets[1]!.data).toEqual([
      { x: 1, y: 2.2 },
      { x: 2, y: null },
    ]);
    expect(c.options?.plugins?.subtitle?.text).toBe('grey: validation loss of trials 1, 2');
    const filter = c.options?.plugins?.legend?.labels?.filter as (item: { text: string }) => boolean;
    expect(
      ['Training loss', 'Earlier trials, validation loss', 'Trial 2, validation loss'].map((text) => filter({ text })),
    ).toEqual([true, true, false]);
    expect(buildRunLossChart(live, []).options?.plugins?.subtitle?.display).toBe(false);
  });
});

describe('simulation charts', () => {
  it('labels histogram bins by their centres and counts each condition', () => {
    const c = buildRtHistogram('Correct RTs', {
      edgesMs: [200, 210, 220],
      binMs: 10,
      congruent: [3, 4],
      incongruent: [1000, 2],
    });
    expect(c.data.labels).toEqual(['205', '215']);
    expect(c.data.datasets.map((d) => d.label)).toEqual(['Congruent (n = 7)', 'Incongruent (n = 1,002)']);
  });

  it('splits each condition into correct, error and no crossing, in percent', () => {
    const cond = (n: number, errorRate: number | null, timeouts: number) =>
      ({ n, errorRate, timeouts }) as ConditionSummary;
    const c = buildAccuracyChart({ congruent: cond(100, 0.1, 5), incongruent: cond(0, null, 0) });
    expect(c.data.datasets.map((d) => d.data[0])).toEqual([85, 10, 5]);
    expect(c.data.datasets.map((d) => d.data[1])).toEqual([0, 0, 0]);
  });
});
