/** Setup's objective, NSGA-II and budget controls (SetupDraft): what they write and what validates. */
import { describe, expect, it } from 'vitest';
import { SetupDraft } from '../../../src/state/setup-draft.svelte.ts';
import { PARETO_NO_PRUNER, smokeStudyConfig, type StudyConfig } from '../../../src/study-config/index.ts';

function valid(d: SetupDraft): StudyConfig {
  const v = d.validation;
  if (!('config' in v)) throw new Error(JSON.stringify(v.errors));
  return v.config;
}

describe('SetupDraft, Pareto and budget', () => {
  it('choosing Pareto takes the three objectives and sets the pruner to none; back to the weighted sum leaves no trace', () => {
    const d = new SetupDraft();
    d.setPruner('median');
    d.setObjective('pareto');
    expect(valid(d).objective).toEqual({ type: 'pareto', metrics: ['nrmse', 'calibration', 'contraction'] });
    expect(valid(d).pruner).toEqual({ type: 'none' });
    expect(valid(d).sampler.multivariate).toBe(false);
    d.setMetric('calibration', false);
    expect(valid(d).objective).toEqual({ type: 'pareto', metrics: ['nrmse', 'contraction'] });
    d.setMetric('calibration', true);
    expect(valid(d).objective).toEqual({ type: 'pareto', metrics: ['nrmse', 'calibration', 'contraction'] });
    d.setMetric('nrmse', false);
    d.setMetric('calibration', false);
    const v = d.validation;
    expect('errors' in v && v.errors.map((e) => e.path)).toEqual(['objective.metrics']);
    d.setObjective('weighted-sum');
    expect(valid(d).objective).toBeUndefined();
    expect(valid(d).sampler.multivariate).toBe(true);
  });

  it('a pruner chosen later in a Pareto study is refused at the pruner field', () => {
    const d = new SetupDraft();
    d.setObjective('pareto');
    d.setPruner('median');
    const v = d.validation;
    expect('errors' in v && v.errors).toEqual([{ path: 'pruner.type', message: PARETO_NO_PRUNER }]);
  });

  it('NSGA-II brings a population size, which goes again with another sampler', () => {
    const d = new SetupDraft();
    d.setSampler('nsga2');
    expect(valid(d).sampler).toMatchObject({ type: 'nsga2', populationSize: 50 });
    d.setSampler('tpe');
    expect(valid(d).sampler.populationSize).toBeUndefined();
  });

  it('budget limits switch on and off; none left removes the budget', () => {
    const d = new SetupDraft();
    d.replace(smokeStudyConfig());
    d.setBudget('maxParams', 1_500_000);
    expect(valid(d).budget).toEqual({ maxParams: 1_500_000, maxMemoryMB: null });
    d.setBudget('maxMemoryMB', 2000);
    expect(valid(d).budget).toEqual({ maxParams: 1_500_000, maxMemoryMB: 2000 });
    d.setBudget('maxParams', null);
    d.setBudget('maxMemoryMB', null);
    expect(valid(d)).toEqual(smokeStudyConfig());
  });
});
