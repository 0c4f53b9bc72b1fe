import { describe, expect, it } from 'vitest';
import {
  createStudy,
  EngineError,
  hypervolume,
  NSGAIISampler,
  RandomSampler,
  TrialState,
  type Sampler,
  type Study,
  type Trial,
} from '../../../../../src/engine/index.ts';
import { GENERATION_KEY, PARENT_CACHE_KEY_PREFIX } from '../../../../../src/engine/samplers/nsgaii/nsgaii-sampler.ts';

/** ZDT1-like: two conflicting objectives over x, three distractors that should go to 0. */
async function objective(trial: Trial): Promise<number[]> {
  const x = await trial.suggestFloat('x', 0, 1);
  let g = 0;
  for (const name of ['a', 'b', 'c']) g += await trial.suggestFloat(name, 0, 1);
  g = 1 + 3 * g;
  return [x, g * (1 - Math.sqrt(x / g))];
}

async function run(sampler: Sampler, nTrials: number): Promise<Study> {
  const study = await createStudy({ directions: ['minimize', 'minimize'], sampler });
  await study.optimize(objective, { nTrials });
  return study;
}

async function frontHypervolume(study: Study): Promise<number> {
  const front = (await study.bestTrials()).map((t) => [...(t.values as number[])]);
  return hypervolume(front, [1.1, 11]);
}

describe('NSGAIISampler', () => {
  it('keeps generations and cached parents in the storage as Optuna does, and is reproducible by seed', async () => {
    const study = await run(new NSGAIISampler({ populationSize: 8, seed: 5 }), 40);
    const trials = await study.getTrials();
    expect(trials.map((t) => t.systemAttrs[GENERATION_KEY])).toEqual(
      Array.from({ length: 40 }, (_, i) => Math.floor(i / 8)),
    );
    const attrs = await study.getSystemAttrs();
    for (let g = 1; g <= 4; g++) {
      const parents = attrs[`${PARENT_CACHE_KEY_PREFIX}${g}`] as number[];
      expect(parents).toHaveLength(8);
      // The parents of generation g come from generations before g.
      for (const id of parents)
        expect(trials.find((t) => t.trialId === id)!.systemAttrs[GENERATION_KEY]).toBeLessThan(g);
    }
    // Children are built from parents: from generation 1 on, most parameters repeat a parent's value.
    const parentValues = new Set(trials.slice(0, 32).map((t) => t.params.a));
    const inherited = trials.slice(8).filter((t) => parentValues.has(t.params.a)).length;
    expect(inherited).toBeGreaterThan(16);
    const again = await run(new NSGAIISampler({ populationSize: 8, seed: 5 }), 40);
    expect((await again.getTrials()).map((t) => t.params)).toEqual(trials.map((t) => t.params));
  });

  it('moves the front further than random sampling in the same number of trials', async () => {
    const nsga = await frontHypervolume(await run(new NSGAIISampler({ populationSize: 20, seed: 11 }), 200));
    const random = await frontHypervolume(await run(new RandomSampler({ seed: 11 }), 200));
    expect(nsga).toBeGreaterThan(random);
  });

  it('infeasible trials (trial constraints) do not become parents while feasible ones are enough', async () => {
    const sampler = new NSGAIISampler({ populationSize: 6, seed: 2 });
    const study = await createStudy({ directions: ['minimize', 'minimize'], sampler });
    await study.optimize(
      async (trial) => {
        const v = await objective(trial);
        await trial.setConstraint('x_small', (trial.params.x as number) - 0.5);
        return v;
      },
      { nTrials: 24 },
    );
    const trials = await study.getTrials([TrialState.COMPLETE]);
    const attrs = await study.getSystemAttrs();
    const parents = (attrs[`${PARENT_CACHE_KEY_PREFIX}3`] as number[]).map((id) =>
      trials.find((t) => t.trialId === id)!,
    );
    const feasibleBefore = trials.filter(
      (t) => (t.systemAttrs[GENERATION_KEY] as number) < 3 && (t.params.x as number) <= 0.5,
    );
    expect(feasibleBefore.length).toBeGreaterThanOrEqual(6);
    expect(parents.every((t) => (t.params.x as number) <= 0.5)).toBe(true);
  });

  it("refuses Optuna's invalid settings with its messages", () => {
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(EngineError);
        return (e as Error).message;
      }
      return '';
    };
    expect(message(() => new NSGAIISampler({ populationSize: 1 }))).toBe(
      '`population_size` must be greater than or equal to 2.',
    );
    expect(message(() => new NSGAIISampler({ mutationProb: 1.5 }))).toBe(
      '`mutation_prob` must be None or a float value within the range [0.0, 1.0].',
    );
    expect(message(() => new NSGAIISampler({ crossoverProb: -0.1 }))).toContain('`crossover_prob`');
    expect(message(() => new NSGAIISampler({ swappingProb: 2 }))).toContain('`swapping_prob`');
    const s = new NSGAIISampler();
    expect([s.populationSize, s.mutationProb, s.crossoverProb, s.swappingProb]).toEqual([50, null, 0.9, 0.5]);
  });
});
