import { describe, expect, it } from 'vitest';
import {
  collectWarnings,
  createStudy,
  EngineError,
  floatDistribution,
  InMemoryStorage,
  NopPruner,
  RandomSampler,
  TrialState,
} from '../../../../src/engine/index.ts';

const newStudy = (direction: 'minimize' | 'maximize' = 'minimize') =>
  createStudy({ sampler: new RandomSampler({ seed: 1 }), pruner: new NopPruner(), direction });

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return (e as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('suggest', () => {
  it('returns values inside the distribution and stores them (external and internal forms)', async () => {
    const study = await newStudy();
    const trial = await study.ask();
    const x = await trial.suggestFloat('x', -1, 1);
    const n = await trial.suggestInt('n', 1, 8, { step: 1 });
    const lr = await trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
    const c = await trial.suggestCategorical('c', ['adam', 'sgd']);
    expect(x).toBeGreaterThanOrEqual(-1);
    expect(x).toBeLessThan(1);
    expect(Number.isInteger(n)).toBe(true);
    expect(lr).toBeGreaterThanOrEqual(1e-4);
    expect(['adam', 'sgd']).toContain(c);
    const stored = await study.storage.getTrial(trial.trialId);
    expect(stored.params).toEqual({ x, n, lr, c });
    expect(trial.params).toEqual({ x, n, lr, c });
  });

  it('same name twice returns the first value, even outside the new range, with a warning', async () => {
    const study = await newStudy();
    const trial = await study.ask();
    const first = await trial.suggestFloat('x', 0, 1);
    const { result, warnings } = await collectWarnings(() => trial.suggestFloat('x', 5, 6));
    expect(result).toBe(first);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Inconsistent parameter values for distribution with name "x"! /);
    expect(warnings[0]).toContain("Using these values: {'step': None, 'low': 0.0, 'high': 1.0, 'log': False}");
    expect((await study.storage.getTrial(trial.trialId)).distributions['x']).toEqual(floatDistribution(0, 1));
    // The identical distribution again: no warning.
    expect((await collectWarnings(() => trial.suggestFloat('x', 0, 1))).warnings).toEqual([]);
  });

  it('same name with another kind, log flag or choices throws Optuna errors', async () => {
    const study = await newStudy();
    const trial = await study.ask();
    await trial.suggestFloat('x', 1, 2);
    await trial.suggestCategorical('c', ['a', 'b']);
    expect(await errorOf(trial.suggestInt('x', 1, 2))).toBe(
      'Cannot set different distribution kind to the same parameter name.',
    );
    expect(await errorOf(trial.suggestFloat('x', 1, 2, { log: true }))).toBe(
      'Cannot set different log configuration to the same parameter name.',
    );
    expect(await errorOf(trial.suggestCategorical('c', ['a', 'b', 'c']))).toBe(
      'CategoricalDistribution does not support dynamic value space.',
    );
  });

  it('checks kind/log/choices across trials through the storage; ranges may differ', async () => {
    const study = await newStudy();
    const t0 = await study.ask();
    await t0.suggestFloat('x', 0, 1);
    await study.tell(t0, 1);
    const t1 = await study.ask();
    expect(await t1.suggestFloat('x', 10, 20)).toBeGreaterThanOrEqual(10);
    const t2 = await study.ask();
    expect(await errorOf(t2.suggestFloat('x', 1, 2, { log: true }))).toBe(
      'Cannot set different log configuration to the same parameter name.',
    );
  });

  it('single-valued distributions skip the sampler', async () => {
    const calls: string[] = [];
    const sampler = new RandomSampler({ seed: 3 });
    const spy = Object.assign(Object.create(sampler) as RandomSampler, {
      sampleIndependent: async (...args: Parameters<RandomSampler['sampleIndependent']>) => {
        calls.push(args[2]);
        return sampler.sampleIndependent(...args);
      },
    });
    const study = await createStudy({ sampler: spy });
    const trial = await study.ask();
    expect(await trial.suggestFloat('a', 2, 2)).toBe(2);
    expect(await trial.suggestInt('b', 3, 4, { step: 5 })).toBe(3);
    expect(await trial.suggestFloat('c', 0, 0.05, { step: 0.1 })).toBe(0);
    expect(await trial.suggestCategorical('d', ['only'])).toBe('only');
    await trial.suggestFloat('e', 0, 1);
    expect(calls).toEqual(['e']);
  });

  it('concurrent suggests of one name sample once', async () => {
    const study = await newStudy();
    const trial = await study.ask();
    const [a, b] = await Promise.all([trial.suggestFloat('x', 0, 1), trial.suggestFloat('x', 0, 1)]);
    expect(a).toBe(b);
  });
});

describe('report and user attributes', () => {
  it('stores intermediate values; a repeated step is ignored with a warning', async () => {
    const study = await newStudy();
    const trial = await study.ask();
    await trial.report(0.5, 0);
    await trial.report(0.25, 3);
    const { warnings } = await collectWarnings(() => trial.report(9, 3));
    expect(warnings).toEqual(['The reported value is ignored because this `step` 3 is already reported.']);
    const stored = await study.storage.getTrial(trial.trialId);
    expect([...stored.intermediateValues]).toEqual([
      [0, 0.5],
      [3, 0.25],
    ]);
    expect(await errorOf(trial.report(1, -1))).toBe('The `step` argument is -1 but cannot be negative.');
    expect(await errorOf(trial.report('x' as never, 1))).toBe(
      "The `value` argument is of type 'string' but supposed to be a float.",
    );
    await trial.report(NaN, 4); // NaN reports are legal (the pruner treats them)
    expect(Number.isNaN((await study.storage.getTrial(trial.trialId)).intermediateValues.get(4))).toBe(true);
  });

  it('user attributes: any JSON value, last write wins; storage copies the value', async () => {
    const study = await newStudy();
    const trial = await study.ask();
    const value = { a: [1, 2] };
    await trial.setUserAttr('k', value);
    value.a.push(3);
    await trial.setUserAttr('k2', 'x');
    await trial.setUserAttr('k2', 'y');
    expect((await study.storage.getTrial(trial.trialId)).userAttrs).toEqual({ k: { a: [1, 2] }, k2: 'y' });
    expect(trial.userAttrs['k2']).toBe('y');
  });

  it('a finished trial cannot be changed', async () => {
    const study = await newStudy();
    const trial = await study.ask();
    await study.tell(trial, 1);
    const err = await trial.report(1, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('trial-finished');
    expect((await study.getTrials())[0]?.state).toBe(TrialState.COMPLETE);
  });

  it('shouldPrune asks the pruner with a fresh snapshot', async () => {
    const seen: number[] = [];
    const study = await createStudy({
      storage: new InMemoryStorage(),
      pruner: {
        prune: async (_s, t) => {
          seen.push(t.intermediateValues.size);
          return t.intermediateValues.size >= 2;
        },
      },
    });
    const trial = await study.ask();
    await trial.report(1, 0);
    expect(await trial.shouldPrune()).toBe(false);
    await trial.report(1, 1);
    expect(await trial.shouldPrune()).toBe(true);
    expect(seen).toEqual([1, 2]);
  });
});
