import { describe, expect, it } from 'vitest';
import { buildRunRecoveryCharts, correlation } from '../../../src/plots/index.ts';

describe('correlation', () => {
  it('is 1 / −1 on exact lines, NaN when a series is constant or too short', () => {
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(correlation([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(correlation([1], [1])).toBeNaN();
    // Known value: x = 1..5, y = (2, 1, 4, 3, 5): r = 0.8.
    expect(correlation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });
});

describe('buildRunRecoveryCharts', () => {
  const preview = {
    params: ['b', 'mu_r'],
    truths: [
      [60, 100, 140],
      [250, 300, 400],
    ],
    means: [
      [98, 98, 98],
      [260, 310, 900],
    ],
  };

  it('draws one scatter per parameter with the identity line, axes fixed by the truths', () => {
    const charts = buildRunRecoveryCharts(preview, 3, { b: 'evidence', mu_r: 'ms' });
    expect(charts).toHaveLength(2);
    const [b, mu] = charts;
    expect(b!.type).toBe('scatter');
    expect(b!.data.datasets[0]!.data).toEqual([
      { x: 60, y: 98 },
      { x: 100, y: 98 },
      { x: 140, y: 98 },
    ]);
    const scales = b!.options!.scales as Record<string, { min: number; max: number; title: { text: string } }>;
    expect(scales['x']!.min).toBe(52);
    expect(scales['x']!.max).toBe(148);
    expect(scales['y']!.min).toBe(52);
    expect(scales['y']!.title.text).toContain('evidence');
    // A flat line has no correlation; the subtitle says which epoch and how many sets.
    const sub = (b!.options!.plugins!.subtitle as { text: string }).text;
    expect(sub).toContain('after epoch 3');
    expect(sub).toContain('3 validation sets');
    expect(sub).toContain('r = –');
    // A mean far outside the frame is drawn on its edge rather than lost.
    expect(mu!.data.datasets[0]!.data[2]).toEqual({ x: 400, y: 415 });
    expect(mu!.data.datasets[1]!.data).toEqual([
      { x: 235, y: 235 },
      { x: 415, y: 415 },
    ]);
  });
});
