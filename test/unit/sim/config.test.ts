import { describe, expect, it } from 'vitest';
import {
  DmcConfigError,
  NOTEBOOK_CONFIG,
  PRIORS,
  batchParamNames,
  configWithPrior,
  simulateBatch,
  simulateTrials,
  validateDmcConfig,
  validateDmcParams,
  type DmcConfig,
} from '../../../src/sim/index.ts';

const base = (): DmcConfig => ({
  ...NOTEBOOK_CONFIG,
  priorMeans: [...NOTEBOOK_CONFIG.priorMeans],
  priorSds: [...NOTEBOOK_CONFIG.priorSds],
  paramNames: [...NOTEBOOK_CONFIG.paramNames],
});

function rejects(c: unknown, field: string, value: string): void {
  let err: unknown;
  try {
    validateDmcConfig(c);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DmcConfigError);
  const e = err as DmcConfigError;
  expect(e.field).toBe(field);
  expect(e.message).toContain(field);
  expect(e.message).toContain(value);
}

describe('validateDmcConfig', () => {
  it('accepts the notebook configuration and every prior table', () => {
    expect(validateDmcConfig(NOTEBOOK_CONFIG)).toEqual(NOTEBOOK_CONFIG);
    for (const name of Object.keys(PRIORS) as (keyof typeof PRIORS)[])
      expect(() => validateDmcConfig(configWithPrior(name))).not.toThrow();
    expect(NOTEBOOK_CONFIG).toMatchObject({
      tmax: 1500,
      fixedNumObs: 500,
      a: 2,
      sigma: 4,
      startPoint: 'beta',
      sdrFixed: null,
      contamination: null,
    });
    expect(NOTEBOOK_CONFIG.priorMeans).toEqual([70.8, 114.71, 0.71, 332.34, 98.36, 43.36]);
    expect(NOTEBOOK_CONFIG.priorSds).toEqual([19.42, 40.08, 0.14, 52.07, 30.05, 9.19]);
  });

  it('normalises the reference’s "falsy means off" options', () => {
    const c = validateDmcConfig({ ...base(), contamination: 0, fixedNumObs: 0 });
    expect(c.contamination).toBeNull();
    expect(c.fixedNumObs).toBeNull();
  });

  it('accepts a point mass at 0 for A and mu_c (a model without conflict or control) and draws exactly 0', () => {
    const c = validateDmcConfig({
      ...base(),
      priorMeans: [0, 114.71, 0, 332.34, 98.36, 43.36],
      priorSds: [0, 40.08, 0, 52.07, 30.05, 9.19],
    });
    expect(c.priorMeans[0]).toBe(0);
    const batch = simulateBatch(c, 3, 4);
    for (let i = 0; i < 4; i++) {
      expect(batch.params[i * 6]).toBe(0);
      expect(batch.params[i * 6 + 2]).toBe(0);
    }
  });

  it('accepts sdrFixed with 6 priors (the reference only warns) and then has 5 columns', () => {
    const c = validateDmcConfig({ ...base(), sdrFixed: 0 });
    expect(batchParamNames(c)).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b']);
    expect(batchParamNames(NOTEBOOK_CONFIG)).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
  });

  it.each<[string, (c: DmcConfig) => unknown, string, string]>([
    [
      'negative prior sd',
      (c) => ({ ...c, priorSds: [19.42, -40.08, 0.14, 52.07, 30.05, 9.19] }),
      'priorSds[1]',
      '-40.08',
    ],
    [
      'NaN prior mean',
      (c) => ({ ...c, priorMeans: [70.8, 114.71, NaN, 332.34, 98.36, 43.36] }),
      'priorMeans[2]',
      'NaN',
    ],
    [
      'infinite prior sd',
      (c) => ({ ...c, priorSds: [19.42, 40.08, 0.14, Infinity, 30.05, 9.19] }),
      'priorSds[3]',
      'Infinity',
    ],
    [
      'point mass at a non-positive mean',
      (c) => ({
        ...c,
        priorMeans: [70.8, 114.71, 0.71, 332.34, -1, 43.36],
        priorSds: [19.42, 40.08, 0.14, 52.07, 0, 9.19],
      }),
      'priorMeans[4]',
      '-1',
    ],
    [
      'point mass at tau = 0',
      (c) => ({
        ...c,
        priorMeans: [70.8, 0, 0.71, 332.34, 98.36, 43.36],
        priorSds: [19.42, 0, 0.14, 52.07, 30.05, 9.19],
      }),
      'priorMeans[1]',
      '0',
    ],
    [
      'point mass at A < 0',
      (c) => ({
        ...c,
        priorMeans: [-2, 114.71, 0.71, 332.34, 98.36, 43.36],
        priorSds: [0, 40.08, 0.14, 52.07, 30.05, 9.19],
      }),
      'priorMeans[0]',
      '-2',
    ],
    ['tmax 0', (c) => ({ ...c, tmax: 0 }), 'tmax', '0'],
    ['tmax not an integer', (c) => ({ ...c, tmax: 1500.5 }), 'tmax', '1500.5'],
    ['tmax NaN', (c) => ({ ...c, tmax: NaN }), 'tmax', 'NaN'],
    ['contamination > 1', (c) => ({ ...c, contamination: 1.5 }), 'contamination', '1.5'],
    ['contamination < 0', (c) => ({ ...c, contamination: -0.1 }), 'contamination', '-0.1'],
    ['contamination NaN', (c) => ({ ...c, contamination: NaN }), 'contamination', 'NaN'],
    ['min > max num_obs', (c) => ({ ...c, minNumObs: 900, maxNumObs: 800 }), 'minNumObs', '900'],
    ['min num_obs 0', (c) => ({ ...c, minNumObs: 0 }), 'minNumObs', '0'],
    ['fixed num_obs negative', (c) => ({ ...c, fixedNumObs: -5 }), 'fixedNumObs', '-5'],
    ['fixed num_obs fractional', (c) => ({ ...c, fixedNumObs: 2.5 }), 'fixedNumObs', '2.5'],
    ['a = 1', (c) => ({ ...c, a: 1 }), 'a', '1'],
    ['a < 1', (c) => ({ ...c, a: 0.5 }), 'a', '0.5'],
    ['a NaN', (c) => ({ ...c, a: NaN }), 'a', 'NaN'],
    ['negative sigma', (c) => ({ ...c, sigma: -4 }), 'sigma', '-4'],
    ['sigma NaN', (c) => ({ ...c, sigma: NaN }), 'sigma', 'NaN'],
    ['unknown start point', (c) => ({ ...c, startPoint: 'uniform' }), 'startPoint', 'uniform'],
    [
      'fewer than 5 means',
      (c) => ({ ...c, paramNames: ['A', 'tau', 'mu_c', 'mu_r'], priorMeans: [1, 2, 3, 4], priorSds: [1, 1, 1, 1] }),
      'priorMeans',
      '[1, 2, 3, 4]',
    ],
    ['fewer than 5 sds', (c) => ({ ...c, priorSds: [1, 1, 1, 1] }), 'priorSds', '[1, 1, 1, 1]'],
    ['means and sds of different length', (c) => ({ ...c, priorSds: [1, 1, 1, 1, 1] }), 'priorSds', '[1, 1, 1, 1, 1]'],
    [
      'names ≠ number of means',
      (c) => ({ ...c, paramNames: ['A', 'tau', 'mu_c', 'mu_r', 'b'] }),
      'paramNames',
      '"mu_r", "b"]',
    ],
    [
      'sdr_fixed None with 5 priors',
      (c) => ({
        ...c,
        paramNames: ['A', 'tau', 'mu_c', 'mu_r', 'b'],
        priorMeans: c.priorMeans.slice(0, 5),
        priorSds: c.priorSds.slice(0, 5),
        sdrFixed: null,
      }),
      'sdrFixed',
      'null',
    ],
    [
      'name out of positional order',
      (c) => ({ ...c, paramNames: ['tau', 'A', 'mu_c', 'mu_r', 'b', 'sd_r'] }),
      'paramNames[0]',
      'tau',
    ],
    [
      'more than 6 priors',
      (c) => ({
        ...c,
        paramNames: [...c.paramNames, 'x'],
        priorMeans: [...c.priorMeans, 1],
        priorSds: [...c.priorSds, 1],
      }),
      'priorMeans',
      '43.36, 1',
    ],
    ['num_conditions ≠ 2', (c) => ({ ...c, numConditions: 3 }), 'numConditions', '3'],
    ['unknown field', (c) => ({ ...c, tMax: 1000 }), 'tMax', '1000'],
    ['not an object', () => 42, 'config', '42'],
  ])('rejects %s, naming the field and the value', (_label, make, field, value) => {
    rejects(make(base()), field, value);
  });

  it('simulateBatch and simulateTrials reject invalid input before simulating', () => {
    expect(() => simulateBatch({ ...base(), tmax: 0 }, 1, 1)).toThrow(/tmax = 0/);
    expect(() => simulateBatch(base(), NaN, 1)).toThrow(/seed = NaN/);
    expect(() => simulateBatch(base(), 1, -1)).toThrow(/n = -1/);
    const p = { A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 };
    expect(() => simulateTrials(p, 10, 1, { a: 1 })).toThrow(/a = 1/);
    expect(() => simulateTrials(p, 10, 1, { contamination: 2 })).toThrow(/contamination = 2/);
    expect(() => simulateTrials(p, 0, 1)).toThrow(/numObs = 0/);
  });
});

describe('validateDmcParams', () => {
  const ok = { A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 };
  it('accepts a valid vector', () => expect(validateDmcParams(ok)).toEqual(ok));
  it.each<[string, Record<string, number>, RegExp]>([
    ['negative sd_r', { ...ok, sd_r: -1 }, /sd_r = -1/],
    ['tau 0', { ...ok, tau: 0 }, /tau = 0/],
    ['b 0', { ...ok, b: 0 }, /b = 0/],
    ['NaN A', { ...ok, A: NaN }, /A = NaN/],
    ['negative mu_r', { ...ok, mu_r: -5 }, /mu_r = -5/],
  ])('rejects %s', (_l, p, re) => expect(() => validateDmcParams(p)).toThrow(re));
  it('rejects a missing parameter', () => {
    const { b: _b, ...rest } = ok;
    expect(() => validateDmcParams(rest)).toThrow(/b = undefined/);
  });
});
