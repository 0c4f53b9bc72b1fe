import { describe, expect, it } from 'vitest';
import {
  categoricalDistribution,
  collectWarnings,
  createStudy,
  EngineError,
  failReasonOf,
  type FrozenTrial,
  floatDistribution,
  InMemoryStorage,
  popWaitingTrial,
  type Storage,
  intDistribution,
  loadStudy,
  MedianPruner,
  NopPruner,
  RandomSampler,
  TPESampler,
  TrialState,
  type Study,
} from '../../../../src/engine/index.ts';
import { JournalStorage, MemoryJournalBackend } from '../../../../src/engine/storages/journal/index.ts';

/** A FAIL trial's reason, from the study's records where the engine keeps it. */
const reasonOf = async (
  study: { storage: { getStudySystemAttrs(id: number): Promise<Record<string, unknown>> }; studyId: number },
  t: FrozenTrial,
): Promise<string | undefined> => failReasonOf(t, await study.storage.getStudySystemAttrs(study.studyId));

const newStudy = (
  direction: 'minimize' | 'maximize' = 'minimize',
  storage: Storage = new InMemoryStorage(),
): Promise<Study> =>
  createStudy({ sampler: new RandomSampler({ seed: 1 }), pruner: new NopPruner(), direction, storage });

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

describe('createStudy / loadStudy', () => {
  it('defaults: minimize, TPE, median pruner, generated name; duplicate names need loadIfExists', async () => {
    const storage = new InMemoryStorage();
    const s = await createStudy({ storage });
    expect(s.direction).toBe('minimize');
    expect(s.sampler).toBeInstanceOf(TPESampler);
    expect(s.pruner).toBeInstanceOf(MedianPruner);
    expect(s.studyName).toMatch(/^no-name-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await createStudy({ storage, studyName: 'demo', direction: 'maximize' });
    expect((await rejection(createStudy({ storage, studyName: 'demo' }))).code).toBe('duplicate');
    const again = await createStudy({ storage, studyName: 'demo', loadIfExists: true });
    expect(again.direction).toBe('maximize');
    const loaded = await loadStudy({ storage, studyName: 'demo' });
    expect(loaded.studyId).toBe(again.studyId);
    expect((await rejection(loadStudy({ storage, studyName: 'nope' }))).code).toBe('not-found');
    expect((await rejection(createStudy({ direction: 'up' as never }))).message).toBe(
      "Please set either 'minimize' or 'maximize' to direction. You specified 'up'.",
    );
  });
});

describe('ask / tell', () => {
  it('ask creates RUNNING trials numbered 0, 1, …', async () => {
    const study = await newStudy();
    const a = await study.ask();
    const b = await study.ask();
    expect([a.number, b.number]).toEqual([0, 1]);
    expect((await study.getTrials()).map((t) => t.state)).toEqual([TrialState.RUNNING, TrialState.RUNNING]);
  });

  it('ask(fixedDistributions) suggests them at once', async () => {
    const study = await newStudy();
    const t = await study.ask({ x: floatDistribution(0, 1), c: categoricalDistribution(['a']) });
    expect(Object.keys(t.params).sort()).toEqual(['c', 'x']);
    expect(t.params['c']).toBe('a');
  });

  it('tell rules: COMPLETE needs a value, PRUNED/FAIL take none, RUNNING/WAITING are refused', async () => {
    const study = await newStudy();
    const t = await study.ask();
    expect((await rejection(study.tell(t, undefined, TrialState.COMPLETE))).message).toBe(
      'No values were told. Values are required when state is TrialState.COMPLETE.',
    );
    expect((await rejection(study.tell(t, 1, TrialState.PRUNED))).message).toBe(
      'Values were told. Values cannot be specified when state is TrialState.PRUNED or TrialState.FAIL.',
    );
    expect((await rejection(study.tell(t, 1, TrialState.FAIL))).message).toContain('Values were told.');
    expect((await rejection(study.tell(t, null, TrialState.WAITING))).message).toBe(
      'Cannot tell with state TrialState.WAITING.',
    );
    expect((await rejection(study.tell(t, NaN, TrialState.COMPLETE))).message).toBe('The value nan is not acceptable.');
    const done = await study.tell(t.number, 0.5);
    expect(done.state).toBe(TrialState.COMPLETE);
    expect(done.values).toEqual([0.5]);
    expect(done.datetimeComplete).not.toBeNull();
  });

  it('telling a finished trial throws unless skipIfFinished; unknown numbers throw', async () => {
    const study = await newStudy();
    const t = await study.ask();
    await study.tell(t, 1);
    const e = await rejection(study.tell(t, 2));
    expect(e.message).toBe('Cannot tell a COMPLETE trial.');
    const same = await study.tell(t, 2, undefined, { skipIfFinished: true });
    expect(same.values).toEqual([1]);
    expect((await rejection(study.tell(7, 1))).message).toBe(
      'Cannot tell for trial with number 7 since it has not been created.',
    );
  });

  it('state omitted: a number completes (±Infinity too), NaN or no value fails with a warning', async () => {
    const study = await newStudy();
    const inf = await study.tell(await study.ask(), Infinity);
    expect(inf.state).toBe(TrialState.COMPLETE);
    expect(inf.values).toEqual([Infinity]);
    expect((await study.tell(await study.ask(), -Infinity)).values).toEqual([-Infinity]);
    const { result, warnings } = await collectWarnings(async () => study.tell(await study.ask(), NaN));
    expect(result.state).toBe(TrialState.FAIL);
    expect(result.values).toBeNull();
    expect(await reasonOf(study, result!)).toBe('The value nan is not acceptable.');
    expect(warnings).toEqual(['The value nan is not acceptable.']);
    const none = await collectWarnings(async () => study.tell(await study.ask()));
    expect(none.result.state).toBe(TrialState.FAIL);
    expect(none.warnings).toEqual(['The value None could not be cast to float.']);
  });

  it('PRUNED keeps the last intermediate value unless it is NaN', async () => {
    const study = await newStudy();
    const a = await study.ask();
    await a.report(3, 0);
    await a.report(2, 5);
    await a.report(1, 4);
    expect((await study.tell(a, null, TrialState.PRUNED)).values).toEqual([2]);
    const b = await study.ask();
    await b.report(1, 0);
    await b.report(NaN, 1);
    expect((await study.tell(b, null, TrialState.PRUNED)).values).toBeNull();
    expect((await study.tell(await study.ask(), null, TrialState.PRUNED)).values).toBeNull();
  });

  it('the sampler sees every told trial (afterTrial) before its state is written', async () => {
    const seen: [number, TrialState, readonly number[] | null][] = [];
    const base = new RandomSampler({ seed: 2 });
    const sampler = Object.assign(Object.create(base) as RandomSampler, {
      afterTrial: async (
        _s: unknown,
        t: { number: number; state: TrialState },
        state: TrialState,
        values: readonly number[] | null,
      ) => {
        expect(t.state).toBe(TrialState.RUNNING);
        seen.push([t.number, state, values]);
      },
    });
    const study = await createStudy({ sampler });
    await study.tell(await study.ask(), 4);
    await study.tell(await study.ask(), null, TrialState.FAIL);
    expect(seen).toEqual([
      [0, TrialState.COMPLETE, [4]],
      [1, TrialState.FAIL, null],
    ]);
  });
});

describe('enqueueTrial', () => {
  it('ask pops the oldest WAITING trial and its suggests return the fixed values', async () => {
    const study = await newStudy();
    await study.enqueueTrial({ x: 0.25, n: 3, c: 'sgd' }, { source: 'manual' });
    await study.enqueueTrial({ x: 0.75 });
    const waiting = await study.getTrials([TrialState.WAITING]);
    expect(waiting).toHaveLength(2);
    expect(waiting[0]?.systemAttrs['fixed_params']).toEqual({ x: 0.25, n: 3, c: 'sgd' });
    expect(waiting[0]?.datetimeStart).toBeNull();
    const t = await study.ask();
    expect(t.number).toBe(0);
    expect(t.userAttrs).toEqual({ source: 'manual' });
    expect(await t.suggestFloat('x', 0, 1)).toBe(0.25);
    expect(await t.suggestInt('n', 1, 8)).toBe(3);
    expect(await t.suggestCategorical('c', ['adam', 'sgd'])).toBe('sgd');
    const y = await t.suggestFloat('y', 0, 1); // not fixed: sampled
    expect(y).toBeGreaterThanOrEqual(0);
    expect((await study.storage.getTrial(t.trialId)).datetimeStart).not.toBeNull();
    expect((await study.ask()).number).toBe(1);
    expect((await study.ask()).number).toBe(2); // queue empty: a new trial
  });

  it('out-of-range fixed values only warn; invalid ones throw when suggested', async () => {
    const study = await newStudy();
    await study.enqueueTrial({ x: 5, c: 'rmsprop' });
    const t = await study.ask();
    const { result, warnings } = await collectWarnings(() => t.suggestFloat('x', 0, 1));
    expect(result).toBe(5);
    expect(warnings).toEqual([
      "Fixed parameter 'x' with value 5 is out of range for distribution FloatDistribution(high=1.0, log=False, low=0.0, step=None).",
    ]);
    expect((await rejection(t.suggestCategorical('c', ['adam', 'sgd']))).message).toBe(
      "'rmsprop' not in ('adam', 'sgd').",
    );
  });

  it('skipIfExists skips parameters already enqueued or sampled', async () => {
    const study = await newStudy();
    await study.enqueueTrial({ x: 0.5 });
    await study.enqueueTrial({ x: 0.5 }, {}, { skipIfExists: true });
    await study.enqueueTrial({ x: 0.500001 }, {}, { skipIfExists: true }); // np.isclose, rtol 1e-5
    await study.enqueueTrial({ x: 0.6 }, {}, { skipIfExists: true });
    expect(await study.getTrials()).toHaveLength(2);
  });

  it('two asks racing for one WAITING trial: the storage lets only one pop it', async () => {
    const storage = new InMemoryStorage();
    const s1 = await newStudy('minimize', storage);
    const s2 = await loadStudy({ storage, studyName: s1.studyName, sampler: new RandomSampler({ seed: 9 }) });
    await s1.enqueueTrial({ x: 0.1 });
    const [a, b] = await Promise.all([s1.ask(), s2.ask()]);
    expect(new Set([a.number, b.number])).toEqual(new Set([0, 1]));
  });

  // Another worker pops AND finishes a trial between our listing and our pop; the storage then
  // refuses with 'trial-finished' (as Optuna's do), which must not fail this worker's ask.
  const memory = new InMemoryStorage();
  const journal = new MemoryJournalBackend();
  const storages: [string, () => { mine: Storage; theirs: Storage }][] = [
    ['in-memory', () => ({ mine: memory, theirs: memory })],
    ['journal (two workers)', () => ({ mine: new JournalStorage(journal), theirs: new JournalStorage(journal) })],
  ];
  it.each(storages)('%s: ask skips a WAITING trial another worker popped and finished meanwhile', async (_, make) => {
    const { mine, theirs } = make();
    const study = await newStudy('minimize', mine);
    await study.enqueueTrial({ x: 0.1 });
    await study.enqueueTrial({ x: 0.2 });
    const stale: Storage = Object.create(mine) as Storage;
    stale.getAllTrials = async (id, states) => {
      const listed = await mine.getAllTrials(id, states);
      const first = listed[0]!.trialId;
      expect(await theirs.setTrialStateValues(first, TrialState.RUNNING)).toBe(true);
      await theirs.setTrialStateValues(first, TrialState.COMPLETE, [1]);
      return listed;
    };
    expect(await popWaitingTrial(stale, study.studyId)).toBe((await study.getTrials())[1]!.trialId);
    const t = await study.ask();
    expect(t.number).toBe(2); // the queue is empty now: a fresh trial
    expect(await popWaitingTrial(mine, study.studyId)).toBeNull();
  });

  it('a pop still surfaces errors that are not a lost race', async () => {
    const storage = new InMemoryStorage();
    await expect(popWaitingTrial(storage, 42)).rejects.toThrow();
  });
});

describe('bestTrial', () => {
  it('lowest (highest) COMPLETE value, ties → lowest number, ignoring other states', async () => {
    const study = await newStudy();
    await expect(study.bestTrial()).rejects.toThrow('No trials are completed yet.');
    for (const v of [3, 1, 2, 1]) await study.tell(await study.ask(), v);
    const pruned = await study.ask();
    await pruned.report(-10, 0);
    await study.tell(pruned, null, TrialState.PRUNED);
    expect((await study.bestTrial()).number).toBe(1);
    expect(await study.bestValue()).toBe(1);
    const max = await newStudy('maximize');
    for (const v of [3, 7, 7, -Infinity]) await max.tell(await max.ask(), v);
    expect((await max.bestTrial()).number).toBe(1);
  });

  it('an infeasible best trial gives way to the best feasible one', async () => {
    const study = await newStudy();
    const a = await study.ask();
    await a.setSystemAttr('constraints', [1.5]);
    await study.tell(a, 0);
    const b = await study.ask();
    await b.setSystemAttr('constraints', [-1, 0]);
    await study.tell(b, 5);
    expect((await study.bestTrial()).number).toBe(1);
  });

  it('study user attributes', async () => {
    const study = await newStudy();
    await study.setUserAttr('owner', 'ts-app');
    await study.setUserAttr('owner', 'me');
    expect(await study.getUserAttrs()).toEqual({ owner: 'me' });
  });

  it('stop() outside optimize is an error', async () => {
    const study = await newStudy();
    expect(() => study.stop()).toThrow(
      '`Study.stop` is supposed to be invoked inside an objective function or a callback.',
    );
  });

  it('dynamic ranges across trials are allowed; int and categorical params keep their kinds', async () => {
    const study = await newStudy();
    const t0 = await study.ask({ n: intDistribution(1, 4) });
    await study.tell(t0, 1);
    const t1 = await study.ask({ n: intDistribution(2, 16, { step: 2 }) });
    expect(Number(t1.params['n']) % 2).toBe(0);
  });
});
