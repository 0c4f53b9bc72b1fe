/** What the Results view and the library say: durations, failure reasons, the objective's legend, counts. */
import { describe, expect, it } from 'vitest';
import {
  collectWarnings,
  createStudy,
  NopPruner,
  RandomSampler,
  TrialState,
  withFailReasons,
  type FrozenTrial,
} from '../../../src/engine/index.ts';
import { nrmse } from '../../../src/metrics/index.ts';
import { isCancelled, isCancelledReason } from '../../../src/state/run-support.ts';
import { formatDuration } from '../../../src/plots/format.ts';
import {
  formatWeight,
  hasDiagnostics,
  objectiveFormula,
  objectiveTerms,
  trialCounts,
  trialNote,
} from '../../../src/ui/results-text.ts';
import { NOTEBOOK_CONFIG, drawPrior } from '../../../src/sim/index.ts';
import { Rng } from '../../../src/shared/rng.ts';
import { stateFromRng } from '../../../src/shared/ziggurat.ts';

/** Real trials through the engine's optimize loop: each objective throws the given error, or returns 1. */
async function trialsFailingWith(errors: (Error | null)[]): Promise<FrozenTrial[]> {
  const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }), pruner: new NopPruner() });
  await collectWarnings(() =>
    study.optimize(
      (t) => {
        const e = errors[t.number];
        if (e) throw e;
        return 1;
      },
      { nTrials: errors.length, catch: () => true },
    ),
  );
  return withFailReasons(await study.getTrials(), await study.storage.getStudySystemAttrs(study.studyId));
}

describe('formatDuration', () => {
  it('tenths below a minute, minutes and seconds below an hour, hours and minutes above', () => {
    expect(formatDuration(5.08)).toBe('5.1 s');
    expect(formatDuration(0.004)).toBe('< 0.1 s');
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(59.94)).toBe('59.9 s');
    expect(formatDuration(59.96)).toBe('1 min'); // rounds up into the next unit, never "60.0 s"
    expect(formatDuration(123)).toBe('2 min 3 s');
    expect(formatDuration(123.4)).toBe('2 min 3 s');
    expect(formatDuration(3599.6)).toBe('1 h');
    expect(formatDuration(3600 + 5 * 60 + 20)).toBe('1 h 5 min');
  });
  it('a dash for what is not a duration', () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, -1]) expect(formatDuration(x)).toBe('–');
  });
});

describe('failure reasons', () => {
  it('a wasm crash is a failure with its text, not a cancellation', async () => {
    const trials = await trialsFailingWith([
      new Error('Aborted()'),
      new Error('RuntimeError: memory access out of bounds'),
      null,
    ]);
    expect(trials.map((t) => t.state)).toEqual([TrialState.FAIL, TrialState.FAIL, TrialState.COMPLETE]);
    expect(trials.map(isCancelled)).toEqual([false, false, false]);
    expect(trialNote(trials[0]!)).toEqual({ kind: 'failed', text: 'Failed: Aborted()' });
    expect(trialNote(trials[1]!)).toEqual({
      kind: 'failed',
      text: 'Failed: RuntimeError: memory access out of bounds',
    });
    expect(trialNote(trials[2]!)).toBeNull();
    expect(isCancelledReason('Aborted(OOM)')).toBe(false);
  });

  it('what the app writes on Cancel is a cancellation', async () => {
    const controller = new AbortController();
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }), pruner: new NopPruner() });
    await collectWarnings(() =>
      study.optimize(
        (t) => {
          // The same abort as StudyRun.cancel(), while the trial runs.
          controller.abort(new DOMException('Cancelled by the user', 'AbortError'));
          t.signal.throwIfAborted();
          return 1;
        },
        { nTrials: 1, signal: controller.signal },
      ),
    );
    const trials = withFailReasons(await study.getTrials(), await study.storage.getStudySystemAttrs(study.studyId));
    expect(trials[0]!.state).toBe(TrialState.FAIL);
    expect(trials[0]!.systemAttrs['fail_reason']).toBe('Aborted: Cancelled by the user');
    expect(isCancelled(trials[0]!)).toBe(true);
    expect(trialNote(trials[0]!)?.kind).toBe('cancelled');
  });

  it('a reload-interrupted trial and one without a reason are named as such', async () => {
    const [t] = await trialsFailingWith([new Error('x')]);
    const stale = { ...t!, systemAttrs: { fail_reason: 'stale: still RUNNING when the study was reopened' } };
    expect(trialNote(stale)?.kind).toBe('interrupted');
    expect(trialNote({ ...t!, systemAttrs: {} })).toEqual({ kind: 'failed', text: 'Failed (no reason was recorded).' });
  });

  it('diagnostics only for trials with a stored network, never for a FAIL trial', async () => {
    const trials = await trialsFailingWith([null, new Error('boom'), null]);
    const stored = new Set([0, 1]);
    expect(trials.map((t) => hasDiagnostics(t, stored))).toEqual([true, false, false]);
  });
});

describe('objective legend', () => {
  it("uses the study's weights, bound by name", () => {
    expect(objectiveFormula({ recovery: 1, pc: 0.5, sbc: 2 })).toBe(
      'L = 1 · mean NRMSE + 0.5 · mean (1 − contraction) + 2 · mean calibration error',
    );
    expect(objectiveFormula(null)).toBe(
      'L = w_recovery · mean NRMSE + w_pc · mean (1 − contraction) + w_sbc · mean calibration error',
    );
    expect(objectiveTerms({ recovery: 1, pc: 0, sbc: 1 }).map((t) => t.ignored)).toEqual([false, true, false]);
    expect(formatWeight(0.1 + 0.2)).toBe('0.3');
  });

  it('the NRMSE baseline it states: a posterior equal to the prior scores 0.3–0.4, not 1', () => {
    const st = stateFromRng(Rng.fromSeed(3));
    const P = NOTEBOOK_CONFIG.paramNames.length;
    for (const n of [20, 100]) {
      const S = 200;
      const truths = new Float64Array(n * P);
      const draws = new Float64Array(n * S * P);
      for (let i = 0; i < n; i++) drawPrior(NOTEBOOK_CONFIG, st, truths, i * P);
      for (let k = 0; k < n * S; k++) drawPrior(NOTEBOOK_CONFIG, st, draws, k * P);
      for (const v of nrmse(draws, truths, n, S, P)) {
        expect(v).toBeGreaterThan(0.22);
        expect(v).toBeLessThan(0.46);
      }
    }
  });
});

describe('trialCounts', () => {
  it('names every non-zero count', () => {
    expect(trialCounts({ complete: 3, pruned: 1, failed: 1 })).toBe('3 complete · 1 pruned · 1 failed');
    expect(trialCounts({ complete: 2, pruned: 0, failed: 0, running: 1 })).toBe('2 complete · 1 running');
    expect(trialCounts({ complete: 0, pruned: 0, failed: 0 })).toBe('none finished');
  });
});
