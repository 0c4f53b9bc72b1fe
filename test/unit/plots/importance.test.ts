import { describe, expect, it } from 'vitest';
import { buildImportancePlot } from '../../../src/plots/importance.ts';
import { cfg } from './helpers.ts';

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
    const sub = (p: ReturnType<typeof buildImportancePlot>): unknown =>
      p.kind === 'chart'
        ? (p.config.options as { plugins: { subtitle: { text: string } } }).plugins.subtitle.text
        : null;
    expect(sub(buildImportancePlot(bars, { evaluator: 'PED-ANOVA' }))).toBe(
      'PED-ANOVA · top 10% against all trials, sum 1',
    );
    expect(sub(buildImportancePlot({ ok: true, importances: bars, seed: 7 }))).toBe(
      'fANOVA (seed 7) · shares of variance, sum 1',
    );
  });

  it('passes the evaluator’s reason through', () => {
    expect(
      buildImportancePlot({ ok: false, reason: 'Cannot evaluate parameter importances with only a single trial.' }),
    ).toEqual({
      kind: 'empty',
      title: 'Hyperparameter Importances',
      reason: 'Cannot evaluate parameter importances with only a single trial.',
    });
    expect(buildImportancePlot({ ok: true, importances: [] }).kind).toBe('empty');
  });
});
