/**
 * Validation of the search space in Optuna's short distribution form. The distribution checks follow
 * optuna/distributions.py v4.9 in order (docs/design/study-engine.md#distributions), so the first problem Optuna would raise is
 * the one reported, but in a researcher's words ("Low must not exceed high (0.5 > 0.1)") rather than
 * Optuna's (`low <= high` must hold); the engine keeps Optuna's wording. Each hyperparameter also
 * gets the domain its network wiring needs (docs/design/networks.md#hyperparameters-the-notebook-meant): dropout a probability < 1, lr > 0, the
 * others positive integers.
 */
import { describe, join, MISSING, type NumRule, type Reader, show } from './reader.ts';
import { HYPERPARAMETER_NAMES, type HyperparameterName, type SearchDistribution, type SearchSpace } from './types.ts';

type Domain = { integer: false; min: number; below?: number; above?: number } | { integer: true; min: number };

const DOMAINS: Record<HyperparameterName, Domain> = {
  dropout: { integer: false, min: 0, below: 1 },
  lr: { integer: false, min: 0, above: 0 },
  num_seeds: { integer: true, min: 1 },
  batch_size: { integer: true, min: 1 },
  embed_dim: { integer: true, min: 1 },
  summary_dim: { integer: true, min: 1 },
};

function inDomain(x: number, d: Domain): boolean {
  if (d.integer) return Number.isInteger(x) && x >= d.min;
  return x >= d.min && (d.below === undefined || x < d.below) && (d.above === undefined || x > d.above);
}

function domainText(d: Domain): string {
  const rule: NumRule = d.integer
    ? { integer: true, min: d.min }
    : d.above !== undefined
      ? { above: d.above }
      : { min: d.min };
  if (!d.integer && d.below !== undefined) rule.below = d.below;
  return describe(rule);
}

/**
 * Optuna silently lowers `high` to the last grid point (with a warning) when (high − low) is not a
 * multiple of step; a configuration is edited by hand, so we flag it instead of changing it.
 * Same tolerance as Optuna's membership test (|k − round(k)| < 1e-8).
 */
function onGrid(range: number, step: number): boolean {
  const k = range / step;
  return Math.abs(k - Math.round(k)) < 1e-8;
}

function offGrid(low: number, high: number, step: number): string {
  const last = low + Math.floor((high - low) / step + 1e-8) * step;
  return `High − low must be a whole number of steps (${high} − ${low} is not a multiple of ${step}): the last value reached is ${Number(last.toPrecision(12))}, use it as high`;
}

/** "Low must not exceed high (0.5 > 0.1)". */
function lowAboveHigh(low: number, high: number): string {
  return `Low must not exceed high (${low} > ${high})`;
}

function readFloat(r: Reader, o: Record<string, unknown>, path: string, d: Domain): SearchDistribution | null {
  const before = r.issues.length;
  const low = r.num(o.low, join(path, 'low'));
  const high = r.num(o.high, join(path, 'high'));
  const log = r.bool(o.log, join(path, 'log'), false);
  let step: number | null = null;
  if (o.step !== undefined && o.step !== null) step = r.num(o.step, join(path, 'step'));
  if (r.issues.length > before || low === null || high === null) return null;
  if (log && step !== null)
    r.fail(join(path, 'step'), 'A step cannot be combined with a log scale: clear the step or untick Log');
  else if (low > high) r.fail(join(path, 'low'), lowAboveHigh(low, high));
  else if (log && low <= 0) r.fail(join(path, 'low'), `On a log scale low must be greater than 0 (got ${low})`);
  else if (step !== null && step <= 0) r.fail(join(path, 'step'), `Step must be greater than 0 (got ${step})`);
  else if (step !== null && !onGrid(high - low, step)) r.fail(join(path, 'high'), offGrid(low, high, step));
  if (r.issues.length > before) return null;
  if (d.integer) {
    r.fail(join(path, 'type'), 'This hyperparameter takes whole numbers: choose int or categorical, not float');
    return null;
  }
  for (const [k, x] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (!inDomain(x, d)) r.fail(join(path, k), `Enter ${domainText(d)} (got ${show(x)})`);
  }
  return r.issues.length > before ? null : { type: 'float', low, high, log, step };
}

function readInt(r: Reader, o: Record<string, unknown>, path: string, d: Domain): SearchDistribution | null {
  const before = r.issues.length;
  const low = r.num(o.low, join(path, 'low'), { integer: true });
  const high = r.num(o.high, join(path, 'high'), { integer: true });
  const log = r.bool(o.log, join(path, 'log'), false);
  const step = o.step === undefined ? 1 : r.num(o.step, join(path, 'step'), { integer: true });
  if (r.issues.length > before || low === null || high === null || step === null) return null;
  if (log && step !== 1) {
    r.fail(join(path, 'step'), `On a log scale the step must be 1 (got ${step})`);
  } else if (low > high) r.fail(join(path, 'low'), lowAboveHigh(low, high));
  else if (log && low < 1) r.fail(join(path, 'low'), `On a log scale low must be at least 1 (got ${low})`);
  else if (step <= 0) r.fail(join(path, 'step'), `Step must be greater than 0 (got ${step})`);
  else if ((high - low) % step !== 0) r.fail(join(path, 'high'), offGrid(low, high, step));
  if (r.issues.length > before) return null;
  for (const [k, x] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (!inDomain(x, d)) r.fail(join(path, k), `Enter ${domainText(d)} (got ${show(x)})`);
  }
  return r.issues.length > before ? null : { type: 'int', low, high, log, step };
}

function readCategorical(r: Reader, o: Record<string, unknown>, path: string, d: Domain): SearchDistribution | null {
  const p = join(path, 'choices');
  if (!Array.isArray(o.choices)) {
    if (o.choices !== undefined)
      r.fail(p, `Enter the choices as a list of numbers, e.g. [16, 32] (got ${show(o.choices)})`);
    return null;
  }
  if (o.choices.length === 0) {
    r.fail(p, 'Enter at least one choice');
    return null;
  }
  const before = r.issues.length;
  const seen = new Set<number>();
  const choices: number[] = [];
  o.choices.forEach((c: unknown, i) => {
    const x = r.num(c, `${p}.${i}`);
    if (x === null) return;
    if (!inDomain(x, d)) r.fail(`${p}.${i}`, `Enter ${domainText(d)} for each choice (got ${show(x)})`);
    // Optuna stores a categorical as the index of its choice: duplicates would make that ambiguous.
    else if (seen.has(x)) r.fail(`${p}.${i}`, `${show(x)} is listed twice`);
    seen.add(x);
    choices.push(x);
  });
  return r.issues.length > before ? null : { type: 'categorical', choices };
}

function readDistribution(r: Reader, v: unknown, path: string, d: Domain): SearchDistribution | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    r.fail(path, `Expected a distribution such as {"type": "float", "low": 0, "high": 1} (got ${show(v)})`);
    return null;
  }
  const type = r.oneOf((v as Record<string, unknown>).type, join(path, 'type'), [
    'float',
    'int',
    'categorical',
  ] as const);
  if ((v as Record<string, unknown>).type === undefined) r.fail(join(path, 'type'), MISSING);
  if (type === null) return null;
  if (type === 'categorical') {
    const o = r.object(v, path, ['type', 'choices']);
    return o === null ? null : readCategorical(r, o, path, d);
  }
  const o = r.object(v, path, ['type', 'low', 'high'], ['log', 'step']);
  if (o === null) return null;
  return type === 'float' ? readFloat(r, o, path, d) : readInt(r, o, path, d);
}

export function readSearchSpace(r: Reader, v: unknown, path: string): SearchSpace | null {
  const o = r.object(v, path, HYPERPARAMETER_NAMES);
  if (o === null) return null;
  const out: Partial<SearchSpace> = {};
  let ok = true;
  for (const name of HYPERPARAMETER_NAMES) {
    if (o[name] === undefined) {
      ok = false;
      continue;
    }
    const dist = readDistribution(r, o[name], join(path, name), DOMAINS[name]);
    if (dist === null) ok = false;
    else out[name] = dist;
  }
  return ok ? (out as SearchSpace) : null;
}

/** At most this many enqueued trials: each is a full trial, and a study with more is a list, not a search. */
export const MAX_ENQUEUED = 100;

/**
 * `enqueueTrials`: parameter sets the study tries first, in order (Optuna's `study.enqueue_trial`), e.g. a
 * configuration known to learn. Each names every hyperparameter of the search space with a value inside
 * its distribution (Optuna only warns about a value outside; a hand-written configuration is flagged).
 */
export function readEnqueueTrials(
  r: Reader,
  v: unknown,
  path: string,
  space: SearchSpace | null,
): Record<string, number>[] | null {
  if (!Array.isArray(v)) {
    r.fail(path, `Expected a list [{…}, …] of parameter sets here (got ${show(v)})`);
    return null;
  }
  if (v.length > MAX_ENQUEUED) {
    r.fail(path, `At most ${MAX_ENQUEUED} trials can be enqueued (got ${v.length})`);
    return null;
  }
  if (space === null) return null; // the search space's own problems are reported already
  const before = r.issues.length;
  const out = v.map((entry, i) => {
    const p = join(path, String(i));
    const o = r.object(entry, p, HYPERPARAMETER_NAMES, []);
    const params: Record<string, number> = {};
    if (o === null) return params;
    for (const name of HYPERPARAMETER_NAMES) {
      const x = o[name];
      if (x === undefined) continue; // reported by object()
      const d = space[name];
      const at = join(p, name);
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        r.fail(at, `Enter a number (got ${show(x)})`);
      } else if (d.type === 'categorical') {
        if (!d.choices.includes(x)) r.fail(at, `Enter one of the choices ${d.choices.join(', ')} (got ${show(x)})`);
      } else if (x < d.low || x > d.high || (d.type === 'int' && !Number.isInteger(x))) {
        r.fail(
          at,
          `Enter ${d.type === 'int' ? 'a whole number' : 'a number'} between ${d.low} and ${d.high}, the search space of ${name} (got ${show(x)})`,
        );
      }
      params[name] = x as number;
    }
    return params;
  });
  return r.issues.length > before ? null : out;
}
