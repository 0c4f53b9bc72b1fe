import { describe, expect, it } from 'vitest';
import { isFirstInIntervalStep, nanPercentile } from '../../../../src/engine/pruners/median.ts';
import { isPromotable } from '../../../../src/engine/pruners/successive-halving.ts';
import {
  MedianPruner,
  NopPruner,
  PercentilePruner,
  SuccessiveHalvingPruner,
  TrialState,
  type FrozenTrial,
  type JsonValue,
  type PrunerStudy,
} from '../../../../src/engine/index.ts';
import { makeTrials, type TrialSpec } from '../helpers/trials.ts';

const C = TrialState.COMPLETE;
const R = TrialState.RUNNING;

/** A pruner view over hand-built trials; system attribute writes land in the fixtures. */
function view(
  trials: FrozenTrial[],
  direction: 'minimize' | 'maximize' = 'minimize',
): PrunerStudy & { writes: [number, string, JsonValue][] } {
  const writes: [number, string, JsonValue][] = [];
  return {
    studyId: 0,
    direction,
    directions: [direction],
    writes,
    // Like a storage, return a snapshot array: later writes do not show up in it.
    getTrials: async (states) => (states === undefined ? [...trials] : trials.filter((t) => states.includes(t.state))),
    setTrialSystemAttr: async (trialId, key, value) => {
      writes.push([trialId, key, value]);
      const i = trials.findIndex((t) => t.trialId === trialId);
      const t = trials[i] as FrozenTrial;
      trials[i] = { ...t, systemAttrs: { ...t.systemAttrs, [key]: value } };
    },
  };
}

const completeWith = (steps: number[][]): TrialSpec[] =>
  steps.map((vals) => ({
    state: C,
    value: vals[vals.length - 1] ?? 0,
    intermediate: vals.map((v, i) => [i, v] as [number, number]),
  }));

describe('numpy helpers', () => {
  it('nanpercentile with linear interpolation, NaN ignored', () => {
    expect(nanPercentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(nanPercentile([1, NaN, 3], 50)).toBe(2);
    expect(nanPercentile([5, 1, 3], 25)).toBe(2);
    expect(nanPercentile([7], 50)).toBe(7);
    expect(Number.isNaN(nanPercentile([NaN, NaN], 50))).toBe(true);
    expect(nanPercentile([0, 10], 75)).toBe(7.5);
  });

  it('first step in the interval window', () => {
    expect(isFirstInIntervalStep(3, [0, 1, 2, 3], 0, 1)).toBe(true);
    expect(isFirstInIntervalStep(5, [0, 5], 0, 5)).toBe(true);
    expect(isFirstInIntervalStep(6, [0, 5, 6], 0, 5)).toBe(false); // 5 already checked in window [5, 10)
    expect(isFirstInIntervalStep(7, [0, 7], 2, 5)).toBe(true); // windows start at 2, 7, 12
    expect(isFirstInIntervalStep(8, [0, 7, 8], 2, 5)).toBe(false);
  });
});

describe('MedianPruner (defaults 5 / 0 / 1 / 1)', () => {
  const history = completeWith([
    [1, 1, 1],
    [2, 2, 2],
    [3, 3, 3],
    [4, 4, 4],
    [5, 5, 5],
  ]);

  it('no pruning before n_startup_trials COMPLETE trials or before the first report', async () => {
    const trials = makeTrials([...history.slice(0, 4), { state: R, intermediate: [[0, 100]] }]);
    expect(await new MedianPruner().prune(view(trials), trials[4] as FrozenTrial)).toBe(false);
    const noReport = makeTrials([...history, { state: R }]);
    expect(await new MedianPruner().prune(view(noReport), noReport[5] as FrozenTrial)).toBe(false);
    const zeroStartup = makeTrials([{ state: R, intermediate: [[0, 100]] }]);
    expect(await new MedianPruner({ nStartupTrials: 0 }).prune(view(zeroStartup), zeroStartup[0] as FrozenTrial)).toBe(
      false,
    );
  });

  it('prunes when the best report is worse than the median at this step (strictly)', async () => {
    for (const [v, expected] of [
      [3.5, true],
      [3, false],
      [2, false],
    ] as const) {
      const trials = makeTrials([
        ...history,
        {
          state: R,
          intermediate: [
            [0, 10],
            [1, v],
          ],
        },
      ]);
      expect(await new MedianPruner().prune(view(trials), trials[5] as FrozenTrial)).toBe(expected);
    }
    // The best over all steps counts: an early good report keeps the trial.
    const early = makeTrials([
      ...history,
      {
        state: R,
        intermediate: [
          [0, 0.5],
          [1, 10],
        ],
      },
    ]);
    expect(await new MedianPruner().prune(view(early), early[5] as FrozenTrial)).toBe(false);
  });

  it('maximize mirrors the percentile and the comparison', async () => {
    const trials = makeTrials([...history, { state: R, intermediate: [[0, 2.5]] }]);
    expect(await new MedianPruner().prune(view(trials, 'maximize'), trials[5] as FrozenTrial)).toBe(true);
    const good = makeTrials([...history, { state: R, intermediate: [[0, 3]] }]);
    expect(await new MedianPruner().prune(view(good, 'maximize'), good[5] as FrozenTrial)).toBe(false);
    // PercentilePruner(25) when maximizing compares with the 75th percentile.
    const p = makeTrials([...history, { state: R, intermediate: [[0, 3.9]] }]);
    expect(await new PercentilePruner(25).prune(view(p, 'maximize'), p[5] as FrozenTrial)).toBe(true);
    expect(await new PercentilePruner(25).prune(view(p), p[5] as FrozenTrial)).toBe(true);
  });

  it('all-NaN reports prune; too few reports at this step keep; warm-up and interval respected', async () => {
    const nan = makeTrials([...history, { state: R, intermediate: [[0, NaN]] }]);
    expect(await new MedianPruner().prune(view(nan), nan[5] as FrozenTrial)).toBe(true);
    const unseenStep = makeTrials([...history, { state: R, intermediate: [[7, 100]] }]);
    expect(await new MedianPruner().prune(view(unseenStep), unseenStep[5] as FrozenTrial)).toBe(false);
    const bad = makeTrials([
      ...history,
      {
        state: R,
        intermediate: [
          [0, 9],
          [1, 9],
          [2, 9],
        ],
      },
    ]);
    expect(await new MedianPruner({ nWarmupSteps: 3 }).prune(view(bad), bad[5] as FrozenTrial)).toBe(false);
    expect(await new MedianPruner({ nMinTrials: 6 }).prune(view(bad), bad[5] as FrozenTrial)).toBe(false);
    expect(await new MedianPruner({ intervalSteps: 2 }).prune(view(bad), bad[5] as FrozenTrial)).toBe(true); // step 2 opens a window
    const odd = makeTrials([
      ...history,
      {
        state: R,
        intermediate: [
          [0, 9],
          [1, 9],
        ],
      },
    ]);
    expect(await new MedianPruner({ intervalSteps: 2 }).prune(view(odd), odd[5] as FrozenTrial)).toBe(false);
  });

  it('validates its arguments with Optuna messages', () => {
    expect(() => new PercentilePruner(101)).toThrow('Percentile must be between 0 and 100 inclusive but got 101.');
    expect(() => new MedianPruner({ intervalSteps: 0 })).toThrow(
      'Pruning interval steps must be at least 1 but got 0.',
    );
    expect(() => new MedianPruner({ nMinTrials: 0 })).toThrow(
      'Number of trials for pruning must be at least 1 but got 0.',
    );
  });

  it('NopPruner never prunes', async () => {
    const trials = makeTrials([...history, { state: R, intermediate: [[0, NaN]] }]);
    expect(await new NopPruner().prune()).toBe(false);
    expect(trials).toHaveLength(6);
  });
});

describe('SuccessiveHalvingPruner', () => {
  it('promotion rule: top max(floor(n/η), 1) of the rung, own value included', () => {
    expect(isPromotable(1, [1, 2, 3, 4], 4, false)).toBe(true);
    expect(isPromotable(2, [1, 2, 3, 4], 4, false)).toBe(false);
    expect(isPromotable(2, [1, 2, 3, 4, 5, 6, 7, 8], 4, false)).toBe(true);
    expect(isPromotable(3, [3, 5], 4, false)).toBe(true); // fewer than η: only the best continues
    expect(isPromotable(5, [3, 5], 4, false)).toBe(false);
    expect(isPromotable(8, [1, 2, 3, 8], 4, true)).toBe(true);
  });

  it("min_resource 'auto': nothing is pruned before a trial completes", async () => {
    const trials = makeTrials([
      {
        state: R,
        intermediate: [
          [0, 5],
          [1, 5],
        ],
      },
    ]);
    const v = view(trials);
    expect(await new SuccessiveHalvingPruner().prune(v, trials[0] as FrozenTrial)).toBe(false);
    expect(v.writes).toEqual([]);
  });

  it('records completed_rung_k and prunes against the rung competitors', async () => {
    // One completed trial with 100 steps ⇒ auto min_resource = max(99 // 100, 1) = 1; η = 4.
    const done = {
      state: C,
      value: 0,
      intermediate: Array.from({ length: 100 }, (_, i) => [i, 0] as [number, number]),
      systemAttrs: { completed_rung_0: 0.1, completed_rung_1: 0.1 },
    };
    const trials = makeTrials([done, { state: R, systemAttrs: {}, intermediate: [[1, 0.5]] }]);
    const v = view(trials);
    const pruner = new SuccessiveHalvingPruner();
    // Step 1 ≥ 1·4^0: rung 0 competitors {0.1, 0.5} → idx 0 → keep only ≤ 0.1 → prune.
    expect(await pruner.prune(v, trials[1] as FrozenTrial)).toBe(true);
    expect(v.writes).toEqual([[101, 'completed_rung_0', 0.5]]);
  });

  it('promotes through several rungs in one check and stops below the next rung step', async () => {
    const trials = makeTrials([
      { state: C, value: 0, intermediate: [[0, 1]], systemAttrs: { completed_rung_0: 0.9 } },
      { state: R, intermediate: [[4, 0.2]] },
    ]);
    const v = view(trials);
    // min_resource 1, η 2: rung 0 at step ≥ 1 (kept, 0.2 ≤ 0.9), rung 1 at step ≥ 2 (alone → kept),
    // rung 2 at step ≥ 4 (alone → kept), rung 3 needs step 8 → stop.
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    expect(await pruner.prune(v, trials[1] as FrozenTrial)).toBe(false);
    expect(v.writes.map(([, k]) => k)).toEqual(['completed_rung_0', 'completed_rung_1', 'completed_rung_2']);
    // The next check resumes at rung 3.
    const again = {
      ...(trials[1] as FrozenTrial),
      intermediateValues: new Map([
        [4, 0.2],
        [8, 0.1],
      ]),
    };
    expect(await pruner.prune(v, again)).toBe(false);
    expect(v.writes.at(-1)?.[1]).toBe('completed_rung_3');
  });

  it('NaN at a rung prunes; bootstrap_count requires that many competitors', async () => {
    const trials = makeTrials([{ state: R, intermediate: [[3, NaN]] }]);
    expect(await new SuccessiveHalvingPruner({ minResource: 1 }).prune(view(trials), trials[0] as FrozenTrial)).toBe(
      true,
    );
    const ok = makeTrials([{ state: R, intermediate: [[3, 1]] }]);
    expect(
      await new SuccessiveHalvingPruner({ minResource: 1, bootstrapCount: 1 }).prune(view(ok), ok[0] as FrozenTrial),
    ).toBe(true);
    expect(() => new SuccessiveHalvingPruner({ bootstrapCount: 1 })).toThrow(
      "bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible",
    );
    expect(() => new SuccessiveHalvingPruner({ reductionFactor: 1 })).toThrow(
      'The value of `reduction_factor` is 1, but must be `reduction_factor >= 2`',
    );
  });

  it('maximize keeps the largest values', async () => {
    const spec = (): FrozenTrial[] =>
      makeTrials([
        { state: C, value: 1, intermediate: [[0, 1]], systemAttrs: { completed_rung_0: 0.3 } },
        { state: R, intermediate: [[1, 0.8]] },
      ]);
    const max = spec();
    expect(
      await new SuccessiveHalvingPruner({ minResource: 1 }).prune(view(max, 'maximize'), max[1] as FrozenTrial),
    ).toBe(false);
    const min = spec();
    expect(await new SuccessiveHalvingPruner({ minResource: 1 }).prune(view(min), min[1] as FrozenTrial)).toBe(true);
  });
});

describe('pruners inside optimize', () => {
  it('MedianPruner prunes a trial whose curve is worse than the median; the pruned trial keeps its last report', async () => {
    const { createStudy, RandomSampler, TrialPruned } = await import('../../../../src/engine/index.ts');
    const study = await createStudy({
      sampler: new RandomSampler({ seed: 1 }),
      pruner: new MedianPruner({ nStartupTrials: 2 }),
    });
    const offsets = [0, 1, 5, 0.5];
    await study.optimize(
      async (t) => {
        const off = offsets[t.number] as number;
        for (let step = 0; step < 4; step++) {
          await t.report(off + 1 / (step + 1), step);
          if (await t.shouldPrune()) throw new TrialPruned();
        }
        return off;
      },
      { nTrials: 4 },
    );
    const trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual([C, C, TrialState.PRUNED, C]);
    expect(trials[2]?.values).toEqual([6]); // pruned at step 0 with 5 + 1
  });

  it('SuccessiveHalvingPruner writes completed_rung_k system attributes through the study', async () => {
    const { createStudy, RandomSampler, TrialPruned } = await import('../../../../src/engine/index.ts');
    const study = await createStudy({
      sampler: new RandomSampler({ seed: 1 }),
      pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }),
    });
    await study.optimize(
      async (t) => {
        for (let step = 1; step <= 4; step++) {
          await t.report(t.number + step / 10, step);
          if (await t.shouldPrune()) throw new TrialPruned();
        }
        return t.number;
      },
      { nTrials: 3 },
    );
    const trials = await study.getTrials();
    expect(trials[0]?.systemAttrs).toMatchObject({
      completed_rung_0: 0.1,
      completed_rung_1: 0.2,
      completed_rung_2: 0.4,
    });
    expect(trials[1]?.state).toBe(TrialState.PRUNED); // 1.1 > 0.1 at rung 0 with 2 competitors
    expect(trials[1]?.systemAttrs).toEqual({ completed_rung_0: 1.1 });
  });
});
