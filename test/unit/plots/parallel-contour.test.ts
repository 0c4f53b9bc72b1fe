import { describe, expect, it } from 'vitest';
import { buildParallelCoordinate } from '../../../src/plots/parallel-coordinate.ts';
import { buildContourPlot } from '../../../src/plots/contour.ts';
import { PADDING_RATIO, cellEdges, cellOf, laplaceFill, paddedRange } from '../../../src/plots/contour-grid.ts';
import { PlotError } from '../../../src/plots/types.ts';
import { DIST, makeTrial, studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

const VALUES = [1.4345, 1.9, 2.75, 1.6, 1.5, 2.1, 1.45];
const LR = [5.95e-4, 2e-3, 1.2e-4, 8e-3, 3e-4, 1e-3, 4.5e-3];
const DROPOUT = [0.2687, 0.1, 0.05, 0.29, 0.15, 0.011, 0.22];

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
    const sum = (s: string): number => s.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
    expect(sum(best.borderColor)).toBeLessThan(sum(worst.borderColor));
    const tip = c.options.plugins.tooltip.callbacks.label;
    expect(tip({ dataset: { label: 'Trial 2' }, datasetIndex: 2 })).toBe('Trial 2: 2.75');
    const max = cfg(buildParallelCoordinate(studyFixture(), { direction: 'maximize' }));
    expect(max.data.datasets.find((d: { order: number }) => d.order === 0).label).toBe('Trial 2');
  });

  it('skips trials that lack a selected parameter; rejects unknown ones', () => {
    const extra = makeTrial({ number: 20, value: 1, params: { dropout: 0.1 }, distributions: { dropout: DIST.dropout } });
    const p = cfg(buildParallelCoordinate([...studyFixture(), extra], { direction: 'minimize', params: ['lr', 'dropout'] }));
    expect(p.data.labels).toEqual(['Objective Value', 'lr', 'dropout']);
    expect(p.data.datasets).toHaveLength(7);
    const only = cfg(buildParallelCoordinate([...studyFixture(), extra], { direction: 'minimize', params: ['dropout'] }));
    expect(only.data.datasets).toHaveLength(8);
    expect(() => buildParallelCoordinate(studyFixture(), { direction: 'minimize', params: ['x'] })).toThrow(PlotError);
    expect(buildParallelCoordinate([], { direction: 'minimize' }).kind).toBe('empty');
  });
});

describe('contour grid maths', () => {
  it('pads the observed range by 5 % on each side', () => {
    expect(PADDING_RATIO).toBe(0.05);
    const r = paddedRange([2, 4, 12], false);
    expect(r.min).toBeCloseTo(1.5, 14);
    expect(r.max).toBeCloseTo(12.5, 14);
    expect(cellEdges({ min: 0, max: 1, log: false }, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(cellOf(1, { min: 0, max: 1, log: false }, 4)).toBe(3);
    expect(cellOf(0.3, { min: 0, max: 1, log: false }, 4)).toBe(1);
  });

  it('keeps known cells, and solves Laplace: two fixed columns give a linear ramp', () => {
    const n = 12;
    const known = new Map<number, number>();
    for (let j = 0; j < n; j++) {
      known.set(j * n, 0);
      known.set(j * n + n - 1, 1);
    }
    const z = laplaceFill(known, n, n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) expect(z[j * n + i]).toBeCloseTo(i / (n - 1), 8);
  });

  it('stays within the range of the known values (maximum principle) and is the neighbour mean elsewhere', () => {
    const n = 20;
    const known = new Map([
      [3 * n + 4, 2],
      [15 * n + 17, -1],
      [10 * n + 2, 5],
    ]);
    const z = laplaceFill(known, n, n);
    for (const [k, v] of known) expect(z[k]).toBe(v);
    for (const v of z) expect(v >= -1 - 1e-8 && v <= 5 + 1e-8).toBe(true);
    const k = 8 * n + 8;
    expect(z[k]).toBeCloseTo((z[k - 1]! + z[k + 1]! + z[k - n]! + z[k + n]!) / 4, 8);
    expect(laplaceFill(new Map([[0, 3]]), 5, 5).every((v) => Math.abs(v - 3) < 1e-9)).toBe(true);
  });
});

describe('contour plot', () => {
  it('pads the axes as Optuna: linear 5 %, log 5 % in log10', () => {
    const c = cfg(buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'dropout', yParam: 'lr', gridSize: 10 }));
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
    const c = cfg(buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'dropout', yParam: 'lr', gridSize: n }));
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
      const i = hm.xEdges.findIndex((e: number, q: number) => q < n && DROPOUT[k]! >= e && DROPOUT[k]! <= hm.xEdges[q + 1]);
      const j = hm.yEdges.findIndex((e: number, q: number) => q < n && LR[k]! >= e && LR[k]! <= hm.yEdges[q + 1]);
      return hm.colors[j * n + i];
    };
    expect(cellColor(0)).toBe('rgb(8, 48, 107)');
    expect(cellColor(2)).toBe('rgb(247, 251, 255)');
    expect(c.options.plugins.colorBar).toMatchObject({ min: 1.4345, max: 2.75 });
    expect(c.options.plugins.tooltip.callbacks.label({ raw: c.data.datasets[0].data[3] })).toBe('Trial 3: Objective Value 1.6');
  });

  it('categorical axes use the observed choices as integer ticks', () => {
    const c = cfg(buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'batch_size', yParam: 'embed_dim' }));
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
      makeTrial({ number: k, value: k, params: { dropout: 0.1, lr: 10 ** -(k + 2) }, distributions: { dropout: DIST.dropout, lr: DIST.lr } }),
    );
    const e = buildContourPlot(same, { direction: 'minimize', xParam: 'dropout', yParam: 'lr' });
    expect(e).toMatchObject({ kind: 'empty', reason: 'dropout has only one observed value; a contour needs at least two per axis.' });
    expect(buildContourPlot([], { direction: 'minimize', xParam: 'a', yParam: 'b' }).kind).toBe('empty');
    expect(() => buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'lr', yParam: 'lr' })).toThrow(PlotError);
    expect(() => buildContourPlot(studyFixture(), { direction: 'minimize', xParam: 'lr', yParam: 'zz' })).toThrow(/zz/);
  });
});
