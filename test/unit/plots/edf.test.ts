import { describe, expect, it } from 'vitest';
import { EDF_POINTS, buildEdfPlot, buildStudiesEdfPlot, edfPoints } from '../../../src/plots/edf.ts';
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

  it('several studies share the x range, one line and colour each; a study without values draws none', () => {
    const a = studyFixture();
    const b = studyFixture().map((t) => (t.values ? { ...t, values: [t.values[0]! + 1] } : t));
    const none = [makeTrial({ number: 0, value: Infinity })];
    const c = cfg(
      buildStudiesEdfPlot([
        { name: 'A', trials: a },
        { name: 'B', trials: b },
        { name: 'C', trials: none },
      ]),
    );
    const [la, lb] = c.data.datasets;
    expect(c.data.datasets).toHaveLength(2);
    expect([la.label, lb.label]).toEqual(['A', 'B']);
    expect(la.data[0].x).toBe(1.4345);
    expect(la.data[99]).toEqual({ x: 3.75, y: 1 });
    expect(lb.data[0]).toEqual({ x: 1.4345, y: 0 });
    expect(la.borderColor).not.toBe(lb.borderColor);
    expect(c.options.plugins.subtitle.text).toContain('C: 0 complete trials, 1 non-finite value left out');
  });

  it('handles a single value and reports empty studies', () => {
    expect(edfPoints([3]).every((p) => p.x === 3 && p.y === 1)).toBe(true);
    expect(buildEdfPlot([makeTrial({ number: 0, value: -Infinity })]).kind).toBe('empty');
  });
});
