import { describe, expect, it } from 'vitest';
import { buildSlicePlots } from '../../../src/plots/slice.ts';
import { PlotError } from '../../../src/plots/types.ts';
import { DIST, makeTrial, studyFixture } from './fixtures.ts';
import { cfg, panels } from './helpers.ts';

describe('slice plot', () => {
  const set = buildSlicePlots(studyFixture(), { direction: 'minimize', paramUnits: { dropout: 'probability' } });

  it('one panel per parameter, sorted, only finite COMPLETE trials', () => {
    const ps = panels(set);
    expect(ps.map((p) => p.title)).toEqual(
      ['batch_size', 'dropout', 'embed_dim', 'lr', 'num_seeds'].map((n) => `Slice Plot: ${n}`),
    );
    for (const p of ps)
      expect(cfg(p).data.datasets[0].data.map((d: { trial: number }) => d.trial)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('log axis for log parameters, linear otherwise, category axis for categoricals', () => {
    const [batch, dropout, embed, lr, seeds] = panels(set).map(cfg);
    expect(lr.options.scales.x.type).toBe('logarithmic');
    expect(dropout.options.scales.x.type).toBe('linear');
    expect(seeds.options.scales.x.type).toBe('linear');
    expect(batch.options.scales.x.type).toBe('category');
    expect(batch.options.scales.x.labels).toEqual(['16', '32', '64', '128']);
    expect(embed.options.scales.x.labels).toEqual(['64', '128']);
    expect(batch.data.datasets[0].data.map((d: { x: string }) => d.x)).toEqual([
      '16',
      '64',
      '32',
      '128',
      '64',
      '16',
      '128',
    ]);
    expect(lr.data.datasets[0].data.map((d: { x: number; y: number }) => [d.x, d.y])).toEqual([
      [5.95e-4, 1.4345],
      [2e-3, 1.9],
      [1.2e-4, 2.75],
      [8e-3, 1.6],
      [3e-4, 1.5],
      [1e-3, 2.1],
      [4.5e-3, 1.45],
    ]);
    expect(dropout.options.scales.x.title.text).toBe('dropout (probability)');
    expect(lr.options.plugins.tooltip.callbacks.label({ raw: lr.data.datasets[0].data[1] })).toBe(
      'Trial 1: lr 0.002, 1.9',
    );
    expect(batch.options.plugins.tooltip.callbacks.label({ raw: batch.data.datasets[0].data[0] })).toBe(
      'Trial 0: batch_size 16, 1.435',
    );
    expect(lr.options.scales.y.title.text).toBe('Objective Value');
  });

  it('colours points by trial number, later darker, with a colour bar', () => {
    const c = cfg(panels(set)[1]!);
    const colors: string[] = c.data.datasets[0].backgroundColor;
    expect(new Set(colors).size).toBe(7);
    const darkness = (s: string): number =>
      s
        .match(/\d+/g)!
        .map(Number)
        .reduce((a, b) => a + b, 0);
    for (let k = 1; k < colors.length; k++) expect(darkness(colors[k]!)).toBeLessThan(darkness(colors[k - 1]!));
    expect(c.options.plugins.colorBar).toMatchObject({ label: 'Trial', min: 0, max: 6 });
  });

  it('rejects unknown parameters and reports empty studies', () => {
    expect(() => buildSlicePlots(studyFixture(), { direction: 'minimize', params: ['nope'] })).toThrow(PlotError);
    expect(buildSlicePlots([], { direction: 'minimize' }).kind).toBe('empty');
    const onlyInf = [
      makeTrial({ number: 0, value: Infinity, params: { dropout: 0.1 }, distributions: { dropout: DIST.dropout } }),
    ];
    const e = buildSlicePlots(onlyInf, { direction: 'minimize' });
    expect(e).toMatchObject({ kind: 'empty', reason: 'No completed trial has a finite objective value to plot.' });
  });
});
