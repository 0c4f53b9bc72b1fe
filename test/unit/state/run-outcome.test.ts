/**
 * The run's pure bookkeeping: the end-of-study summary, which interrupted trials are re-run and how
 * the trial budget counts them, and the ETA through training and diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { TrialState, type FrozenTrial, type JsonValue } from '../../../src/engine/index.ts';
import { budgetUsed, endSummary, MAX_RETRIES, retriesToEnqueue } from '../../../src/state/run-outcome.ts';
import { etaSeconds, type CurrentTrialTiming } from '../../../src/state/run-support.ts';

function trial(
  number: number,
  state: TrialState,
  systemAttrs: Record<string, JsonValue> = {},
  params: Record<string, number> = { lr: 0.001 * (number + 1) },
): FrozenTrial {
  return {
    number,
    trialId: number,
    state,
    values: state === TrialState.COMPLETE ? [1] : null,
    datetimeStart: null,
    datetimeComplete: null,
    params,
    distributions: {},
    userAttrs: { seed: 100 + number },
    systemAttrs,
    intermediateValues: new Map(),
  } as unknown as FrozenTrial;
}
const STALE = { fail_reason: 'stale: still RUNNING when the study was reopened (its tab closed or crashed)' };

/** Diagnostics as a completed trial keeps them (`metrics`), with one contraction for every parameter. */
function metrics(contraction: Record<string, number>): JsonValue {
  const names = Object.keys(contraction);
  return {
    NRMSE: Object.fromEntries(names.map((n) => [n, contraction[n]! >= 0.5 ? 0.15 : 0.27])),
    'Posterior Contraction': contraction,
    'Calibration Error': Object.fromEntries(names.map((n) => [n, 0.03])),
  };
}

function scored(number: number, value: number, contraction: Record<string, number>): FrozenTrial {
  const t = trial(number, TrialState.COMPLETE);
  return { ...t, values: [value], userAttrs: { ...t.userAttrs, metrics: metrics(contraction) } } as FrozenTrial;
}

describe('endSummary: whether the best trial learned', () => {
  it('a study whose best trial has not learned is not a green success (the demo seen in issue 18)', () => {
    const s = endSummary([
      scored(0, 1.3, { A: 0, b: 0, mu_r: 0 }),
      scored(1, 1.22, { A: 0.01, b: 0.045, mu_r: 0.03 }),
      trial(2, TrialState.PRUNED),
    ]);
    expect(s.kind).toBe('warn');
    expect(s.best).toMatchObject({ number: 1, verdict: { kind: 'none' } });
    expect(s.text).toBe(
      'Finished: 2 complete, 1 pruned — the best trial (#1) has not learned: posteriors about as wide as the prior (contraction ≤ 0.05).',
    );
  });

  it('names what the best trial learned and stays a success', () => {
    const s = endSummary([scored(0, 1.3, { A: 0, b: 0.1, mu_r: 0 }), scored(1, 0.9, { A: 0.1, b: 0.62, mu_r: 0.55 })]);
    expect(s.kind).toBe('ok');
    expect(s.text).toBe('Finished: 2 complete — the best trial (#1) learned b 0.62, mu_r 0.55 (contraction); not A.');
  });
});

describe('endSummary', () => {
  it('all complete (pruned ones are fine): a success', () => {
    const s = endSummary([trial(0, TrialState.COMPLETE), trial(1, TrialState.PRUNED), trial(2, TrialState.COMPLETE)]);
    expect(s.kind).toBe('ok');
    expect(s.text).toBe('Finished: 2 complete, 1 pruned.');
  });

  it('failures make a warning that quotes the first error', () => {
    const s = endSummary([
      trial(0, TrialState.FAIL, { fail_reason: 'Aborted(). Build with -sASSERTIONS for more info.' }),
      trial(1, TrialState.COMPLETE),
      trial(2, TrialState.FAIL, { fail_reason: 'memory access out of bounds' }),
      trial(3, TrialState.FAIL, { fail_reason: 'memory access out of bounds' }),
      trial(4, TrialState.FAIL, { fail_reason: 'memory access out of bounds' }),
    ]);
    expect(s.kind).toBe('warn');
    expect(s.text).toBe(
      'Finished: 1 complete, 4 failed — first error: Aborted(). Build with -sASSERTIONS for more info.',
    );
    expect(s.failed).toBe(4);
  });

  it('no complete trial is an error, even when nothing failed', () => {
    expect(endSummary([trial(0, TrialState.FAIL, { fail_reason: 'boom' })])).toMatchObject({
      kind: 'error',
      text: 'Finished without a complete trial: 0 complete, 1 failed — first error: boom',
    });
    expect(endSummary([trial(0, TrialState.PRUNED)]).kind).toBe('error');
  });

  it('an interrupted trial that was re-run is no failure; a cancelled one is counted apart', () => {
    const s = endSummary([
      trial(0, TrialState.FAIL, STALE),
      trial(1, TrialState.COMPLETE, { failed_trial: 0, retry_history: [0] }),
      trial(2, TrialState.FAIL, { fail_reason: 'Aborted: Cancelled by the user' }),
    ]);
    expect(s).toMatchObject({ kind: 'ok', text: 'Finished: 1 complete, 1 cancelled.', failed: 0, cancelled: 1 });
  });

  it('long reasons are shortened', () => {
    const s = endSummary([trial(0, TrialState.COMPLETE), trial(1, TrialState.FAIL, { fail_reason: 'x'.repeat(1000) })]);
    expect(s.firstError!.length).toBe(240);
    expect(s.firstError!.endsWith('…')).toBe(true);
  });
});

describe('retries of interrupted trials', () => {
  it('enqueues the interrupted trial’s params and attributes with failed_trial and retry_history, once', () => {
    const trials = [
      trial(0, TrialState.COMPLETE),
      trial(1, TrialState.FAIL, STALE, { lr: 0.5, dropout: 0.1 }),
      trial(2, TrialState.FAIL, { fail_reason: 'diverged' }),
    ];
    const r = retriesToEnqueue(trials);
    expect(r).toEqual([
      {
        of: 1,
        params: { lr: 0.5, dropout: 0.1 },
        userAttrs: { seed: 101 },
        systemAttrs: { fixed_params: { lr: 0.5, dropout: 0.1 }, failed_trial: 1, retry_history: [1] },
      },
    ]);
    // Once the retry exists (queued or run), nothing more is enqueued for it.
    const queued = trial(3, TrialState.WAITING, r[0]!.systemAttrs as unknown as Record<string, JsonValue>);
    expect(retriesToEnqueue([...trials, queued])).toEqual([]);
  });

  it('a retry interrupted again keeps the original failed_trial and extends the history, up to MAX_RETRIES', () => {
    const again = trial(3, TrialState.FAIL, { ...STALE, failed_trial: 1, retry_history: [1] });
    const r = retriesToEnqueue([trial(1, TrialState.FAIL, STALE), again]);
    expect(r.map((x) => x.systemAttrs)).toEqual([
      { fixed_params: again.params, failed_trial: 1, retry_history: [1, 3] },
    ]);
    const last = trial(5, TrialState.FAIL, { ...STALE, failed_trial: 1, retry_history: [1, 3] });
    expect(MAX_RETRIES).toBe(2);
    expect(retriesToEnqueue([last])).toEqual([]);
  });

  it('the budget counts finished trials except an interrupted one that a retry replaces', () => {
    const trials = [
      trial(0, TrialState.COMPLETE),
      trial(1, TrialState.FAIL, STALE),
      trial(2, TrialState.WAITING, { failed_trial: 1, retry_history: [1] }),
      trial(3, TrialState.FAIL, { fail_reason: 'diverged' }),
      trial(4, TrialState.PRUNED),
      trial(5, TrialState.RUNNING),
    ];
    expect(budgetUsed(trials)).toBe(3); // 0, 3, 4
    trials[2] = trial(2, TrialState.COMPLETE, { failed_trial: 1, retry_history: [1] });
    expect(budgetUsed(trials)).toBe(4);
    // An interruption with no retry (limit reached) is a failure like any other.
    expect(budgetUsed([trial(0, TrialState.FAIL, STALE)])).toBe(1);
  });
});

describe('etaSeconds', () => {
  const cur = (c: Partial<CurrentTrialTiming>): CurrentTrialTiming => ({
    elapsed: 0,
    epochs: 2,
    epochsDone: 0,
    diagnosticsElapsed: null,
    sampling: 0,
    ...c,
  });

  it('is unknown before anything can be extrapolated', () => {
    expect(etaSeconds({ finished: [], current: cur({ elapsed: 0.1, epochsDone: 0.01 }), remaining: 3 })).toBeNull();
    expect(etaSeconds({ finished: [], current: null, remaining: 3 })).toBeNull();
  });

  it('first trial: epochs at their pace plus one epoch’s time for the diagnostics', () => {
    // 1 of 2 epochs in 10 s → 10 s more training + 10 s diagnostics; 2 more trials of 30 s.
    expect(etaSeconds({ finished: [], current: cur({ elapsed: 10, epochsDone: 1 }), remaining: 2 })).toBeCloseTo(
      20 + 60,
      9,
    );
  });

  it('counts no trial that would start after the study timeout', () => {
    // Current: 20 s left; trials of 30 s; 3 to come. Timeout in 100 s: trials starting at +20, +50, +80 run (all 3).
    const base = { finished: [], current: cur({ elapsed: 10, epochsDone: 1 }), remaining: 3 };
    expect(etaSeconds({ ...base, timeoutLeft: 100 })).toBeCloseTo(20 + 90, 9);
    // Timeout in 60 s: trials starting at +20 and +50 run, the third would start at +80: not counted.
    expect(etaSeconds({ ...base, timeoutLeft: 60 })).toBeCloseTo(20 + 60, 9);
    // The timeout passes during the current trial: only it is left.
    expect(etaSeconds({ ...base, timeoutLeft: 15 })).toBeCloseTo(20, 9);
    expect(etaSeconds({ ...base, timeoutLeft: -5 })).toBeCloseTo(20, 9);
    expect(etaSeconds({ ...base, timeoutLeft: null })).toBeCloseTo(20 + 90, 9);
  });

  it('uses the finished trials’ mean for the trials to come and their diagnostics time for this one', () => {
    const eta = etaSeconds({
      finished: [50, 70],
      diagnostics: [30, 30],
      current: cur({ elapsed: 10, epochsDone: 1 }),
      remaining: 1,
    });
    expect(eta).toBeCloseTo(10 + 30 + 60, 9);
  });

  it('does not climb while the diagnostics run (training 2 × 10 s, diagnostics 30 s, sampling linear)', () => {
    for (const diagnostics of [[], [30]]) {
      const etas: number[] = [];
      for (let t = 21; t <= 50; t += 1) {
        const d = t - 20;
        const sampling = d / 30;
        etas.push(
          etaSeconds({
            finished: diagnostics.length ? [50] : [],
            diagnostics,
            current: cur({ elapsed: t, epochsDone: 2, diagnosticsElapsed: d, sampling }),
            remaining: 2,
          })!,
        );
      }
      // After the first 5 % of the sampling (which the first trial has to guess), strictly decreasing.
      const settled = diagnostics.length ? etas : etas.slice(2);
      for (let i = 1; i < settled.length; i++) expect(settled[i]!).toBeLessThan(settled[i - 1]!);
      expect(etas.at(-1)).toBeCloseTo(100, 6);
    }
  });

  it('the last trial: only what it still needs', () => {
    expect(
      etaSeconds({
        finished: [],
        current: cur({ elapsed: 25, epochsDone: 2, diagnosticsElapsed: 5, sampling: 0.5 }),
        remaining: 0,
      }),
    ).toBeCloseTo(5, 9);
  });
});
