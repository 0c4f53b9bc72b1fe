/**
 * Validation of simulator input. Every rejection names the field and the value received. Besides the
 * range checks (negative sd, tmax < 1, probability outside [0, 1], min > max, a ≤ 1, NaN), the
 * reference's construction errors are reproduced (docs/design/simulator.md#parameters): fewer than 5 prior
 * means or sds, means/sds length ≠ number of param_names, means and sds of different length, sdr_fixed
 * None with ≤ 5 priors, num_conditions ≠ 2. Like the reference, sdr_fixed set together with 6 priors is
 * accepted (the 6th prior is then unused).
 */
import { PARAM_ORDER, type DmcConfig, type DmcParams, type ParamName, type StartPoint } from './types.ts';

export class DmcConfigError extends Error {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, problem: string) {
    super(`${field} = ${show(value)}: ${problem}`);
    this.name = 'DmcConfigError';
    this.field = field;
    this.value = value;
  }
}

/** Renders a received value for an error message (NaN, undefined and arrays stay recognisable). */
function show(v: unknown): string {
  if (typeof v === 'number' || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const KNOWN_FIELDS = [
  'paramNames',
  'priorMeans',
  'priorSds',
  'sdrFixed',
  'tmax',
  'a',
  'sigma',
  'startPoint',
  'fixedNumObs',
  'minNumObs',
  'maxNumObs',
  'contamination',
  'numConditions',
] as const;

function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DmcConfigError(field, v, 'must be a finite number');
  return v;
}

function integer(field: string, v: unknown, min: number): number {
  const x = finite(field, v);
  if (!Number.isInteger(x)) throw new DmcConfigError(field, v, 'must be an integer');
  if (x < min) throw new DmcConfigError(field, v, `must be ≥ ${min}`);
  return x;
}

function probability(field: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const p = finite(field, v);
  if (p < 0 || p > 1) throw new DmcConfigError(field, v, 'is a probability and must lie in [0, 1]');
  return p === 0 ? null : p; // the reference treats a falsy probability as "off"
}

function numberArray(field: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw new DmcConfigError(field, v, 'must be an array of numbers');
  return v.map((x, j) => finite(`${field}[${j}]`, x));
}

/**
 * Checks an untrusted configuration and returns a normalised copy (contamination 0 → null, fixedNumObs 0 →
 * null as in the reference, where 0 counts as unset). Throws `DmcConfigError` on the first problem.
 */
export function validateDmcConfig(c: unknown): DmcConfig {
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    throw new DmcConfigError('config', c, 'must be an object');
  const o = c as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(k)) {
      throw new DmcConfigError(k, o[k], `unknown field (known: ${KNOWN_FIELDS.join(', ')})`);
    }
  }
  if (o.numConditions !== undefined && o.numConditions !== 2) {
    throw new DmcConfigError('numConditions', o.numConditions, 'the DMC has exactly 2 conditions');
  }

  const means = numberArray('priorMeans', o.priorMeans);
  const sds = numberArray('priorSds', o.priorSds);
  if (means.length < 5)
    throw new DmcConfigError('priorMeans', o.priorMeans, 'needs at least 5 entries (A, tau, mu_c, mu_r, b)');
  if (sds.length < 5)
    throw new DmcConfigError('priorSds', o.priorSds, 'needs at least 5 entries (A, tau, mu_c, mu_r, b)');
  if (means.length !== sds.length) {
    throw new DmcConfigError('priorSds', o.priorSds, `has ${sds.length} entries but priorMeans has ${means.length}`);
  }
  if (means.length > PARAM_ORDER.length) {
    throw new DmcConfigError(
      'priorMeans',
      o.priorMeans,
      `has ${means.length} entries; at most ${PARAM_ORDER.length} (A, tau, mu_c, mu_r, b, sd_r)`,
    );
  }
  if (!Array.isArray(o.paramNames)) throw new DmcConfigError('paramNames', o.paramNames, 'must be an array of names');
  const names = o.paramNames as unknown[];
  if (names.length !== means.length) {
    throw new DmcConfigError(
      'paramNames',
      o.paramNames,
      `has ${names.length} names but there are ${means.length} prior means`,
    );
  }
  names.forEach((name, j) => {
    // the prior is mapped by position (docs/design/simulator.md#prior), so a name out of place would mislabel a column
    if (name !== PARAM_ORDER[j]) {
      throw new DmcConfigError(
        `paramNames[${j}]`,
        name,
        `must be '${PARAM_ORDER[j]}' (the prior mapping is positional: ${PARAM_ORDER.join(', ')})`,
      );
    }
  });
  sds.forEach((s, j) => {
    if (s < 0) throw new DmcConfigError(`priorSds[${j}]`, s, `the sd of ${PARAM_ORDER[j]} must be ≥ 0`);
    // A point mass must lie in the support [0, ∞); tau and b must be > 0 as in validateDmcParams (the
    // drift divides by tau; b = 0 has no interior), while A = mu_c = 0 are meaningful null models.
    const name = PARAM_ORDER[j]!;
    const strict = name === 'tau' || name === 'b';
    if (s === 0 && (strict ? means[j]! <= 0 : means[j]! < 0)) {
      throw new DmcConfigError(
        `priorMeans[${j}]`,
        means[j],
        `with sd 0 the prior of ${name} is a point mass and must be ${strict ? '> 0' : '≥ 0 (the prior is truncated at 0)'}`,
      );
    }
  });

  let sdrFixed: number | null;
  if (o.sdrFixed === null || o.sdrFixed === undefined) {
    sdrFixed = null;
    if (means.length <= 5)
      throw new DmcConfigError(
        'sdrFixed',
        o.sdrFixed,
        'is null (sd_r estimated) but only 5 priors are given; add a 6th (sd_r) or set sdrFixed',
      );
  } else {
    sdrFixed = finite('sdrFixed', o.sdrFixed);
  }

  const tmax = integer('tmax', o.tmax, 1);
  // the drift tables hold tmax float64 values per worker; beyond 10^6 ms (17 min) it is a typo, not a DMC
  if (tmax > 1_000_000) throw new DmcConfigError('tmax', o.tmax, 'must be ≤ 1000000 ms');
  const a = finite('a', o.a);
  if (a <= 1) throw new DmcConfigError('a', o.a, 'the gamma shape of the automatic pulse must be > 1');
  const sigma = finite('sigma', o.sigma);
  if (sigma < 0) throw new DmcConfigError('sigma', o.sigma, 'the noise sd must be ≥ 0');
  const startPoint = o.startPoint ?? 'beta';
  if (startPoint !== 'beta' && startPoint !== 'zero')
    throw new DmcConfigError('startPoint', o.startPoint, "must be 'beta' or 'zero'");

  let fixedNumObs: number | null = null;
  if (o.fixedNumObs !== null && o.fixedNumObs !== undefined && o.fixedNumObs !== 0)
    fixedNumObs = integer('fixedNumObs', o.fixedNumObs, 1);
  const minNumObs = integer('minNumObs', o.minNumObs, 1);
  const maxNumObs = integer('maxNumObs', o.maxNumObs, 1);
  if (minNumObs > maxNumObs) throw new DmcConfigError('minNumObs', o.minNumObs, `must be ≤ maxNumObs = ${maxNumObs}`);
  const contamination = probability('contamination', o.contamination);

  return {
    paramNames: names as ParamName[],
    priorMeans: means,
    priorSds: sds,
    sdrFixed,
    tmax,
    a,
    sigma,
    startPoint: startPoint as StartPoint,
    fixedNumObs,
    minNumObs,
    maxNumObs,
    contamination,
  };
}

/** Inference-order names of the batch columns: A, tau, mu_c, mu_r, b and sd_r only when it is estimated. */
export function batchParamNames(config: DmcConfig): ParamName[] {
  return PARAM_ORDER.slice(0, config.sdrFixed === null ? 6 : 5);
}

/**
 * Checks one explicit parameter vector (CLI, the simulate page): all finite, A, mu_c, mu_r, sd_r ≥ 0 (the
 * prior's lower bound), tau and b > 0 (the drift divides by tau; b = 0 has no interior).
 */
export function validateDmcParams(p: unknown): DmcParams {
  if (typeof p !== 'object' || p === null) throw new DmcConfigError('params', p, 'must be an object');
  const o = p as Record<string, unknown>;
  const out = {} as DmcParams;
  for (const name of PARAM_ORDER) {
    const v = finite(name, o[name]);
    if ((name === 'tau' || name === 'b') && v <= 0) throw new DmcConfigError(name, v, 'must be > 0');
    if (v < 0) throw new DmcConfigError(name, v, name === 'sd_r' ? 'a standard deviation must be ≥ 0' : 'must be ≥ 0');
    out[name] = v;
  }
  return out;
}
