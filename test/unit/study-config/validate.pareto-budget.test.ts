/* eslint-disable @typescript-eslint/no-explicit-any -- the edits write untyped input on purpose */
/**
 * The Pareto objective, the NSGA-II sampler and the budget in the study configuration: what validates,
 * what is refused (with its path), and that configurations and links written before stay unchanged.
 */
import { describe, expect, it } from 'vitest';
import {
  checkBudget,
  decodeStudyLink,
  defaultStudyConfig,
  encodeStudyLink,
  objectiveNames,
  overBudgetText,
  PARETO_NO_PRUNER,
  smokeStudyConfig,
  studyDirections,
  validateStudyConfig,
  type ConfigIssue,
  type StudyConfig,
} from '../../../src/study-config/index.ts';

function check(edit: (c: Record<string, any>) => void): { config: StudyConfig } | { errors: ConfigIssue[] } {
  const c = structuredClone(defaultStudyConfig()) as unknown as Record<string, any>;
  edit(c);
  return validateStudyConfig(c);
}
function ok(edit: (c: Record<string, any>) => void): StudyConfig {
  const r = check(edit);
  if (!('config' in r)) throw new Error(JSON.stringify(r.errors));
  return r.config;
}
function errors(edit: (c: Record<string, any>) => void): ConfigIssue[] {
  const r = check(edit);
  if ('config' in r) throw new Error('expected errors');
  return r.errors;
}

describe('objective', () => {
  it('is the weighted sum when absent, and an explicit weighted sum is not written out', () => {
    const plain = ok(() => undefined);
    expect(plain.objective).toBeUndefined();
    expect(ok((c) => (c.objective = { type: 'weighted-sum' }))).toEqual(plain);
    expect(studyDirections(plain)).toEqual(['minimize']);
    expect(objectiveNames(plain)).toEqual(['Objective L']);
  });

  it('takes 2 or 3 distinct metrics in the given order, each minimised', () => {
    const three = ok((c) => (c.objective = { type: 'pareto', metrics: ['nrmse', 'calibration', 'contraction'] }));
    expect(studyDirections(three)).toEqual(['minimize', 'minimize', 'minimize']);
    expect(objectiveNames(three)).toEqual(['NRMSE', 'Calibration error', '1 − contraction']);
    const two = ok((c) => (c.objective = { type: 'pareto', metrics: ['calibration', 'nrmse'] }));
    expect(objectiveNames(two)).toEqual(['Calibration error', 'NRMSE']);
  });

  it('refuses one metric, a repeated one, an unknown one and an unknown type', () => {
    expect(errors((c) => (c.objective = { type: 'pareto', metrics: ['nrmse'] })).map((e) => e.path)).toEqual([
      'objective.metrics',
    ]);
    expect(errors((c) => (c.objective = { type: 'pareto', metrics: ['nrmse', 'nrmse'] }))[0]!.path).toBe(
      'objective.metrics[1]',
    );
    expect(errors((c) => (c.objective = { type: 'pareto', metrics: ['nrmse', 'loss'] }))[0]!.path).toBe(
      'objective.metrics[1]',
    );
    expect(errors((c) => (c.objective = { type: 'lexicographic' }))[0]!.path).toBe('objective.type');
  });

  it("samples independently by default with several objectives, as Optuna 5.0's TPE", () => {
    const absent = (c: Record<string, any>): void => void delete c.sampler.multivariate;
    expect(ok(absent).sampler.multivariate).toBe(true);
    const pareto = ok((c) => {
      absent(c);
      c.objective = { type: 'pareto', metrics: ['nrmse', 'calibration'] };
    });
    expect(pareto.sampler.multivariate).toBe(false);
  });

  it('refuses a pruner with a Pareto objective, saying why', () => {
    const e = errors((c) => {
      c.objective = { type: 'pareto', metrics: ['nrmse', 'calibration'] };
      c.pruner = { type: 'median' };
    });
    expect(e).toEqual([{ path: 'pruner.type', message: PARETO_NO_PRUNER }]);
    expect(e[0]!.message).toMatch(/cannot prune/);
  });
});

describe('NSGA-II sampler', () => {
  it("fills Optuna's population_size 50 and keeps a given one", () => {
    expect(ok((c) => (c.sampler.type = 'nsga2')).sampler.populationSize).toBe(50);
    expect(ok((c) => Object.assign(c.sampler, { type: 'nsga2', populationSize: 8 })).sampler.populationSize).toBe(8);
  });
  it('refuses a population below 2 and a population size on another sampler', () => {
    expect(errors((c) => Object.assign(c.sampler, { type: 'nsga2', populationSize: 1 }))[0]!.path).toBe(
      'sampler.populationSize',
    );
    expect(errors((c) => (c.sampler.populationSize = 8))[0]!.path).toBe('sampler.populationSize');
  });
});

describe('budget', () => {
  it('validates its limits; an all-null budget is none', () => {
    expect(ok((c) => (c.budget = { maxParams: 1_500_000, maxMemoryMB: 800 })).budget).toEqual({
      maxParams: 1_500_000,
      maxMemoryMB: 800,
    });
    expect(ok((c) => (c.budget = { maxParams: null, maxMemoryMB: null })).budget).toBeUndefined();
    expect(errors((c) => (c.budget = { maxParams: 0.5 }))[0]!.path).toBe('budget.maxParams');
    expect(errors((c) => (c.budget = { maxMemoryMB: -1 }))[0]!.path).toBe('budget.maxMemoryMB');
    expect(errors((c) => (c.budget = { maxGpus: 1 }))[0]!.path).toBe('budget.maxGpus');
  });

  it('rejects a configuration over the parameter limit and names both numbers', () => {
    const config = ok((c) => (c.budget = { maxParams: 1_000_000, maxMemoryMB: null }));
    const small = { dropout: 0.1, lr: 1e-3, num_seeds: 1, batch_size: 16, embed_dim: 64, summary_dim: 8 };
    const big = { ...small, num_seeds: 8, embed_dim: 128, summary_dim: 32 };
    const s = checkBudget(config, small);
    const b = checkBudget(config, big);
    expect(s.over).toEqual([]);
    expect(s.constraints['params']).toBe(s.parameters - 1_000_000);
    expect(s.constraints['params']).toBeLessThanOrEqual(0);
    expect(overBudgetText(s)).toBeNull();
    expect(b.parameters).toBeGreaterThan(1_000_000);
    expect(b.constraints['params']).toBe(b.parameters - 1_000_000);
    expect(overBudgetText(b)).toMatch(/^over budget: 1\.\d M parameters > 1\.0 M$/);
    expect(b.constraints['memory']).toBeUndefined();
  });

  it('rejects by the planner memory estimate, which grows with the batch size', () => {
    const config = ok((c) => (c.budget = { maxParams: null, maxMemoryMB: 4000 }));
    const h = { dropout: 0.1, lr: 1e-3, num_seeds: 1, batch_size: 16, embed_dim: 64, summary_dim: 8 };
    const small = checkBudget(config, h);
    const large = checkBudget(config, { ...h, batch_size: 128 });
    expect(large.memoryMB).toBeGreaterThan(small.memoryMB * 4);
    expect(small.constraints['memory']).toBeLessThan(0);
    expect(large.constraints['memory']).toBeGreaterThan(0);
    expect(overBudgetText(large)).toMatch(/MB per training pass > 4000 MB/);
  });
});

describe('back-compatibility', () => {
  it('a configuration and a study link written before come back unchanged', async () => {
    const before = smokeStudyConfig();
    expect(ok((c) => Object.assign(c, structuredClone(before)))).toEqual(before);
    expect(await decodeStudyLink(await encodeStudyLink(before))).toEqual(before);
  });
  it('a Pareto configuration with a budget travels through a study link', async () => {
    const c = ok((x) => {
      x.objective = { type: 'pareto', metrics: ['nrmse', 'calibration', 'contraction'] };
      x.sampler.type = 'nsga2';
      x.budget = { maxParams: 2_000_000, maxMemoryMB: null };
    });
    expect(await decodeStudyLink(await encodeStudyLink(c))).toEqual(c);
  });
});
