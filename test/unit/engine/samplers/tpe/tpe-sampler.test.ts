import { describe, expect, it } from 'vitest';
import {
  categoricalDistribution,
  createStudy,
  floatDistribution,
  intDistribution,
  NopPruner,
  RandomSampler,
  TPESampler,
  TrialState,
  type Distribution,
  type FrozenTrial,
  type Sampler,
  type SamplerStudy,
} from '../../../../../src/engine/index.ts';
import { derivedRng } from '../../../../../src/engine/samplers/numeric.ts';
import { ParzenEstimator } from '../../../../../src/engine/samplers/tpe/parzen-estimator.ts';
import { defaultGamma, defaultWeights, splitTrials } from '../../../../../src/engine/samplers/tpe/split.ts';
import { makeTrials, type TrialSpec } from '../../helpers/trials.ts';

const X = floatDistribution(0, 1);
const view = (trials: FrozenTrial[], direction: 'minimize' | 'maximize' = 'minimize'): SamplerStudy => ({
  studyId: 0,
  direction,
  directions: [direction],
  getTrials: async (states) => (states === undefined ? trials : trials.filter((t) => states.includes(t.state))),
});
const next = (n: number): FrozenTrial =>
  makeTrials(Array.from({ length: n + 1 }, () => ({ state: TrialState.RUNNING })))[n] as FrozenTrial;
const history = (values: number[], extra: TrialSpec[] = []): FrozenTrial[] =>
  makeTrials([
    ...values.map((v, i) => ({ value: (v - 0.3) ** 2 + i * 1e-9, params: { x: v }, distributions: { x: X } })),
    ...extra,
  ]);

describe('TPESampler: startup', () => {
  it('uses a RandomSampler with the same seed for the first 10 COMPLETE + PRUNED trials', async () => {
    const tpe = new TPESampler({ seed: 3 });
    const rnd = new RandomSampler({ seed: 3 });
    const h = history(
      [0.1, 0.5, 0.9, 0.2, 0.4, 0.6, 0.7, 0.8, 0.05],
      [{ state: TrialState.FAIL }, { state: TrialState.RUNNING }],
    );
    const t = next(h.length);
    expect(await tpe.sampleIndependent(view(h), t, 'x', X)).toBe(await rnd.sampleIndependent(view(h), t, 'x', X));
    // One PRUNED trial completes the startup: now the TPE step decides.
    const h2 = history(
      [0.1, 0.5, 0.9, 0.2, 0.4, 0.6, 0.7, 0.8, 0.05],
      [{ state: TrialState.PRUNED, intermediate: [[0, 1]] }],
    );
    expect(await tpe.sampleIndependent(view(h2), next(h2.length), 'x', X)).toBe(
      await manualTpe(h2, 'x', X, 3, h2.length),
    );
  });

  it('optimize: the first 10 trials equal those of RandomSampler(seed)', async () => {
    const run = async (sampler: Sampler): Promise<unknown[]> => {
      const s = await createStudy({ sampler, pruner: new NopPruner() });
      await s.optimize(async (t) => (await t.suggestFloat('x', -1, 1)) + (await t.suggestInt('n', 1, 9)), {
        nTrials: 10,
      });
      return (await s.getTrials()).map((t) => t.params);
    };
    expect(await run(new TPESampler({ seed: 8 }))).toEqual(await run(new RandomSampler({ seed: 8 })));
  });
});

/** One TPE step recomputed from the pieces: split, observations, l and g, candidates, argmax. */
async function manualTpe(
  trials: FrozenTrial[],
  name: string,
  d: Distribution,
  seed: number,
  trialNumber: number,
): Promise<number> {
  const finished = trials.filter((t) => t.state === TrialState.COMPLETE || t.state === TrialState.PRUNED);
  const below = splitTrials(finished, defaultGamma(finished.length), 'minimize');
  const obs = (flag: number): Float64Array =>
    Float64Array.from(
      finished.filter((t, i) => below[i] === flag && name in t.params).map((t) => t.params[name] as number),
    );
  const params = {
    priorWeight: 1,
    considerMagicClip: true,
    considerEndpoints: false,
    multivariate: false,
    weights: defaultWeights,
  };
  const l = new ParzenEstimator([obs(1)], [[name, d]], params);
  const g = new ParzenEstimator([obs(0)], [[name, d]], params);
  const cand = Array.from(l.sample(derivedRng(seed, 'tpe', trialNumber, name), 24)[0] as Float64Array);
  const ll = Array.from(l.logPdf([Float64Array.from(cand)], 24));
  const lg = Array.from(g.logPdf([Float64Array.from(cand)], 24));
  let best = 0;
  for (let m = 1; m < 24; m++)
    if ((ll[m] as number) - (lg[m] as number) > (ll[best] as number) - (lg[best] as number)) best = m;
  return cand[best] as number;
}

describe('TPESampler: one step', () => {
  it('returns the candidate from l with the largest log l − log g', async () => {
    const values = Array.from({ length: 40 }, (_, i) => ((i * 0.618) % 1) * 0.98 + 0.01);
    const h = history(values, [
      { state: TrialState.FAIL },
      { state: TrialState.PRUNED, intermediate: [[3, 0.01]], params: { x: 0.31 }, distributions: { x: X } },
    ]);
    for (const n of [h.length, h.length + 1, h.length + 7]) {
      const got = await new TPESampler({ seed: 11 }).sampleIndependent(view(h), next(n), 'x', X);
      expect(got).toBe(await manualTpe(h, 'x', X, 11, n));
    }
  });

  it('trials without the parameter are left out of l and g but count in gamma(N)', async () => {
    const h = history(
      Array.from({ length: 20 }, (_, i) => i / 20),
      Array.from({ length: 10 }, () => ({ value: -1 })),
    );
    // The ten best trials lack x: below is gamma(30) = 3 of them, so l is the prior alone.
    const got = await new TPESampler({ seed: 2 }).sampleIndependent(view(h), next(30), 'x', X);
    expect(got).toBe(await manualTpe(h, 'x', X, 2, 30));
  });

  it('concentrates near the optimum of a 1-D quadratic (better than random over 5 seeds)', async () => {
    const best = async (sampler: Sampler): Promise<number> => {
      const s = await createStudy({ sampler, pruner: new NopPruner() });
      await s.optimize(async (t) => ((await t.suggestFloat('x', -5, 5)) - 1.234) ** 2, { nTrials: 40 });
      return s.bestValue();
    };
    const tpe: number[] = [];
    const rnd: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(await best(new TPESampler({ seed })));
      rnd.push(await best(new RandomSampler({ seed })));
    }
    const median = (a: number[]): number => [...a].sort((x, y) => x - y)[2] as number;
    expect(median(tpe)).toBeLessThan(median(rnd));
    expect(median(tpe)).toBeLessThan(0.01);
  });

  it('maximize ranks the largest values as below', async () => {
    const s = await createStudy({
      sampler: new TPESampler({ seed: 4 }),
      direction: 'maximize',
      pruner: new NopPruner(),
    });
    await s.optimize(async (t) => -(((await t.suggestFloat('x', 0, 10)) - 7) ** 2), { nTrials: 40 });
    expect(Math.abs(((await s.bestParams())['x'] as number) - 7)).toBeLessThan(0.3);
  });
});

describe('TPESampler: multivariate', () => {
  const A = floatDistribution(0, 1);
  const N = intDistribution(1, 8);
  const C = categoricalDistribution(['a', 'b']);

  it('relative search space = intersection over COMPLETE and PRUNED trials, single-valued ones left out', async () => {
    const trials = makeTrials([
      {
        value: 1,
        params: { a: 0.1, n: 2, c: 'a', s: 1, only0: 1 },
        distributions: { a: A, n: N, c: C, s: floatDistribution(1, 1), only0: A },
      },
      {
        state: TrialState.PRUNED,
        params: { a: 0.2, n: 3, c: 'b', s: 1 },
        distributions: { a: A, n: N, c: C, s: floatDistribution(1, 1) },
      },
      {
        value: 2,
        params: { a: 0.3, n: 4, c: 'a', s: 1 },
        distributions: { a: floatDistribution(0, 2), n: N, c: C, s: floatDistribution(1, 1) },
      },
      { state: TrialState.FAIL, params: { n: 5 }, distributions: { n: N } },
    ]);
    const space = await new TPESampler({ multivariate: true }).inferRelativeSearchSpace(view(trials));
    expect(Object.keys(space)).toEqual(['c', 'n']); // `a` changed its range, `s` is single, `only0` is missing later
    expect(await new TPESampler({ multivariate: false }).inferRelativeSearchSpace(view(trials))).toEqual({});
    // Optuna 5.0's default is multivariate.
    expect(Object.keys(await new TPESampler().inferRelativeSearchSpace(view(trials)))).toEqual(['c', 'n']);
  });

  it('samples the joint space after startup and nothing before', async () => {
    const specs: TrialSpec[] = Array.from({ length: 12 }, (_, i) => ({
      value: (i % 5) / 5,
      params: { a: (i % 7) / 7, n: 1 + (i % 8), c: i % 2 === 0 ? 'a' : 'b' },
      distributions: { a: A, n: N, c: C },
    }));
    const trials = makeTrials(specs);
    const sampler = new TPESampler({ seed: 5, multivariate: true });
    const space = await sampler.inferRelativeSearchSpace(view(trials));
    const out = await sampler.sampleRelative(view(trials), next(12), space);
    expect(Object.keys(out).sort()).toEqual(['a', 'c', 'n']);
    expect(out['a']).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(out['n'])).toBe(true);
    expect(['a', 'b']).toContain(out['c']);
    expect(await sampler.sampleRelative(view(trials.slice(0, 9)), next(9), space)).toEqual({});
    expect(await sampler.sampleRelative(view(trials), next(12), {})).toEqual({});
  });

  it('parameters outside the intersection fall back to independent TPE in a study', async () => {
    const s = await createStudy({ sampler: new TPESampler({ seed: 6, multivariate: true }), pruner: new NopPruner() });
    await s.optimize(
      async (t) => {
        const x = await t.suggestFloat('x', 0, 1);
        const extra = t.number % 2 === 0 ? await t.suggestFloat('y', 0, 1) : 0;
        return (x - 0.5) ** 2 + extra;
      },
      { nTrials: 30 },
    );
    const trials = await s.getTrials();
    expect(trials.every((t) => t.state === TrialState.COMPLETE)).toBe(true);
    expect(trials.filter((t) => 'y' in t.params)).toHaveLength(15);
  });
});
