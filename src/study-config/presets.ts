/**
 * Ready-made study configurations. `notebook` reproduces the demo of simschaefer/amortized-dmc
 * `notebooks/hyperparameter_optimization.ipynb` (docs/design/study-engine.md#the-reference-study: 10 trials × 10 epochs, 100
 * training / 100 validation sets of 500 trials, notebook prior of docs/design/simulator.md#prior); the others keep its
 * search space and shrink the data so a study finishes on hardware without a GPU.
 */
import type { SearchSpace, StudyConfig } from './types.ts';

/** The notebook's search space (docs/design/study-engine.md#the-reference-study), with summary_dim [4, 32] as the scripts now say. */
export function notebookSearchSpace(): SearchSpace {
  return {
    dropout: { type: 'float', low: 0.01, high: 0.3, log: false, step: null },
    lr: { type: 'float', low: 1e-4, high: 1e-3, log: false, step: null },
    num_seeds: { type: 'int', low: 1, high: 8, log: false, step: 1 },
    batch_size: { type: 'categorical', choices: [16, 32, 64, 128] },
    embed_dim: { type: 'categorical', choices: [64, 128] },
    summary_dim: { type: 'int', low: 4, high: 32, log: false, step: 1 },
  };
}

/** The notebook's study. A fresh object on every call: callers may mutate it. */
export function defaultStudyConfig(): StudyConfig {
  return {
    version: 1,
    name: 'notebook',
    seed: 2025,
    simulator: {
      // docs/design/simulator.md#prior, row "notebook / study".
      prior: {
        A: { mean: 70.8, sd: 19.42 },
        tau: { mean: 114.71, sd: 40.08 },
        mu_c: { mean: 0.71, sd: 0.14 },
        mu_r: { mean: 332.34, sd: 52.07 },
        b: { mean: 98.36, sd: 30.05 },
        sd_r: { mean: 43.36, sd: 9.19 },
      },
      sdr: 'estimated',
      tmax: 1500,
      numObs: { fixed: 500 },
      contamination: null,
    },
    data: { trainingSets: 100, validationSets: 100 },
    searchSpace: notebookSearchSpace(),
    epochs: 10,
    nTrials: 10,
    timeout: null,
    // The notebook's TPESampler has 10 startup trials, so its 10 trials are all random draws.
    sampler: { type: 'tpe', seed: 2025, multivariate: false, nStartupTrials: 10, constantLiar: true },
    // The notebook's MedianPruner never acted (its objective never reports); "none" reproduces that.
    pruner: { type: 'none' },
    weights: { recovery: 1, pc: 1, sbc: 1 },
    // BayesFlow defaults used by compute_default_diagnostics (docs/design/networks.md#flow-matching, docs/design/networks.md#diagnostics).
    diagnostics: { posteriorDraws: 1000, integrationSteps: 100, integrator: 'euler' },
    backend: 'auto',
  };
}

/**
 * For browsers without a usable GPU (wasm on a few CPU cores): the notebook's search space and prior,
 * with data a CPU can learn from in under a minute per trial. Many small data sets (600 of 50 trials)
 * give the optimizer far more steps per second than the notebook's 100 sets of 500 (a wasm step costs
 * roughly N·e, plus N² attention), and 50 posterior draws × 25 Euler steps on the 100 validation sets
 * keep the diagnostics to a few seconds while 100 sets still make the calibration error meaningful.
 * Measured with `npm run demo` on 2 cores: README, Performance.
 */
export function cpuStudyConfig(): StudyConfig {
  const c = defaultStudyConfig();
  c.name = 'demo-cpu';
  c.simulator.numObs = { fixed: 50 };
  c.data = { trainingSets: 600, validationSets: 100 };
  c.epochs = 3;
  c.nTrials = 5;
  c.diagnostics = { posteriorDraws: 50, integrationSteps: 25, integrator: 'euler' };
  return c;
}

/** Tiny study for tests and the headless demo (3 trials, 2 epochs, tiny data). */
export function smokeStudyConfig(): StudyConfig {
  const c = defaultStudyConfig();
  c.name = 'smoke';
  c.simulator.numObs = { fixed: 50 };
  c.data = { trainingSets: 16, validationSets: 8 };
  c.epochs = 2;
  c.nTrials = 3;
  c.diagnostics = { posteriorDraws: 50, integrationSteps: 10, integrator: 'euler' };
  return c;
}

export const PRESETS = {
  notebook: defaultStudyConfig,
  cpu: cpuStudyConfig,
  smoke: smokeStudyConfig,
} as const;
export type PresetName = keyof typeof PRESETS;

export function isPresetName(x: string): x is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, x);
}

/** The demo preset for a detected backend: a real GPU gets the notebook, anything else the CPU preset. */
export function demoPresetFor(gpu: { available: boolean; reason?: string }): { preset: PresetName; reason: string } {
  if (gpu.available) {
    return { preset: 'notebook', reason: 'A WebGPU adapter on a hardware GPU was found: running the notebook study.' };
  }
  const why = gpu.reason ?? 'no hardware GPU was detected';
  return {
    preset: 'cpu',
    reason:
      `Smaller CPU preset (5 trials × 3 epochs, 600 training and 100 validation data sets of 50 trials, ` +
      `50 posterior draws): about a minute per trial on a laptop's CPU, where the notebook study would take hours: ${why}.`,
  };
}
