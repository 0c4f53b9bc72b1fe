/**
 * Parameter distributions (optuna/distributions.py, v4.9): validated constructors with Optuna's
 * exact messages, the grid adjustment of `high`, the single-value short-cut, internal/external
 * representation, membership, equality and the cross-trial compatibility check.
 * See docs/design/study-engine.md#distributions. The JSON codec lives in distribution-json.ts.
 *
 * Internal representation: Float and Int values are stored as themselves (a double), a categorical
 * value as the index of its choice. Samplers only ever see internal values.
 */
import { rangeBelowStep, snapHighToGrid } from './decimal.ts';
import { pyFloatRepr, pyNumberRepr, pyRepr, pyStr, pyTupleRepr } from './py-format.ts';
import {
  EngineError,
  type CategoricalChoice,
  type CategoricalDistribution,
  type Distribution,
  type FloatDistribution,
  type IntDistribution,
  type ParamValue,
} from './types.ts';
import { warn } from './warnings.ts';

function invalid(message: string): never {
  throw new EngineError('invalid-distribution', message);
}

function requireNumber(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    invalid(`\`${field}\` must be a finite number, but got ${field}=${pyRepr(v)}.`);
  }
  return v;
}

export interface NumericOptions {
  log?: boolean;
  step?: number | null;
}

/** FloatDistribution(low, high, log=False, step=None); checks in Optuna's order. */
export function floatDistribution(low: number, high: number, opts: NumericOptions = {}): FloatDistribution {
  const log = opts.log ?? false;
  const step = opts.step ?? null;
  requireNumber('low', low);
  requireNumber('high', high);
  if (step !== null) requireNumber('step', step);
  if (log && step !== null) invalid('The parameter `step` is not supported when `log` is true.');
  if (low > high) {
    invalid(`\`low <= high\` must hold, but got (low=${pyNumberRepr(low)}, high=${pyNumberRepr(high)}).`);
  }
  if (log && low <= 0) {
    invalid(`\`low > 0\` must hold for \`log=True\`, but got (low=${pyNumberRepr(low)}, high=${pyNumberRepr(high)}).`);
  }
  if (step !== null && step <= 0) invalid(`\`step > 0\` must hold, but got step=${pyNumberRepr(step)}.`);
  let h = high;
  if (step !== null) {
    h = snapHighToGrid(low, high, step);
    if (h !== high) {
      warn(
        `The distribution is specified by [${pyNumberRepr(low)}, ${pyNumberRepr(high)}] and step=${pyNumberRepr(step)}, ` +
          `but the range is not divisible by \`step\`. It will be replaced by [${pyNumberRepr(low)}, ${pyFloatRepr(h)}].`,
      );
    }
  }
  return Object.freeze({ type: 'float', low, high: h, log, step });
}

/** IntDistribution(low, high, log=False, step=1); low, high and step are truncated to integers. */
export function intDistribution(low: number, high: number, opts: NumericOptions = {}): IntDistribution {
  const log = opts.log ?? false;
  const step = opts.step ?? 1;
  requireNumber('low', low);
  requireNumber('high', high);
  requireNumber('step', step);
  if (log && step !== 1) {
    invalid('Samplers and other components in Optuna only accept step is 1 when `log` argument is True.');
  }
  if (low > high) {
    invalid(`\`low <= high\` must hold, but got (low=${pyNumberRepr(low)}, high=${pyNumberRepr(high)}).`);
  }
  if (log && low < 1) {
    invalid(`\`low >= 1\` must hold for \`log=True\`, but got (low=${pyNumberRepr(low)}, high=${pyNumberRepr(high)}).`);
  }
  if (step <= 0) invalid(`\`step > 0\` must hold, but got step=${pyNumberRepr(step)}.`);
  const l = Math.trunc(low);
  const s = Math.trunc(step);
  let h = Math.trunc(high);
  if (s <= 0) invalid(`\`step > 0\` must hold, but got step=${s}.`); // int(0.5) == 0 in Python too
  const r = h - l;
  if (r % s !== 0) {
    const old = h;
    h = Math.floor(r / s) * s + l;
    warn(
      `The distribution is specified by [${l}, ${old}] and step=${s}, but the range is not divisible by \`step\`. ` +
        `It will be replaced by [${l}, ${h}].`,
    );
  }
  return Object.freeze({ type: 'int', low: l, high: h, log, step: s });
}

const isChoice = (c: unknown): c is CategoricalChoice =>
  c === null || typeof c === 'boolean' || typeof c === 'number' || typeof c === 'string';

/** CategoricalDistribution(choices). Choices other than None/bool/int/float/str only warn, as in Optuna. */
export function categoricalDistribution<T extends CategoricalChoice>(choices: readonly T[]): CategoricalDistribution {
  if (!Array.isArray(choices)) invalid(`\`choices\` must be an array, but got ${pyRepr(choices)}.`);
  if (choices.length === 0) invalid('The `choices` must contain one or more elements.');
  for (const c of choices as readonly unknown[]) {
    if (!isChoice(c)) {
      warn(
        'Choices for a categorical distribution should be a tuple of None, bool, int, float and str for persistent ' +
          `storage but contains ${String(c)} which is of type ${typeof c}.`,
      );
    }
  }
  return Object.freeze({ type: 'categorical', choices: Object.freeze([...choices]) });
}

/** Python's `==` between choices (True == 1, 1 == 1.0) with NaN equal to NaN (`_categorical_choice_equal`). */
export function choicesEqual(a: CategoricalChoice, b: CategoricalChoice): boolean {
  const numA = typeof a === 'number' || typeof a === 'boolean';
  const numB = typeof b === 'number' || typeof b === 'boolean';
  if (numA && numB) {
    const x = Number(a);
    const y = Number(b);
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  }
  return a === b;
}

/** Optuna's `BaseDistribution.single()`: the sampler is skipped for such distributions. */
export function isSingle(d: Distribution): boolean {
  switch (d.type) {
    case 'categorical':
      return d.choices.length === 1;
    case 'int':
      if (d.log || d.low === d.high) return d.low === d.high;
      return d.high - d.low < d.step;
    case 'float':
      if (d.step === null || d.low === d.high) return d.low === d.high;
      return rangeBelowStep(d.low, d.high, d.step);
  }
}

/** The value of a single-valued distribution (`_get_single_value`): low, or the only choice. */
export function singleValue(d: Distribution): ParamValue {
  return d.type === 'categorical' ? (d.choices[0] as CategoricalChoice) : d.low;
}

/** Optuna's `_contains` on an internal value (steps tolerate |k − round(k)| < 1e-8). */
export function contains(d: Distribution, internal: number): boolean {
  switch (d.type) {
    case 'categorical': {
      const index = Math.trunc(internal);
      return index >= 0 && index < d.choices.length;
    }
    case 'int':
      return d.low <= internal && internal <= d.high && (internal - d.low) % d.step === 0;
    case 'float': {
      if (!(d.low <= internal && internal <= d.high)) return false;
      if (d.step === null) return true;
      const k = (internal - d.low) / d.step;
      return Math.abs(k - Math.round(k)) < 1e-8;
    }
  }
}

/** External → internal; throws for NaN, values that do not cast to a number, ≤ 0 under log, unknown choices. */
export function toInternalRepr(d: Distribution, external: unknown): number {
  if (d.type === 'categorical') {
    const index = d.choices.findIndex((c) => isChoice(external) && choicesEqual(external, c));
    if (index < 0) invalid(`'${pyStr(external)}' not in ${pyTupleRepr(d.choices)}.`);
    return index;
  }
  let v: number;
  if (typeof external === 'number') v = external;
  else if (typeof external === 'boolean') v = external ? 1 : 0;
  else if (typeof external === 'string' && external.trim() !== '' && !Number.isNaN(Number(external)))
    v = Number(external);
  else invalid(`'${pyStr(external)}' is not a valid type. float-castable value is expected.`);
  if (Number.isNaN(v)) invalid(`\`${pyStr(external)}\` is invalid value.`);
  if (d.log && v <= 0) invalid(`\`${pyStr(external)}\` is invalid value for the case log=True.`);
  return v;
}

/** Internal → external: floats as is, ints truncated, categoricals by index. */
export function toExternalRepr(d: Distribution, internal: number): ParamValue {
  switch (d.type) {
    case 'categorical': {
      const index = Math.trunc(internal);
      if (!(index >= 0 && index < d.choices.length)) {
        throw new EngineError(
          'invalid-argument',
          `Categorical index ${internal} out of range for ${distributionRepr(d)}.`,
        );
      }
      return d.choices[index] as CategoricalChoice;
    }
    case 'int':
      return Math.trunc(internal);
    case 'float':
      return internal;
  }
}

/** Python's `__eq__` of distributions: same class and attributes (choices compared with choicesEqual). */
export function distributionsEqual(a: Distribution, b: Distribution): boolean {
  if (a.type === 'categorical' || b.type === 'categorical') {
    if (a.type !== 'categorical' || b.type !== 'categorical') return false;
    return (
      a.choices.length === b.choices.length &&
      a.choices.every((c, i) => choicesEqual(c, b.choices[i] as CategoricalChoice))
    );
  }
  return a.type === b.type && a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
}

/**
 * `check_distribution_compatibility(old, new)`: the same name must keep its kind, its log flag and
 * its choices across calls and trials; numeric low, high and step may change.
 */
export function checkDistributionCompatibility(oldD: Distribution, newD: Distribution): void {
  if (oldD.type !== newD.type) invalid('Cannot set different distribution kind to the same parameter name.');
  if (oldD.type !== 'categorical' && newD.type !== 'categorical' && oldD.log !== newD.log) {
    invalid('Cannot set different log configuration to the same parameter name.');
  }
  if (oldD.type === 'categorical' && !distributionsEqual(oldD, newD)) {
    invalid('CategoricalDistribution does not support dynamic value space.');
  }
}

/** Python's `_asdict()` repr, attributes in constructor order (used in warnings). */
export function distributionAsDictRepr(d: Distribution): string {
  switch (d.type) {
    case 'float':
      return `{'step': ${d.step === null ? 'None' : pyFloatRepr(d.step)}, 'low': ${pyFloatRepr(d.low)}, 'high': ${pyFloatRepr(d.high)}, 'log': ${d.log ? 'True' : 'False'}}`;
    case 'int':
      return `{'log': ${d.log ? 'True' : 'False'}, 'step': ${d.step}, 'low': ${d.low}, 'high': ${d.high}}`;
    case 'categorical':
      return `{'choices': ${pyTupleRepr(d.choices)}}`;
  }
}

/** Python's `repr(distribution)`, e.g. `FloatDistribution(high=1.0, log=False, low=0.0, step=None)`. */
export function distributionRepr(d: Distribution): string {
  switch (d.type) {
    case 'float':
      return `FloatDistribution(high=${pyFloatRepr(d.high)}, log=${d.log ? 'True' : 'False'}, low=${pyFloatRepr(d.low)}, step=${d.step === null ? 'None' : pyFloatRepr(d.step)})`;
    case 'int':
      return `IntDistribution(high=${d.high}, log=${d.log ? 'True' : 'False'}, low=${d.low}, step=${d.step})`;
    case 'categorical':
      return `CategoricalDistribution(choices=${pyTupleRepr(d.choices)})`;
  }
}
