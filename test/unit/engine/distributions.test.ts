import { describe, expect, it } from 'vitest';
import {
  categoricalDistribution,
  checkDistributionCompatibility,
  choicesEqual,
  contains,
  distributionAsDictRepr,
  distributionRepr,
  distributionsEqual,
  floatDistribution,
  intDistribution,
  isSingle,
  singleValue,
  toExternalRepr,
  toInternalRepr,
} from '../../../src/engine/distributions.ts';
import { EngineError } from '../../../src/engine/types.ts';
import { collectWarnings } from '../../../src/engine/warnings.ts';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

// Exact v4.9 messages: docs/design/study-engine.md#distributions table.
describe('FloatDistribution validation', () => {
  it('checks in Optuna order with Optuna messages', () => {
    expect(message(() => floatDistribution(2, 1, { log: true, step: 0.1 }))).toBe(
      'The parameter `step` is not supported when `log` is true.',
    );
    expect(message(() => floatDistribution(2, 1))).toBe('`low <= high` must hold, but got (low=2, high=1).');
    expect(message(() => floatDistribution(0.5, 0.25))).toBe('`low <= high` must hold, but got (low=0.5, high=0.25).');
    expect(message(() => floatDistribution(0, 1, { log: true }))).toBe(
      '`low > 0` must hold for `log=True`, but got (low=0, high=1).',
    );
    expect(message(() => floatDistribution(-1, 1, { log: true }))).toBe(
      '`low > 0` must hold for `log=True`, but got (low=-1, high=1).',
    );
    expect(message(() => floatDistribution(0, 1, { step: 0 }))).toBe('`step > 0` must hold, but got step=0.');
    expect(message(() => floatDistribution(0, 1, { step: -0.5 }))).toBe('`step > 0` must hold, but got step=-0.5.');
    // low > high is reported before a bad step, as in Optuna.
    expect(message(() => floatDistribution(3, 1, { step: 0 }))).toContain('`low <= high`');
  });

  it('rejects non-finite bounds naming the field', () => {
    expect(message(() => floatDistribution(NaN, 1))).toBe('`low` must be a finite number, but got low=nan.');
    expect(message(() => floatDistribution(0, Infinity))).toBe('`high` must be a finite number, but got high=inf.');
  });

  it('lowers high onto the step grid in decimal arithmetic, with a warning', async () => {
    const { result, warnings } = await collectWarnings(() => floatDistribution(0, 1, { step: 0.3 }));
    expect(result.high).toBe(0.9);
    expect(warnings).toEqual([
      'The distribution is specified by [0, 1] and step=0.3, but the range is not divisible by `step`. It will be replaced by [0, 0.9].',
    ]);
    expect(floatDistribution(0.1, 0.7, { step: 0.2 }).high).toBe(0.7); // 0.6 / 0.2 is exact in decimal, not in binary
    expect(floatDistribution(-1, 1.05, { step: 0.1 }).high).toBe(1);
    const silent = await collectWarnings(() => floatDistribution(0, 1, { step: 0.1 }));
    expect(silent.warnings).toEqual([]);
  });
});

describe('IntDistribution validation', () => {
  it('checks in Optuna order with Optuna messages', () => {
    expect(message(() => intDistribution(0, 10, { log: true, step: 2 }))).toBe(
      'Samplers and other components in Optuna only accept step is 1 when `log` argument is True.',
    );
    expect(message(() => intDistribution(5, 1))).toBe('`low <= high` must hold, but got (low=5, high=1).');
    expect(message(() => intDistribution(0, 10, { log: true }))).toBe(
      '`low >= 1` must hold for `log=True`, but got (low=0, high=10).',
    );
    expect(message(() => intDistribution(0, 10, { step: 0 }))).toBe('`step > 0` must hold, but got step=0.');
  });

  it('truncates to integers and lowers high onto the grid with a warning', async () => {
    const { result, warnings } = await collectWarnings(() => intDistribution(1, 10, { step: 4 }));
    expect(result).toEqual({ type: 'int', low: 1, high: 9, log: false, step: 4 });
    expect(warnings).toEqual([
      'The distribution is specified by [1, 10] and step=4, but the range is not divisible by `step`. It will be replaced by [1, 9].',
    ]);
    expect(intDistribution(1.7, 8.2)).toEqual({ type: 'int', low: 1, high: 8, log: false, step: 1 });
  });
});

describe('CategoricalDistribution', () => {
  it('needs at least one choice; odd choices only warn', async () => {
    expect(message(() => categoricalDistribution([]))).toBe('The `choices` must contain one or more elements.');
    const { warnings } = await collectWarnings(() => categoricalDistribution([1, { a: 1 } as never]));
    expect(warnings[0]).toContain(
      'Choices for a categorical distribution should be a tuple of None, bool, int, float and str',
    );
  });

  it('maps choices to indices with Python equality (True == 1, NaN == NaN)', () => {
    const d = categoricalDistribution([1, true, 'a', null, NaN]);
    expect(toInternalRepr(d, true)).toBe(0); // indistinguishable from 1, like Python's tuple.index
    expect(toInternalRepr(d, 'a')).toBe(2);
    expect(toInternalRepr(d, null)).toBe(3);
    expect(toInternalRepr(d, NaN)).toBe(4);
    expect(toExternalRepr(d, 2)).toBe('a');
    expect(message(() => toInternalRepr(categoricalDistribution(['adam', 'sgd']), 'rms'))).toBe(
      "'rms' not in ('adam', 'sgd').",
    );
    expect(message(() => toInternalRepr(categoricalDistribution([16]), 8))).toBe("'8' not in (16,).");
    expect(choicesEqual(1, 1.0)).toBe(true);
    expect(choicesEqual('1', 1)).toBe(false);
  });
});

describe('representation, membership, single values', () => {
  it('toInternalRepr rejects NaN, non-numbers and non-positive log values with Optuna messages', () => {
    const f = floatDistribution(0, 1);
    expect(message(() => toInternalRepr(f, NaN))).toBe('`nan` is invalid value.');
    expect(message(() => toInternalRepr(f, 'abc'))).toBe(
      "'abc' is not a valid type. float-castable value is expected.",
    );
    expect(message(() => toInternalRepr(f, null))).toBe(
      "'None' is not a valid type. float-castable value is expected.",
    );
    expect(message(() => toInternalRepr(floatDistribution(1, 2, { log: true }), 0))).toBe(
      '`0` is invalid value for the case log=True.',
    );
    expect(toInternalRepr(intDistribution(0, 5), 3)).toBe(3);
    expect(toExternalRepr(intDistribution(0, 5), 3.0)).toBe(3);
  });

  it('contains() follows _contains (step tolerance 1e-8, int modulo, categorical index range)', () => {
    const f = floatDistribution(0, 1, { step: 0.1 });
    expect(contains(f, 0.30000000000000004)).toBe(true);
    expect(contains(f, 0.35)).toBe(false);
    expect(contains(f, 1.1)).toBe(false);
    expect(contains(intDistribution(0, 10, { step: 2 }), 4)).toBe(true);
    expect(contains(intDistribution(0, 10, { step: 2 }), 5)).toBe(false);
    expect(contains(categoricalDistribution(['a', 'b']), 1)).toBe(true);
    expect(contains(categoricalDistribution(['a', 'b']), 2)).toBe(false);
  });

  it('single-valued distributions: low == high, range below step, one choice', () => {
    expect(isSingle(floatDistribution(1, 1))).toBe(true);
    expect(isSingle(floatDistribution(0, 0.05, { step: 0.1 }))).toBe(true);
    expect(isSingle(floatDistribution(0, 0.1, { step: 0.1 }))).toBe(false);
    expect(isSingle(intDistribution(3, 4, { step: 2 }))).toBe(true);
    expect(isSingle(intDistribution(3, 3, { log: true }))).toBe(true);
    expect(isSingle(intDistribution(3, 4, { log: true }))).toBe(false);
    expect(isSingle(categoricalDistribution(['only']))).toBe(true);
    expect(singleValue(categoricalDistribution(['only']))).toBe('only');
    expect(singleValue(floatDistribution(0, 0.05, { step: 0.1 }))).toBe(0);
  });
});

describe('equality, compatibility, repr', () => {
  it('equality compares kind and every attribute', () => {
    expect(distributionsEqual(floatDistribution(0, 1), floatDistribution(0, 1))).toBe(true);
    expect(distributionsEqual(floatDistribution(0, 1), floatDistribution(0, 1, { log: false, step: null }))).toBe(true);
    expect(distributionsEqual(floatDistribution(0, 1), floatDistribution(0, 2))).toBe(false);
    expect(distributionsEqual(floatDistribution(0, 1), intDistribution(0, 1))).toBe(false);
    expect(distributionsEqual(categoricalDistribution([1, 2]), categoricalDistribution([true, 2]))).toBe(true);
    expect(distributionsEqual(categoricalDistribution([1, 2]), categoricalDistribution([2, 1]))).toBe(false);
  });

  it('compatibility: kind, log and choices must match; ranges may change', () => {
    expect(message(() => checkDistributionCompatibility(floatDistribution(0, 1), intDistribution(0, 1)))).toBe(
      'Cannot set different distribution kind to the same parameter name.',
    );
    expect(
      message(() => checkDistributionCompatibility(floatDistribution(1, 2), floatDistribution(1, 2, { log: true }))),
    ).toBe('Cannot set different log configuration to the same parameter name.');
    expect(
      message(() =>
        checkDistributionCompatibility(categoricalDistribution(['a']), categoricalDistribution(['a', 'b'])),
      ),
    ).toBe('CategoricalDistribution does not support dynamic value space.');
    expect(() =>
      checkDistributionCompatibility(floatDistribution(0, 1), floatDistribution(-5, 5, { step: 0.5 })),
    ).not.toThrow();
  });

  it('reprs follow Python', () => {
    expect(distributionRepr(floatDistribution(1e-5, 0.1, { log: true }))).toBe(
      'FloatDistribution(high=0.1, log=True, low=1e-05, step=None)',
    );
    expect(distributionRepr(intDistribution(1, 4))).toBe('IntDistribution(high=4, log=False, low=1, step=1)');
    expect(distributionRepr(categoricalDistribution(['adam']))).toBe("CategoricalDistribution(choices=('adam',))");
    expect(distributionAsDictRepr(floatDistribution(0, 1))).toBe(
      "{'step': None, 'low': 0.0, 'high': 1.0, 'log': False}",
    );
  });
});
