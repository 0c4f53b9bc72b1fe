/**
 * The Results view's importances: PED-ANOVA (Optuna 5's default) computed in place, with a reason
 * instead of Optuna's equal shares when fewer than 2 trials completed.
 */
import { describe, expect, it } from 'vitest';
import { floatDistribution } from '../../../src/engine/distributions.ts';
import { pedAnovaImportances, TrialState } from '../../../src/engine/index.ts';
import { EVALUATOR_LABEL, IMPORTANCE_EVALUATORS, pedAnovaOutcome } from '../../../src/state/index.ts';
import { makeTrials } from '../engine/helpers/trials.ts';

const D = { a: floatDistribution(0, 1), b: floatDistribution(0, 1) };
const trials = makeTrials(
  Array.from({ length: 30 }, (_, i) => ({
    value: ((i * 7) % 30) / 30 + 0.01 * (i % 3),
    params: { a: ((i * 7) % 30) / 30, b: (i % 3) / 3 },
    distributions: D,
    state: i === 29 ? TrialState.FAIL : TrialState.COMPLETE,
  })).map((s) => (s.state === TrialState.FAIL ? { ...s, value: null } : s)),
);

describe('Results importances', () => {
  it('offer PED-ANOVA first (Optuna 5’s default), then fANOVA', () => {
    expect(IMPORTANCE_EVALUATORS.map((e) => EVALUATOR_LABEL[e])).toEqual(['PED-ANOVA', 'fANOVA']);
  });

  it('PED-ANOVA: the engine’s numbers for the completed trials; `a`, which decides L, first', () => {
    const out = pedAnovaOutcome(trials);
    expect(out).toEqual({ ok: true, importances: pedAnovaImportances(trials.slice(0, 29)) });
    expect(out.ok && out.importances[0]!.name).toBe('a');
  });

  it('says why there is nothing to show below 2 completed trials', () => {
    expect(pedAnovaOutcome(trials.slice(0, 1))).toEqual({
      ok: false,
      reason: 'PED-ANOVA needs at least 2 completed trials with a finite value (this study has 1).',
    });
  });
});
