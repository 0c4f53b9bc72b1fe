import { describe, expect, it } from 'vitest';
import {
  collectWarnings,
  createStudy,
  failReasonOf,
  NopPruner,
  RandomSampler,
  TrialPruned,
  TrialState,
  type FrozenTrial,
  type Study,
} from '../../../../src/engine/index.ts';

/** A FAIL trial's reason, from the study's records where the engine keeps it. */
const reasonOf = async (
  study: { storage: { getStudySystemAttrs(id: number): Promise<Record<string, unknown>> }; studyId: number },
  t: FrozenTrial,
): Promise<string | undefined> => failReasonOf(t, await study.storage.getStudySystemAttrs(study.studyId));

const newStudy = (): Promise<Study> =>
  createStudy({ sampler: new RandomSampler({ seed: 5 }), pruner: new NopPruner() });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('optimize', () => {
  it('runs nTrials sync or async objectives and calls callbacks after each trial', async () => {
    const study = await newStudy();
    const seen: number[] = [];
    await study.optimize(
      async (t) => {
        const x = await t.suggestFloat('x', -2, 2);
        return x * x;
      },
      { nTrials: 3, callbacks: [(_s, t) => void seen.push(t.number), async () => sleep(0)] },
    );
    await study.optimize((t) => t.number, { nTrials: 2 });
    const trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual(new Array(5).fill(TrialState.COMPLETE));
    expect(seen).toEqual([0, 1, 2]);
    expect(trials[4]?.values).toEqual([4]);
  });

  it('NaN and non-numbers → FAIL with a warning and no exception; ±Infinity → COMPLETE', async () => {
    const study = await newStudy();
    const values: unknown[] = [NaN, 'abc', Infinity, -Infinity, undefined];
    const { warnings } = await collectWarnings(() =>
      study.optimize((t) => values[t.number] as number, { nTrials: values.length }),
    );
    const trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual([
      TrialState.FAIL,
      TrialState.FAIL,
      TrialState.COMPLETE,
      TrialState.COMPLETE,
      TrialState.FAIL,
    ]);
    expect(await reasonOf(study, trials[0]!)).toBe('The value nan is not acceptable.');
    expect(await reasonOf(study, trials[1]!)).toBe("The value 'abc' could not be cast to float.");
    expect(await reasonOf(study, trials[4]!)).toBe('The value None could not be cast to float.');
    expect(trials[2]?.values).toEqual([Infinity]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toBe(
      'Trial 0 failed with parameters: {} because of the following error: The value nan is not acceptable..',
    );
  });

  it('a thrown error fails the trial, stores its message and is re-thrown unless caught', async () => {
    const study = await newStudy();
    const boom = new RangeError('out of memory');
    await expect(
      collectWarnings(() =>
        study.optimize(
          async (t) => {
            await t.suggestFloat('x', 0, 1);
            throw boom;
          },
          { nTrials: 3 },
        ),
      ),
    ).rejects.toBe(boom);
    let trials = await study.getTrials();
    expect(trials).toHaveLength(1);
    expect(trials[0]?.state).toBe(TrialState.FAIL);
    expect(await reasonOf(study, trials[0]!)).toBe('out of memory');

    await collectWarnings(() =>
      study.optimize(
        (t) => {
          if (t.number % 2 === 1) throw new RangeError('odd');
          return 1;
        },
        { nTrials: 4, catch: (e) => e instanceof RangeError },
      ),
    );
    trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual([
      TrialState.FAIL,
      TrialState.FAIL,
      TrialState.COMPLETE,
      TrialState.FAIL,
      TrialState.COMPLETE,
    ]);
  });

  it('TrialPruned → PRUNED with the last intermediate value', async () => {
    const study = await newStudy();
    await study.optimize(
      async (t) => {
        await t.report(0.9, 0);
        await t.report(0.7, 1);
        throw new TrialPruned();
      },
      { nTrials: 1 },
    );
    const [t] = await study.getTrials();
    expect(t?.state).toBe(TrialState.PRUNED);
    expect(t?.values).toEqual([0.7]);
  });

  it('timeout is checked before each trial; a running trial is never interrupted', async () => {
    const study = await newStudy();
    const started = performance.now();
    await study.optimize(
      async () => {
        await sleep(40);
        return 1;
      },
      { timeout: 0.1 },
    );
    const trials = await study.getTrials();
    // Trials start at ≈0, 40, 80 ms (< 100 ms) and each runs to completion.
    expect(trials.length).toBeGreaterThanOrEqual(2);
    expect(trials.length).toBeLessThanOrEqual(4);
    expect(trials.every((t) => t.state === TrialState.COMPLETE)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    await study.optimize(() => 1, { timeout: 0 });
    expect(await study.getTrials()).toHaveLength(trials.length);
  });

  it('stop() ends the loop after the current trial (from the objective or a callback)', async () => {
    const study = await newStudy();
    await study.optimize(
      (t) => {
        if (t.number === 2) study.stop();
        return 0;
      },
      { nTrials: 10 },
    );
    expect(await study.getTrials()).toHaveLength(3);
    await study.optimize(() => 0, { nTrials: 10, callbacks: [(s) => s.stop()] });
    expect(await study.getTrials()).toHaveLength(4);
  });

  it('AbortSignal: the objective sees it; the aborted trial ends FAIL and the loop stops without throwing', async () => {
    const study = await newStudy();
    const controller = new AbortController();
    const seen: FrozenTrial[] = [];
    await collectWarnings(() =>
      study.optimize(
        async (t) => {
          if (t.number === 1) {
            setTimeout(() => controller.abort(new Error('user cancelled')), 5);
            await new Promise<void>((resolve, reject) => {
              t.signal.addEventListener('abort', () => reject(t.signal.reason as Error), { once: true });
              setTimeout(resolve, 5000);
            });
          }
          return 1;
        },
        { nTrials: 5, signal: controller.signal, callbacks: [(_s, t) => void seen.push(t)] },
      ),
    );
    const trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.FAIL]);
    expect(await reasonOf(study, trials[1]!)).toBe('Aborted: user cancelled');
    expect(seen).toHaveLength(2);
  });

  it('AbortSignal: a value returned after the abort is discarded; TrialPruned still prunes; pre-aborted runs nothing', async () => {
    const study = await newStudy();
    const c1 = new AbortController();
    await collectWarnings(() =>
      study.optimize(
        () => {
          c1.abort();
          return 0.5;
        },
        { nTrials: 3, signal: c1.signal },
      ),
    );
    const c2 = new AbortController();
    await study.optimize(
      async (t) => {
        await t.report(2, 0);
        c2.abort();
        throw new TrialPruned();
      },
      { nTrials: 3, signal: c2.signal },
    );
    await study.optimize(() => 1, { nTrials: 3, signal: c2.signal });
    const trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual([TrialState.FAIL, TrialState.PRUNED]);
    expect(trials[0]?.values).toBeNull();
    expect(trials[1]?.values).toEqual([2]);
  });

  it('rejects nested optimize and bad arguments', async () => {
    const study = await newStudy();
    await expect(study.optimize(() => 1, { nTrials: -1 })).rejects.toThrow(
      'nTrials must be a non-negative integer, but got -1.',
    );
    await expect(
      collectWarnings(() =>
        study.optimize(
          async () => {
            await study.optimize(() => 1, { nTrials: 1 });
            return 1;
          },
          { nTrials: 1 },
        ),
      ),
    ).rejects.toThrow('Nested optimization is not supported.');
  });
});
