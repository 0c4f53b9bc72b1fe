import { describe, expect, it } from 'vitest';
import { buildContourPlot } from '../../../src/plots/contour.ts';
import { PlotError } from '../../../src/plots/types.ts';
import { DIST, makeTrial, studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

const VALUES = [1.4345, 1.9, 2.75, 1.6, 1.5, 2.1, 1.45];
const LR = [5.95e-4, 2e-3, 1.2e-4, 8e-3, 3e-4, 1e-3, 4.5e-3];
const DROPOUT = [0.2687, 0.1, 0.05, 0.29, 0.15, 0.011, 0.22];

describe('contour plot', () => {
  it('pads the axes as Optuna: linear 5 %, log 5 % in log10', () => {
    const c = cfg(
      buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'dropout', yParam: 'lr', gridSize: 10 }),
    );
    const dlo = Math.min(...DROPOUT);
    const dhi = Math.max(...DROPOUT);
    expect(c.options.scales.x.type).toBe('linear');
    expect(c.options.scales.x.min).toBeCloseTo(dlo - 0.05 * (dhi - dlo), 12);
    expect(c.options.scales.x.max).toBeCloseTo(dhi + 0.05 * (dhi - dlo), 12);
    const llo = Math.log10(Math.min(...LR));
    const lhi = Math.log10(Math.max(...LR));
    expect(c.options.scales.y.type).toBe('logarithmic');
    expect(Math.log10(c.options.scales.y.min)).toBeCloseTo(llo - 0.05 * (lhi - llo), 12);
    expect(Math.log10(c.options.scales.y.max)).toBeCloseTo(lhi + 0.05 * (lhi - llo), 12);
    expect(c.options.plugins.title.text).toBe('Contour Plot: dropout × lr');
  });

  it('draws the trials as points and colours each trial’s cell by its value', () => {
    const n = 10;
    const c = cfg(
      buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'dropout', yParam: 'lr', gridSize: n }),
    );
    expect(c.data.datasets[0].data.map((p: { x: number; y: number; value: number }) => [p.x, p.y, p.value])).toEqual(
      DROPOUT.map((d, k) => [d, LR[k], VALUES[k]]),
    );
    const hm = c.options.plugins.heatmap;
    expect(hm.xEdges).toHaveLength(n + 1);
    expect(hm.yEdges).toHaveLength(n + 1);
    expect(hm.colors).toHaveLength(n * n);
    expect(hm.xEdges[0]).toBeCloseTo(c.options.scales.x.min, 12);
    expect(hm.yEdges[n]).toBeCloseTo(c.options.scales.y.max, 12);
    // The best trial (0) sits in the darkest cell, the worst (2) in the lightest.
    const cellColor = (k: number): string => {
      const i = hm.xEdges.findIndex(
        (e: number, q: number) => q < n && DROPOUT[k]! >= e && DROPOUT[k]! <= hm.xEdges[q + 1],
      );
      const j = hm.yEdges.findIndex((e: number, q: number) => q < n && LR[k]! >= e && LR[k]! <= hm.yEdges[q + 1]);
      return hm.colors[j * n + i];
    };
    expect(cellColor(0)).toBe('rgb(8, 48, 107)');
    expect(cellColor(2)).toBe('rgb(247, 251, 255)');
    expect(c.options.plugins.colorBar).toMatchObject({ min: 1.4345, max: 2.75 });
    expect(c.options.plugins.tooltip.callbacks.label({ raw: c.data.datasets[0].data[3] })).toBe(
      'Trial 3: Objective Value 1.6',
    );
  });

  it('categorical axes use the observed choices as integer ticks', () => {
    const c = cfg(
      buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'batch_size', yParam: 'embed_dim' }),
    );
    expect(c.options.scales.x.type).toBe('linear');
    expect(c.options.scales.x.min).toBeCloseTo(-0.15, 12);
    expect(c.options.scales.x.max).toBeCloseTo(3.15, 12);
    const tick = c.options.scales.x.ticks.callback;
    expect([0, 1, 2, 3, 0.5].map((v) => tick(v))).toEqual(['16', '32', '64', '128', '']);
    expect(c.options.scales.y.ticks.callback(1)).toBe('128');
    const scale = { ticks: [] as { value: number }[] };
    c.options.scales.x.afterBuildTicks(scale);
    expect(scale.ticks).toEqual([{ value: 0 }, { value: 1 }, { value: 2 }, { value: 3 }]);
  });

  it('explains empty cases and rejects bad arguments', () => {
    const same = [0, 1, 2].map((k) =>
      makeTrial({
        number: k,
        value: k,
        params: { dropout: 0.1, lr: 10 ** -(k + 2) },
        distributions: { dropout: DIST.dropout, lr: DIST.lr },
      }),
    );
    const e = buildContourPlot(same, { direction: 'minimize', xParam: 'dropout', yParam: 'lr' });
    expect(e).toMatchObject({
      kind: 'empty',
      reason: 'dropout has only one observed value; a contour needs at least two per axis.',
    });
    expect(buildContourPlot([], { direction: 'minimize', xParam: 'a', yParam: 'b' }).kind).toBe('empty');
    expect(() => buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'lr', yParam: 'lr' })).toThrow(
      PlotError,
    );
    expect(() => buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'lr', yParam: 'zz' })).toThrow(/zz/);
  });
});
