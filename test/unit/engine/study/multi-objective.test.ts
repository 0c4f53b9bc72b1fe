import { describe, expect, it } from 'vitest';
import {
  collectWarnings,
  createStudy,
  EngineError,
  failReasonOf,
  floatDistribution,
  InMemoryStorage,
  loadStudy,
  nonDominatedSort,
  NopPruner,
  paretoFrontTrials,
  RandomSampler,
  hypervolume,
  TPESampler,
  TrialState,
  type Sampler,
  type Trial,
  type FrozenTrial,
  type Storage,
  type Study,
} from '../../../../src/engine/index.ts';
import { JournalStorage, MemoryJournalBackend } from '../../../../src/engine/storages/journal/index.ts';

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<EngineError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

const mo = (storage: Storage = new InMemoryStorage()): Promise<Study> =>
  createStudy({
    studyName: 'mo',
    directions: ['minimize', 'maximize'],
    sampler: new RandomSampler({ seed: 3 }),
    pruner: new NopPruner(),
    storage,
  });

const numbers = (ts: readonly FrozenTrial[]): number[] => ts.map((t) => t.number);

describe('multi-objective studies: the Study API', () => {
  it("createStudy takes directions; direction and directions together are refused with Optuna's messages", async () => {
    const s = await mo();
    expect(s.directions).toEqual(['minimize', 'maximize']);
    expect((await rejection(() => s.direction)).message).toBe(
      'A single direction cannot be retrieved from a multi-objective study. Consider using Study.directions to retrieve a list containing all directions.',
    );
    const both = await rejection(createStudy({ direction: 'minimize', directions: ['minimize'] }));
    expect(both.message).toBe('Specify only one of `direction` and `directions`.');
    expect((await rejection(createStudy({ directions: [] }))).message).toBe(
      'The number of objectives must be greater than 0.',
    );
    expect((await rejection(createStudy({ directions: ['minimize', 'down' as never] }))).message).toBe(
      "`directions` must be a list of `minimize` or `maximize`, but got ['minimize', 'down']. For single-objective optimization, please use `direction` instead of `directions`.",
    );
    expect((await rejection(createStudy({ direction: ['minimize'] as never }))).message).toBe(
      'Use `directions` instead of `direction` for multi-objective optimization.',
    );
    // One direction given as a list is a single-objective study.
    const one = await createStudy({ directions: ['maximize'] });
    expect(one.direction).toBe('maximize');
  });

  it('tell checks the number of values; NaN fails the trial with a warning; loadStudy opens the study', async () => {
    const storage = new JournalStorage(new MemoryJournalBackend());
    const s = await mo(storage);
    const t0 = await s.ask();
    await t0.suggestFloat('x', 0, 1);
    const done = await s.tell(t0, [1, 2]);
    expect(done.state).toBe(TrialState.COMPLETE);
    expect(done.values).toEqual([1, 2]);
    const t1 = await s.ask();
    expect((await rejection(s.tell(t1, [1], TrialState.COMPLETE))).message).toBe(
      'The number of the values 1 did not match the number of the objectives 2.',
    );
    expect((await rejection(s.tell(t1, 3, TrialState.COMPLETE))).message).toBe(
      'The number of the values 1 did not match the number of the objectives 2.',
    );
    const { result, warnings } = await collectWarnings(() => s.tell(t1, [NaN, 'x' as never]));
    expect(result.state).toBe(TrialState.FAIL);
    expect(result.values).toBeNull();
    expect(warnings).toEqual(["The value nan is not acceptable; The value 'x' could not be cast to float."]);
    expect(failReasonOf(result, await s.getSystemAttrs())).toBe(warnings[0]);
    const t2 = await s.ask();
    const three = await collectWarnings(() => s.tell(t2, [1, 2, 3]));
    expect(three.result.state).toBe(TrialState.FAIL);
    expect(three.warnings).toEqual(['The number of the values 3 did not match the number of the objectives 2.']);
    const t3 = await s.ask();
    expect((await s.tell(t3, null, TrialState.PRUNED)).values).toBeNull();

    const loaded = await loadStudy({ studyName: 'mo', storage });
    expect(loaded.directions).toEqual(['minimize', 'maximize']);
    expect(numbers(await loaded.bestTrials())).toEqual([0]);
  });

  it("report, shouldPrune and bestTrial throw Optuna's messages; optimize takes lists", async () => {
    const s = await mo();
    await s.optimize(
      async (trial) => {
        const x = await trial.suggestFloat('x', 0, 1);
        expect((await rejection(trial.report(x, 0))).message).toBe(
          'Trial.report is not supported for multi-objective optimization.',
        );
        expect((await rejection(trial.shouldPrune())).code).toBe('multi-objective');
        return [x, x * x];
      },
      { nTrials: 6 },
    );
    const trials = await s.getTrials();
    expect(trials.every((t) => t.state === TrialState.COMPLETE && t.values?.length === 2)).toBe(true);
    expect((await rejection(s.bestTrial())).message).toBe(
      'A single best trial cannot be retrieved from a multi-objective study. Consider using Study.best_trials to retrieve a list containing the best trials.',
    );
    // minimize x, maximize x²: every x trades one for the other, so all six are Pareto-optimal.
    expect(numbers(await s.bestTrials())).toEqual([0, 1, 2, 3, 4, 5]);
    // A wrong number of values fails the trial in optimize, as a NaN does.
    const { warnings } = await collectWarnings(() => s.optimize(() => [1], { nTrials: 1 }));
    expect(warnings[0]).toContain('did not match the number of the objectives 2');
  });

  it('bestTrials is the Pareto front of COMPLETE trials, feasible ones only once any trial has constraints', async () => {
    const s = await mo();
    const add = (values: number[] | null, state: TrialState = TrialState.COMPLETE, constraint?: number) =>
      s.addTrial({
        state,
        values,
        paramsInternal: { x: 0.5 },
        distributions: { x: floatDistribution(0, 1) },
        systemAttrs: constraint === undefined ? {} : { 'constraints:mem': constraint },
      });
    await add([1, 1]); // 0: dominated by 1 (minimize, maximize)
    await add([1, 5]); // 1
    await add([0, 2]); // 2
    await add([1, 5]); // 3: a copy of 1 is on the front too
    await add(null, TrialState.FAIL); // 4
    await add([2, 5]); // 5: dominated by 1
    expect(numbers(await s.bestTrials())).toEqual([1, 2, 3]);
    await add([-1, 9], TrialState.COMPLETE, 0.5); // 6: best but infeasible
    expect(numbers(await s.bestTrials())).toEqual([1, 2, 3]);
    await add([0.5, 6], TrialState.COMPLETE, -1); // 7: feasible, dominates 1 and 3
    expect(numbers(await s.bestTrials())).toEqual([2, 7]);
    // Without the constraint filter (paretoFrontTrials' default) the infeasible 6 dominates them all.
    expect(numbers(paretoFrontTrials(await s.getTrials(), s.directions))).toEqual([6]);
    expect(numbers(paretoFrontTrials(await s.getTrials(), s.directions, true))).toEqual([2, 7]);
  });

  it('the default TPESampler optimizes a multi-objective study past its startup trials, ahead of random sampling', async () => {
    // Two conflicting objectives over x ∈ [0, 1] with a distractor y: the front is y = 0.
    const objective = async (trial: Trial): Promise<number[]> => {
      const x = await trial.suggestFloat('x', 0, 1);
      const y = await trial.suggestFloat('y', 0, 1);
      return [x + y, 1 - x + y];
    };
    const hv = async (sampler: Sampler): Promise<number> => {
      const s = await createStudy({ directions: ['minimize', 'minimize'], sampler });
      await s.optimize(objective, { nTrials: 60 });
      const front = await s.bestTrials();
      return hypervolume(
        front.map((t) => [...(t.values as number[])]),
        [2, 2],
      );
    };
    const tpe = await hv(new TPESampler({ seed: 7 }));
    const random = await hv(new RandomSampler({ seed: 7 }));
    expect(tpe).toBeGreaterThan(random);
    expect(tpe).toBeGreaterThan(2.4); // the ideal front covers 2.5
  });

  it('nonDominatedSort ranks fronts, stops early at nBelow and ranks infeasible rows by penalty', () => {
    const loss = [
      [1, 4],
      [2, 2],
      [4, 1],
      [3, 3],
      [2, 2],
      [5, 5],
      [4, 4],
    ];
    expect(nonDominatedSort(loss)).toEqual([0, 0, 0, 1, 0, 3, 2]);
    // Ranks are exact for the best 4 distinct rows only: fronts 0 and 1 hold 4, the rest share rank 2.
    expect(nonDominatedSort(loss, { nBelow: 4 })).toEqual([0, 0, 0, 1, 0, 2, 2]);
    expect(nonDominatedSort(loss, { penalty: [0, 0, 2, 0, 1, 0, 1] })).toEqual([0, 0, 4, 1, 3, 2, 3]);
    expect(nonDominatedSort([[3], [1], [3], [2]])).toEqual([2, 0, 2, 1]);
  });
});
