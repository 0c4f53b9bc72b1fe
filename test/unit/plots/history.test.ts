import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { buildOptimizationHistory, runningBest } from '../../../src/plots/history.ts';
import { studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

const VALUES = [1.4345, 1.9, 2.75, 1.6, 1.5, 2.1, 1.45];

describe('optimization history', () => {
  it('plots every finite COMPLETE value and the running best (minimize)', () => {
    const c = cfg(buildOptimizationHistory(studyFixture(), { direction: 'minimize', targetName: 'L' }));
    const [values, best] = c.data.datasets;
    expect(values.data).toEqual(VALUES.map((y, x) => ({ x, y })));
    // Trial 7 (+Infinity) is not drawn but keeps its place on the best line.
    expect(best.data).toEqual([...VALUES.map((_, x) => ({ x, y: 1.4345 })), { x: 7, y: 1.4345 }]);
    expect(best.label).toBe('Best Value');
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
    expect(ys).toEqual([1.4345, 1.9, 2.75, 2.75, 2.75, 2.75, 2.75, null]);
    expect(c.options.scales.y.title.text).toBe('Objective Value (s)');
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
