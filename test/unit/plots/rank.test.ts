import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { buildRankPlot, buildRankPlots } from '../../../src/plots/rank.ts';
import { pyFormatG, quantile, rankPositions } from '../../../src/plots/rank-colors.ts';
import { PlotError } from '../../../src/plots/types.ts';
import { studyFixture } from './fixtures.ts';
import { cfg, panels } from './helpers.ts';

describe('rank plot', () => {
  it('one panel for a pair: log and category axes, a colour per trial, the quantile colour bar', () => {
    const c = cfg(buildRankPlot(studyFixture(), { xParam: 'lr', yParam: 'batch_size', targetName: 'L' }));
    const [ds] = c.data.datasets;
    // The 8 COMPLETE trials (7 finite, one +Infinity); PRUNED, FAIL, RUNNING and WAITING are left out.
    expect(ds.data.map((p: { trial: number }) => p.trial)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // batch_size's choices are numbers: Optuna draws it on a numeric axis.
    expect(c.options.scales.y.type).toBe('linear');
    expect(c.options.scales.x.type).toBe('logarithmic');
    expect(c.options.scales.x.min).toBeLessThan(1.2e-4);
    expect(c.options.scales.x.max).toBeGreaterThan(1e-2);
    // Lowest value (trial 0, 1.4345) dark blue, +Infinity (trial 7) dark red.
    expect(ds.backgroundColor[0]).toBe('rgb(49, 54, 149)');
    expect(ds.backgroundColor[7]).toBe('rgb(165, 0, 38)');
    expect(c.options.plugins.colorBar.ticks.map((t: { text: string }) => t.text.split(' ')[0])).toEqual([
      'min.',
      '25%',
      '50%',
      '75%',
      'max.',
    ]);
    expect(c.options.plugins.title.text).toBe('Rank Plot');
  });

  it('non-numeric choices get a category axis; the matrix has n × n panels', () => {
    const trials = studyFixture().map((t) =>
      t.params.embed_dim === undefined
        ? t
        : {
            ...t,
            params: { ...t.params, embed_dim: String(t.params.embed_dim) },
            distributions: { ...t.distributions, embed_dim: { type: 'categorical', choices: ['64', '128'] } as const },
          },
    );
    const set = panels(buildRankPlots(trials, { params: ['dropout', 'embed_dim', 'num_seeds'] }));
    expect(set).toHaveLength(9);
    const c = set[1]!.config as unknown as { options: { scales: { x: { type: string; labels: string[] } } } };
    expect(c.options.scales.x).toMatchObject({ type: 'category', labels: ['128', '64'] });
    expect(set[1]!.title).toBe('Rank Plot: dropout vs embed_dim');
    expect(() => buildRankPlots(trials, { params: ['nope'] })).toThrow(PlotError);
  });

  it('says why it is empty', () => {
    const none = studyFixture().filter((t) => t.state !== TrialState.COMPLETE);
    expect(buildRankPlot(none, { xParam: 'lr', yParam: 'dropout' })).toMatchObject({ kind: 'empty' });
  });

  it('ranks average ties; Python %g and NumPy quantiles', () => {
    expect(rankPositions([3, 1, 3, 2])).toEqual([2.5 / 3, 0, 2.5 / 3, 1 / 3]);
    expect(rankPositions([7])).toEqual([0.5]);
    expect([0.000123456789, 1234567, 2.5, 100, 0, -0.5, Infinity].map(pyFormatG)).toEqual([
      '0.000123457',
      '1.23457e+06',
      '2.5',
      '100',
      '  0',
      '-0.5',
      'inf',
    ]);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
  });
});
