import { describe, expect, it } from 'vitest';
import {
  defaultGamma,
  defaultWeights,
  hyperoptDefaultGamma,
  splitTrials,
} from '../../../../../src/engine/samplers/tpe/split.ts';
import { TrialState } from '../../../../../src/engine/types.ts';
import { makeTrials } from '../../helpers/trials.ts';

describe('gamma and weights (docs/design/study-engine.md#tpe)', () => {
  it('default gamma = min(ceil(0.1 n), 25)', () => {
    expect([0, 1, 10, 11, 100, 249, 250, 1000].map(defaultGamma)).toEqual([0, 1, 1, 2, 10, 25, 25, 25]);
    for (let n = 0; n < 250; n++) expect(defaultGamma(n)).toBe(Math.ceil(n / 10));
    expect([1, 16, 17, 10000, 100000].map(hyperoptDefaultGamma)).toEqual([1, 1, 2, 25, 25]);
  });

  it('default weights: empty, ones below 25, then a ramp for the oldest', () => {
    expect(Array.from(defaultWeights(0))).toEqual([]);
    expect(Array.from(defaultWeights(24))).toEqual(new Array(24).fill(1));
    expect(Array.from(defaultWeights(25))).toEqual(new Array(25).fill(1));
    const w = Array.from(defaultWeights(30));
    expect(w).toHaveLength(30);
    [1 / 30, 0.275, 0.5166667, 0.7583333].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
    expect(w.slice(4)).toEqual(new Array(26).fill(1));
    expect(Array.from(defaultWeights(26)).slice(0, 2)).toEqual([1 / 26, 1]);
  });
});

describe('splitTrials', () => {
  const flags = (b: Uint8Array): number[] => Array.from(b);

  it('ranks COMPLETE trials by value (ties → lower number), both directions', () => {
    const trials = makeTrials([{ value: 3 }, { value: 1 }, { value: 2 }, { value: 1 }, { value: 5 }]);
    expect(flags(splitTrials(trials, 2, 'minimize'))).toEqual([0, 1, 0, 1, 0]);
    expect(flags(splitTrials(trials, 1, 'minimize'))).toEqual([0, 1, 0, 0, 0]);
    expect(flags(splitTrials(trials, 2, 'maximize'))).toEqual([1, 0, 0, 0, 1]);
    expect(flags(splitTrials(trials, 0, 'minimize'))).toEqual([0, 0, 0, 0, 0]);
  });

  it('fills the rest of below with PRUNED trials: deeper last step first, then value; no reports last', () => {
    const P = TrialState.PRUNED;
    const trials = makeTrials([
      { value: 10 },
      {
        state: P,
        intermediate: [
          [0, 1],
          [1, 5],
        ],
      }, // step 1, value 5
      { state: P, intermediate: [[0, 0.1]] }, // step 0
      {
        state: P,
        intermediate: [
          [0, 9],
          [1, 2],
        ],
      }, // step 1, value 2
      { state: P }, // no reports: ranked last
      {
        state: P,
        intermediate: [
          [0, 1],
          [1, NaN],
        ],
      }, // step 1, NaN = +inf
    ]);
    expect(flags(splitTrials(trials, 2, 'minimize'))).toEqual([1, 0, 0, 1, 0, 0]);
    expect(flags(splitTrials(trials, 3, 'minimize'))).toEqual([1, 1, 0, 1, 0, 0]);
    expect(flags(splitTrials(trials, 4, 'minimize'))).toEqual([1, 1, 0, 1, 0, 1]);
    expect(flags(splitTrials(trials, 5, 'minimize'))).toEqual([1, 1, 1, 1, 0, 1]);
    // Maximizing flips the sign of the value, not of the step.
    expect(flags(splitTrials(trials, 2, 'maximize'))).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it('puts infeasible trials last by summed violation when constraints are enabled', () => {
    const trials = makeTrials([
      { value: 1, systemAttrs: { constraints: [0.5, -1] } },
      { value: 2 },
      { value: 3, systemAttrs: { constraints: [0.1, 0.1] } },
    ]);
    expect(flags(splitTrials(trials, 1, 'minimize', true))).toEqual([0, 1, 0]);
    expect(flags(splitTrials(trials, 2, 'minimize', true))).toEqual([0, 1, 1]);
    expect(flags(splitTrials(trials, 1, 'minimize', false))).toEqual([1, 0, 0]);
  });
});
