import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { buildOptimizationHistory, runningBest } from '../../../src/plots/history.ts';
import { buildSlicePlots } from '../../../src/plots/slice.ts';
import { buildImportancePlot } from '../../../src/plots/importance.ts';
import { PlotError } from '../../../src/plots/types.ts';
import { DIST, makeTrial, studyFixture } from './fixtures.ts';
import { cfg, panels } from './helpers.ts';

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

describe('slice plot', () => {
  const set = buildSlicePlots(studyFixture(), { direction: 'minimize', paramUnits: { dropout: 'probability' } });

  it('one panel per parameter, sorted, only finite COMPLETE trials', () => {
    const ps = panels(set);
    expect(ps.map((p) => p.title)).toEqual(
      ['batch_size', 'dropout', 'embed_dim', 'lr', 'num_seeds'].map((n) => `Slice Plot: ${n}`),
    );
    for (const p of ps) expect(cfg(p).data.datasets[0].data.map((d: { trial: number }) => d.trial)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('log axis for log parameters, linear otherwise, category axis for categoricals', () => {
    const [batch, dropout, embed, lr, seeds] = panels(set).map(cfg);
    expect(lr.options.scales.x.type).toBe('logarithmic');
    expect(dropout.options.scales.x.type).toBe('linear');
    expect(seeds.options.scales.x.type).toBe('linear');
    expect(batch.options.scales.x.type).toBe('category');
    expect(batch.options.scales.x.labels).toEqual(['16', '32', '64', '128']);
    expect(embed.options.scales.x.labels).toEqual(['64', '128']);
    expect(batch.data.datasets[0].data.map((d: { x: string }) => d.x)).toEqual(['16', '64', '32', '128', '64', '16', '128']);
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
    expect(lr.options.plugins.tooltip.callbacks.label({ raw: lr.data.datasets[0].data[1] })).toBe('Trial 1: lr 0.002, 1.9');
    expect(batch.options.plugins.tooltip.callbacks.label({ raw: batch.data.datasets[0].data[0] })).toBe('Trial 0: batch_size 16, 1.435');
    expect(lr.options.scales.y.title.text).toBe('Objective Value');
  });

  it('colours points by trial number, later darker, with a colour bar', () => {
    const c = cfg(panels(set)[1]!);
    const colors: string[] = c.data.datasets[0].backgroundColor;
    expect(new Set(colors).size).toBe(7);
    const darkness = (s: string): number => s.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
    for (let k = 1; k < colors.length; k++) expect(darkness(colors[k]!)).toBeLessThan(darkness(colors[k - 1]!));
    expect(c.options.plugins.colorBar).toMatchObject({ label: 'Trial', min: 0, max: 6 });
  });

  it('rejects unknown parameters and reports empty studies', () => {
    expect(() => buildSlicePlots(studyFixture(), { direction: 'minimize', params: ['nope'] })).toThrow(PlotError);
    expect(buildSlicePlots([], { direction: 'minimize' }).kind).toBe('empty');
    const onlyInf = [makeTrial({ number: 0, value: Infinity, params: { dropout: 0.1 }, distributions: { dropout: DIST.dropout } })];
    const e = buildSlicePlots(onlyInf, { direction: 'minimize' });
    expect(e).toMatchObject({ kind: 'empty', reason: 'No completed trial has a finite objective value to plot.' });
  });
});

describe('parameter importances', () => {
  it('horizontal bars, most important on top', () => {
    const c = cfg(
      buildImportancePlot([
        { name: 'lr', importance: 0.2 },
        { name: 'batch_size', importance: 0.7 },
        { name: 'dropout', importance: 0.1 },
      ]),
    );
    expect(c.type).toBe('bar');
    expect(c.options.indexAxis).toBe('y');
    expect(c.data.labels).toEqual(['batch_size', 'lr', 'dropout']);
    expect(c.data.datasets[0].data).toEqual([0.7, 0.2, 0.1]);
    expect(c.options.scales.x.title.text).toBe('Importance for Objective Value');
    expect(c.options.plugins.title.text).toBe('Hyperparameter Importances');
  });

  it('names the evaluator and what its numbers are: PED-ANOVA (Optuna 5) or fANOVA with its seed', () => {
    const bars = [{ name: 'lr', importance: 1 }];
    const sub = (p: ReturnType<typeof buildImportancePlot>): unknown => (p.kind === 'chart' ? (p.config.options as { plugins: { subtitle: { text: string } } }).plugins.subtitle.text : null);
    expect(sub(buildImportancePlot(bars, { evaluator: 'PED-ANOVA' }))).toBe('PED-ANOVA · top 10% against all trials, sum 1');
    expect(sub(buildImportancePlot({ ok: true, importances: bars, seed: 7 }))).toBe('fANOVA (seed 7) · shares of variance, sum 1');
  });

  it('passes the evaluator’s reason through', () => {
    expect(buildImportancePlot({ ok: false, reason: 'Cannot evaluate parameter importances with only a single trial.' })).toEqual({
      kind: 'empty',
      title: 'Hyperparameter Importances',
      reason: 'Cannot evaluate parameter importances with only a single trial.',
    });
    expect(buildImportancePlot({ ok: true, importances: [] }).kind).toBe('empty');
  });
});
