import { describe, expect, it } from 'vitest';
import { buildParallelCoordinate } from '../../../src/plots/parallel-coordinate.ts';
import { PlotError } from '../../../src/plots/types.ts';
import { DIST, makeTrial, studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

const VALUES = [1.4345, 1.9, 2.75, 1.6, 1.5, 2.1, 1.45];
const LR = [5.95e-4, 2e-3, 1.2e-4, 8e-3, 3e-4, 1e-3, 4.5e-3];

describe('parallel coordinate', () => {
  const c = cfg(buildParallelCoordinate(studyFixture(), { direction: 'minimize' }));

  it('has the objective axis first, then the sorted parameters', () => {
    expect(c.type).toBe('line');
    expect(c.data.labels).toEqual(['Objective Value', 'batch_size', 'dropout', 'embed_dim', 'lr', 'num_seeds']);
    expect(c.options.plugins.parallelAxes.axes.map((a: { label: string }) => a.label)).toEqual(c.data.labels);
    expect(c.data.datasets).toHaveLength(7);
  });

  it('normalises each axis to [0, 1]: objective and log lr', () => {
    const lo = Math.min(...VALUES);
    const hi = Math.max(...VALUES);
    const llo = Math.log10(Math.min(...LR));
    const lhi = Math.log10(Math.max(...LR));
    c.data.datasets.forEach((d: { data: number[] }, k: number) => {
      expect(d.data[0]).toBeCloseTo((VALUES[k]! - lo) / (hi - lo), 12);
      expect(d.data[4]).toBeCloseTo((Math.log10(LR[k]!) - llo) / (lhi - llo), 12);
      for (const v of d.data) expect(v >= 0 && v <= 1).toBe(true);
    });
  });

  it('log ticks at the decades in range plus both ends; categorical ticks at the observed choices', () => {
    const axes = c.options.plugins.parallelAxes.axes;
    expect(axes[4].ticks.map((t: { text: string }) => t.text)).toEqual(['1.2e-4', '0.001', '0.008']);
    expect(axes[1].ticks).toEqual([
      { at: 0, text: '16' },
      { at: 1 / 3, text: '32' },
      { at: 2 / 3, text: '64' },
      { at: 1, text: '128' },
    ]);
    // batch sizes of trials 0..6: 16, 64, 32, 128, 64, 16, 128
    expect(c.data.datasets.map((d: { data: number[] }) => d.data[1])).toEqual([0, 2 / 3, 1 / 3, 1, 2 / 3, 0, 1]);
    // Objective: five evenly spaced ticks from the best to the worst value.
    expect(axes[0].ticks.map((t: { at: number }) => t.at)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(axes[0].ticks.map((t: { text: string }) => t.text)).toEqual(['1.435', '1.763', '2.092', '2.421', '2.75']);
  });

  it('draws the best trial on top and darkest', () => {
    const best = c.data.datasets.find((d: { order: number }) => d.order === 0);
    expect(best.label).toBe('Trial 0');
    const worst = c.data.datasets.find((d: { order: number }) => d.order === 6);
    expect(worst.label).toBe('Trial 2');
    const sum = (s: string): number =>
      s
        .match(/\d+/g)!
        .map(Number)
        .reduce((a, b) => a + b, 0);
    expect(sum(best.borderColor)).toBeLessThan(sum(worst.borderColor));
    const tip = c.options.plugins.tooltip.callbacks.label;
    expect(tip({ dataset: { label: 'Trial 2' }, datasetIndex: 2 })).toBe('Trial 2: 2.75');
    const max = cfg(buildParallelCoordinate(studyFixture(), { direction: 'maximize' }));
    expect(max.data.datasets.find((d: { order: number }) => d.order === 0).label).toBe('Trial 2');
  });

  it('skips trials that lack a selected parameter; rejects unknown ones', () => {
    const extra = makeTrial({
      number: 20,
      value: 1,
      params: { dropout: 0.1 },
      distributions: { dropout: DIST.dropout },
    });
    const p = cfg(
      buildParallelCoordinate([...studyFixture(), extra], { direction: 'minimize', params: ['lr', 'dropout'] }),
    );
    expect(p.data.labels).toEqual(['Objective Value', 'lr', 'dropout']);
    expect(p.data.datasets).toHaveLength(7);
    const only = cfg(
      buildParallelCoordinate([...studyFixture(), extra], { direction: 'minimize', params: ['dropout'] }),
    );
    expect(only.data.datasets).toHaveLength(8);
    expect(() => buildParallelCoordinate(studyFixture(), { direction: 'minimize', params: ['x'] })).toThrow(PlotError);
    expect(buildParallelCoordinate([], { direction: 'minimize' }).kind).toBe('empty');
  });
});
