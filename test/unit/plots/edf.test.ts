import { describe, expect, it } from 'vitest';
import { EDF_POINTS, buildEdfPlot, edfPoints } from '../../../src/plots/edf.ts';
import { makeTrial, studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

describe('EDF', () => {
  it('is the share of finite COMPLETE values ≤ x at 100 evenly spaced x', () => {
    const values = [1.4345, 1.9, 2.75, 1.6, 1.5, 2.1, 1.45];
    const c = cfg(buildEdfPlot(studyFixture(), { targetName: 'L' }));
    const pts: { x: number; y: number }[] = c.data.datasets[0].data;
    expect(pts).toHaveLength(EDF_POINTS);
    expect(pts[0]!.x).toBe(1.4345);
    expect(pts[99]!.x).toBe(2.75);
    for (const p of pts) expect(p.y).toBe(values.filter((v) => v <= p.x).length / values.length);
    expect(pts[0]!.y).toBeCloseTo(1 / 7, 15);
    expect(pts[99]!.y).toBe(1);
    expect(c.options.scales.y.title.text).toBe('Cumulative Probability');
    expect(c.options.scales.x.title.text).toBe('L');
    expect(c.options.plugins.subtitle.text).toContain('1 non-finite value left out');
  });

  it('handles a single value and reports empty studies', () => {
    expect(edfPoints([3]).every((p) => p.x === 3 && p.y === 1)).toBe(true);
    expect(buildEdfPlot([makeTrial({ number: 0, value: -Infinity })]).kind).toBe('empty');
  });
});
