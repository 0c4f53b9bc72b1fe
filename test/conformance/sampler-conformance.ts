/**
 * Sampler conformance suite (after optuna/testing/pytest_samplers.py and
 * tests/samplers_tests/test_samplers.py): every Sampler implementation must pass it. Bind it with
 * `samplerConformance('Name', (seed) => new MySampler({ seed }))` inside a test file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contains,
  createStudy,
  InMemoryStorage,
  loadStudy,
  NopPruner,
  setWarningHandler,
  toInternalRepr,
  TrialPruned,
  TrialState,
  type Distribution,
  type FrozenTrial,
  type Sampler,
  type Study,
  type Trial,
} from '../../src/engine/index.ts';

export type SamplerFactory = (seed: number) => Sampler;

/** One of each kind, with awkward grids. */
const SPACE: Record<string, (t: Trial) => Promise<number | string | boolean | null>> = {
  f: (t) => t.suggestFloat('f', -3.5, 7.25),
  flog: (t) => t.suggestFloat('flog', 1e-6, 10, { log: true }),
  fstep: (t) => t.suggestFloat('fstep', 0, 1, { step: 0.3 }), // high becomes 0.9
  i: (t) => t.suggestInt('i', -5, 5),
  istep: (t) => t.suggestInt('istep', 1, 20, { step: 3 }), // high becomes 19
  ilog: (t) => t.suggestInt('ilog', 1, 1000, { log: true }),
  c: (t) => t.suggestCategorical('c', ['adam', 'sgd', null, 4, true]),
};

/** A smooth objective of all parameters, so that model-based samplers leave their startup phase with a signal. */
async function objectiveAll(t: Trial): Promise<number> {
  const v = await Promise.all(Object.values(SPACE).map((s) => s(t)));
  const [f, flog, fstep, i, istep, ilog, c] = v as [number, number, number, number, number, number, unknown];
  return (
    (f - 1) ** 2 +
    Math.log10(flog) ** 2 +
    (fstep - 0.6) ** 2 +
    i * i +
    istep / 10 +
    Math.log(ilog) +
    (c === 'sgd' ? 0 : 1)
  );
}

function expectValid(trials: readonly FrozenTrial[]): void {
  for (const t of trials) {
    for (const [name, d] of Object.entries(t.distributions)) {
      const v = t.params[name];
      const internal = toInternalRepr(d as Distribution, v);
      if (!contains(d as Distribution, internal))
        throw new Error(`trial ${t.number}: ${name}=${String(v)} outside ${JSON.stringify(d)}`);
      if (d.type === 'int') expect(Number.isInteger(v)).toBe(true);
      if (d.type === 'float' && d.step !== null) {
        const k = ((v as number) - d.low) / d.step;
        expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-8);
      }
    }
  }
}

async function run(
  factory: SamplerFactory,
  seed: number,
  n: number,
  objective: (t: Trial) => Promise<number>,
  study?: Study,
): Promise<Study> {
  const s = study ?? (await createStudy({ sampler: factory(seed), pruner: new NopPruner() }));
  await s.optimize(objective, { nTrials: n, catch: () => true });
  return s;
}

const paramsOf = (trials: readonly FrozenTrial[]): unknown[] => trials.map((t) => t.params);

export function samplerConformance(name: string, factory: SamplerFactory): void {
  describe(`sampler conformance: ${name}`, () => {
    // The awkward grids warn on every suggest; these tests are not about warnings.
    let restore: ReturnType<typeof setWarningHandler> | null = null;
    beforeAll(() => {
      restore = setWarningHandler(() => undefined);
    });
    afterAll(() => {
      if (restore !== null) setWarningHandler(restore);
    });

    it('100 draws of every kind lie inside their bounds and on their grids', async () => {
      const study = await run(factory, 1, 100, objectiveAll);
      const trials = await study.getTrials();
      expect(trials.filter((t) => t.state === TrialState.COMPLETE)).toHaveLength(100);
      expectValid(trials);
      const last = trials.at(-1) as FrozenTrial;
      expect(last.distributions['fstep']).toMatchObject({ high: 0.9 });
      expect(new Set(trials.map((t) => t.params['c']))).not.toEqual(new Set([trials[0]?.params['c']]));
    });

    it('same seed → same sequence; another seed → another sequence', async () => {
      const a = await (await run(factory, 7, 25, objectiveAll)).getTrials();
      const b = await (await run(factory, 7, 25, objectiveAll)).getTrials();
      const c = await (await run(factory, 8, 25, objectiveAll)).getTrials();
      expect(paramsOf(a)).toEqual(paramsOf(b));
      expect(paramsOf(a)).not.toEqual(paramsOf(c));
    });

    it('a fresh sampler on the reloaded study proposes exactly what the original would have', async () => {
      const straight = await (await run(factory, 11, 30, objectiveAll)).getTrials();
      const storage = new InMemoryStorage();
      const first = await createStudy({ storage, studyName: 'reload', sampler: factory(11), pruner: new NopPruner() });
      await run(factory, 11, 18, objectiveAll, first);
      const reloaded = await loadStudy({ storage, studyName: 'reload', sampler: factory(11), pruner: new NopPruner() });
      await run(factory, 11, 12, objectiveAll, reloaded);
      expect(paramsOf(await reloaded.getTrials())).toEqual(paramsOf(straight));
    });

    it('works on histories with PRUNED, FAIL and RUNNING trials', async () => {
      const study = await createStudy({ sampler: factory(3), pruner: new NopPruner() });
      await study.ask(); // left RUNNING
      await run(
        factory,
        3,
        60,
        async (t) => {
          const v = await objectiveAll(t);
          if (t.number % 5 === 1) {
            await t.report(v, 0);
            throw new TrialPruned();
          }
          if (t.number % 7 === 2) throw new Error('failed on purpose');
          if (t.number % 11 === 3) return NaN;
          if (t.number % 13 === 4) {
            await t.report(NaN, 2);
            throw new TrialPruned();
          }
          return v;
        },
        study,
      );
      const trials = await study.getTrials();
      expect(new Set(trials.map((t) => t.state))).toEqual(
        new Set([TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL]),
      );
      expectValid(trials);
    });

    it('single-valued distributions return their only value', async () => {
      const study = await run(factory, 4, 15, async (t) => {
        expect(await t.suggestFloat('a', 0.5, 0.5)).toBe(0.5);
        expect(await t.suggestInt('b', 2, 3, { step: 4 })).toBe(2);
        expect(await t.suggestFloat('c', 1, 1.05, { step: 0.1 })).toBe(1);
        expect(await t.suggestCategorical('d', ['only'])).toBe('only');
        return t.suggestFloat('x', 0, 1);
      });
      expect((await study.getTrials()).every((t) => t.state === TrialState.COMPLETE)).toBe(true);
    });

    it('dynamic search spaces: conditional parameters and ranges that change between trials', async () => {
      const study = await run(factory, 5, 60, async (t) => {
        const kind = await t.suggestCategorical('kind', ['lin', 'quad', 'none']);
        const hi = 1 + (t.number % 4);
        const y = await t.suggestFloat('y', -hi, hi); // range varies per trial
        if (kind === 'lin') return Math.abs((await t.suggestFloat('a', 0, 2)) + y);
        if (kind === 'quad') return (await t.suggestInt('b', 1, 6 + (t.number % 3), { log: true })) ** 2 + y * y;
        return 10 + y;
      });
      const trials = await study.getTrials();
      expect(trials.filter((t) => t.state === TrialState.COMPLETE)).toHaveLength(60);
      expectValid(trials);
      for (const t of trials) {
        if (t.params['kind'] === 'lin') expect(Object.keys(t.params).sort()).toEqual(['a', 'kind', 'y']);
        if (t.params['kind'] === 'quad') expect(Object.keys(t.params).sort()).toEqual(['b', 'kind', 'y']);
      }
    });

    it('maximization studies work and values stay valid', async () => {
      const study = await createStudy({ sampler: factory(6), direction: 'maximize', pruner: new NopPruner() });
      await run(factory, 6, 30, async (t) => -(await objectiveAll(t)), study);
      expectValid(await study.getTrials());
    });
  });
}
