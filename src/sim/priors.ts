/**
 * Prior tables of docs/design/simulator.md#prior and the notebook configuration
 * (simschaefer/amortized-dmc `notebooks/hyperparameter_optimization.ipynb`, `model_specs/*.pickle`).
 */
import type { DmcConfig, ParamName } from './types.ts';

export interface PriorTable {
  paramNames: ParamName[];
  means: number[];
  sds: number[];
  /** null: sd_r estimated (6 entries); 0: sd_r fixed at 0 (5 entries). */
  sdrFixed: number | null;
}

const SIX: ParamName[] = ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'];
const FIVE: ParamName[] = ['A', 'tau', 'mu_c', 'mu_r', 'b'];

export const PRIORS = {
  /** Notebook / study prior (the default). */
  notebook: {
    paramNames: SIX,
    means: [70.8, 114.71, 0.71, 332.34, 98.36, 43.36],
    sds: [19.42, 40.08, 0.14, 52.07, 30.05, 9.19],
    sdrFixed: null,
  },
  /** Prior of the trained networks with sd_r estimated. */
  updated: {
    paramNames: SIX,
    means: [20.49, 118.36, 0.57, 358.01, 61.0, 36.93],
    sds: [8.4, 37.6, 0.12, 24.27, 13.23, 8.6],
    sdrFixed: null,
  },
  /** Prior of the trained networks with sd_r fixed (5 parameters). */
  'updated-sdr-fixed': {
    paramNames: FIVE,
    means: [17.16, 152.76, 0.56, 297.49, 92.6],
    sds: [7.59, 36.26, 0.13, 21.49, 17.72],
    sdrFixed: 0,
  },
  /** `dmc_introduction.ipynb`: notebook means with narrower sds. */
  introduction: {
    paramNames: SIX,
    means: [70.8, 114.71, 0.71, 332.34, 98.36, 43.36],
    sds: [7.39, 41.9, 0.11, 23.96, 10.6, 8.27],
    sdrFixed: null,
  },
} as const satisfies Record<string, PriorTable>;

export type PriorName = keyof typeof PRIORS;

export function isPriorName(s: string): s is PriorName {
  return Object.prototype.hasOwnProperty.call(PRIORS, s);
}

/** A configuration using prior `name`; the other options are the notebook's. */
export function configWithPrior(name: PriorName, base: DmcConfig = NOTEBOOK_CONFIG): DmcConfig {
  const p: PriorTable = PRIORS[name];
  return {
    ...base,
    paramNames: [...p.paramNames],
    priorMeans: [...p.means],
    priorSds: [...p.sds],
    sdrFixed: p.sdrFixed,
  };
}

/**
 * The notebook's simulator: 6 parameters (sd_r estimated), tmax 1500 ms, 500 trials per data set, a = 2,
 * sigma = 4, Beta(3,3) start point, no contamination. min/max_num_obs keep the reference defaults 50/800
 * (unused while fixedNumObs is set).
 */
export const NOTEBOOK_CONFIG: DmcConfig = Object.freeze({
  // frozen copies: a caller mutating the shared default would silently change every later simulation
  paramNames: Object.freeze([...PRIORS.notebook.paramNames]) as ParamName[],
  priorMeans: Object.freeze([...PRIORS.notebook.means]) as number[],
  priorSds: Object.freeze([...PRIORS.notebook.sds]) as number[],
  sdrFixed: null,
  tmax: 1500,
  a: 2,
  sigma: 4,
  startPoint: 'beta',
  fixedNumObs: 500,
  minNumObs: 50,
  maxNumObs: 800,
  contamination: null,
}) as DmcConfig;
