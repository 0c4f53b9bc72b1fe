import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { buildHistoryPlot, buildOptimizationHistory, runningBest } from '../../../src/plots/history.ts';
import { studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

const VALUES = [1.4345, 1.9, 2.75, 1.6, 1.5, 2.1, 1.45];

describe('optimization history', () => {
  it('plots every finite COMPLETE value and the running best (minimize)', () => {
    const c = cfg(buildOptimizationHistory(studyFixture(), { direction: 'minimize', targetName: 'L' }));
    const [values, best] = c.data.datasets;
    expect(values.data).toEqual(VALUES.map((y, x) => ({ x, y })));
    // Trial 7 (+Infinity) is not drawn; the best line runs through every trial number, finished or
    // not (Optuna 5 draws it at all of them).
    expect(best.data).toEqual(Array.from({ length: 12 }, (_, x) => ({ x, y: 1.4345 })));
    expect(best.label).toBe('Best Value');
    expect(best.borderColor).toBe('#d62728');
    expect(best.showLine).toBe(true);
    expect(c.options.plugins.title.text).toBe('Optimization History Plot');
    expect(c.options.plugins.subtitle.text).toContain('8 complete trials');
    expect(c.options.plugins.subtitle.text).toContain('trial 0');
    expect(c.options.plugins.subtitle.text).toContain('1 non-finite value not drawn');
    expect(c.options.scales.x.title.text).toBe('Trial');
    expect(c.options.scales.y.title.text).toBe('L');
  });

  it('maximize: running max, an infinite best becomes a gap', () => {
    const c = cfg(buildOptimizationHistory(studyFixture(), { direction: 'maximize', targetUnit: 's' }));
    const ys = c.data.datasets[1].data.map((p: { y: number | null }) => p.y);
    expect(ys).toEqual([1.4345, 1.9, 2.75, 2.75, 2.75, 2.75, 2.75, null, null, null, null, null]);
    expect(c.options.scales.y.title.text).toBe('Objective Value (s)');
  });

  it('an infeasible trial is grey and never the best', () => {
    const trials = studyFixture().map((t) =>
      t.number === 0 ? { ...t, systemAttrs: { ...t.systemAttrs, 'constraints:memory': 3 } } : t,
    );
    const c = cfg(buildOptimizationHistory(trials, { direction: 'minimize' }));
    const [values, best, infeasible] = c.data.datasets;
    expect(values.data.map((p: { x: number }) => p.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(infeasible).toMatchObject({
      label: 'Infeasible Trial',
      data: [{ x: 0, y: 1.4345 }],
      backgroundColor: '#cccccc',
    });
    expect(best.data[0]).toEqual({ x: 0, y: null });
    expect(best.data[6]).toEqual({ x: 6, y: 1.45 });
    expect(c.options.plugins.subtitle.text).toContain('best 1.45 (trial 6, minimize)');
  });

  it('several studies: one colour and two legend entries per study, named after it', () => {
    const a = studyFixture();
    const b = studyFixture().map((t) => (t.values ? { ...t, values: [t.values[0]! - 0.5] } : t));
    const c = cfg(
      buildHistoryPlot(
        [
          { name: 'A', direction: 'minimize', trials: a },
          { name: 'B', direction: 'minimize', trials: b },
        ],
        { targetName: 'L' },
      ),
    );
    const labels = c.data.datasets.map((d: { label: string }) => d.label);
    expect(labels).toEqual(['L of A', 'Best Value of A', 'L of B', 'Best Value of B']);
    expect(c.data.datasets[0].backgroundColor).toBe(c.data.datasets[1].borderColor);
    expect(c.data.datasets[0].backgroundColor).not.toBe(c.data.datasets[2].backgroundColor);
    expect(c.options.plugins.subtitle.text).toContain('A: 8 complete, best 1.435 (trial 0)');
    expect(c.options.plugins.subtitle.text).toContain('B: 8 complete, best 0.9345 (trial 0)');
  });

  it('error bars: mean ± SD per trial number as segments, the best value as a band', () => {
    const mk = (shift: number) => studyFixture().map((t) => (t.values ? { ...t, values: [t.values[0]! + shift] } : t));
    const c = cfg(
      buildHistoryPlot(
        [
          { name: 'A', direction: 'minimize', trials: mk(0) },
          { name: 'B', direction: 'minimize', trials: mk(1) },
        ],
        { errorBar: true },
      ),
    );
    const [mean, bars, best, upper, lower] = c.data.datasets;
    expect(mean.data[0].x).toBe(0);
    expect(mean.data[0].y).toBeCloseTo(1.9345, 12);
    const [lo, hi, gap] = bars.data.slice(0, 3);
    expect([lo.x, hi.x, gap]).toEqual([0, 0, { x: 0, y: null }]);
    expect(lo.y).toBeCloseTo(1.4345, 12);
    expect(hi.y).toBeCloseTo(2.4345, 12);
    expect(best.label).toBe('Best Value');
    expect(best.borderColor).toBe('#d62728');
    expect(upper.data[0].y - best.data[0].y).toBeCloseTo(0.5, 12);
    expect(best.data[0].y - lower.data[0].y).toBeCloseTo(0.5, 12);
    expect(c.options.plugins.legend.labels.filter({ text: bars.label })).toBe(false);
    expect(c.options.plugins.legend.labels.filter({ text: best.label })).toBe(true);
  });

  it('running best ignores NaN', () => {
    expect(runningBest([NaN, 3, NaN, 1, 2], true)).toEqual([NaN, 3, 3, 1, 1]);
    expect(runningBest([2, -Infinity, 5], true)).toEqual([2, -Infinity, -Infinity]);
  });

  it('says what to do when nothing has completed', () => {
    const plot = buildOptimizationHistory(
      studyFixture().filter((t) => t.state !== TrialState.COMPLETE),
      { direction: 'minimize' },
    );
    expect(plot).toEqual({
      kind: 'empty',
      title: 'Optimization History Plot',
      reason: 'No completed trials yet. The history appears once a trial finishes.',
    });
  });
});
