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
    version: 2,
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
    // The notebook's TPESampler (Optuna 4.x defaults: independent sampling) has 10 startup trials, so
    // its 10 trials are all random draws; its settings are kept so that a longer run stays comparable.
    sampler: {
      type: 'tpe',
      seed: 2025,
      multivariate: false,
      nStartupTrials: 10,
      constantLiar: true,
      bandwidth: 'scott',
    },
    // The notebook's MedianPruner never acted (its objective never reports); "none" reproduces that.
    pruner: { type: 'none' },
    weights: { recovery: 1, pc: 1, sbc: 1 },
    // BayesFlow defaults used by compute_default_diagnostics (docs/design/networks.md#flow-matching, docs/design/networks.md#diagnostics).
    diagnostics: { posteriorDraws: 1000, integrationSteps: 100, integrator: 'euler' },
    backend: 'auto',
  };
}

/** Optuna 5.0's TPESampler defaults (multivariate, constant liar, per-dimension bandwidth), seed 2025. */
const OPTUNA5_TPE = (): StudyConfig['sampler'] => ({
  type: 'tpe',
  seed: 2025,
  multivariate: true,
  nStartupTrials: 10,
  constantLiar: true,
  bandwidth: 'neighbor',
});

/** The configuration the CPU demo tries first: the largest learning rate of the space, mid-sized batches. */
export const CPU_DEMO_FIRST_TRIAL = Object.freeze({
  dropout: 0.05,
  lr: 0.001,
  num_seeds: 1,
  batch_size: 64,
  embed_dim: 64,
  summary_dim: 16,
});

/**
 * For browsers without a usable GPU (wasm on a few CPU cores): the notebook's search space and prior,
 * sized so that its best network visibly learns within a few minutes on 2 cores. What makes that
 * possible, each measured with `cli train` (README, "The CPU demo"):
 * - standardized per-trial inputs and condition (network.standardizeTrials / standardizeCondition): with
 *   the notebook's raw inputs, 200 steps of 64 sets of 50 trials left b and mu_r unlearned (L 1.27,
 *   contraction b 0.28, mu_r 0); standardized, the same steps reach L 0.95, b 0.63, mu_r 0.64;
 * - many small data sets (1024 of 50 trials): a step costs roughly N·e, so N 50 gives ten times the steps
 *   of the notebook's N 500 for the same time;
 * - a first trial known to learn at this budget (enqueueTrials: 16 epochs × 16 steps of 64 sets), and a
 *   median pruner that stops a later trial after 2 epochs when its validation loss is worse than the
 *   first trial's, so the minutes go to promising trials; and a study timeout of 200 s, after which no
 *   new trial starts (the whole demo stays within 5 minutes on 2 cores);
 * - 50 posterior draws × 25 Euler steps on the 100 validation sets: diagnostics in seconds, while 100 sets
 *   still make the calibration error meaningful.
 */
export function cpuStudyConfig(): StudyConfig {
  const c = defaultStudyConfig();
  c.name = 'demo-cpu';
  c.sampler = OPTUNA5_TPE();
  c.simulator.numObs = { fixed: 50 };
  c.data = { trainingSets: 1024, validationSets: 100 };
  c.epochs = 16;
  c.nTrials = 4;
  c.timeout = 200;
  c.pruner = { type: 'median', nStartupTrials: 1, nWarmupSteps: 1, intervalSteps: 1, nMinTrials: 1 };
  c.network = { variant: 'as-tuned', standardizeCondition: true, standardizeTrials: true };
  c.enqueueTrials = [{ ...CPU_DEMO_FIRST_TRIAL }];
  c.diagnostics = { posteriorDraws: 50, integrationSteps: 25, integrator: 'euler' };
  return c;
}

/**
 * The demo with a hardware GPU: the notebook's prior, search space and trial count, with data and
 * training sized so that networks learn (the notebook's own budget, 10 epochs over 100 data sets, is 16 to
 * 63 optimizer steps per trial: its networks barely move from the prior). 2048 training sets of 500
 * trials × 20 epochs is 320–2560 steps per trial; standardized inputs, a first trial known to learn and a
 * median pruner as in the CPU demo; 500 posterior draws × 50 Euler steps on 200 validation sets.
 * Not yet timed on a GPU (README, "Measuring a real GPU"); the Setup estimate says what it can.
 */
export function gpuStudyConfig(): StudyConfig {
  const c = defaultStudyConfig();
  c.name = 'demo-gpu';
  c.sampler = OPTUNA5_TPE();
  c.data = { trainingSets: 2048, validationSets: 200 };
  c.epochs = 20;
  c.nTrials = 10;
  c.pruner = { type: 'median', nStartupTrials: 2, nWarmupSteps: 5, intervalSteps: 1, nMinTrials: 1 };
  c.network = { variant: 'as-tuned', standardizeCondition: true, standardizeTrials: true };
  c.enqueueTrials = [{ ...CPU_DEMO_FIRST_TRIAL }];
  c.diagnostics = { posteriorDraws: 500, integrationSteps: 50, integrator: 'euler' };
  return c;
}

/** Tiny study for tests and the headless demo (3 trials, 2 epochs, tiny data). */
export function smokeStudyConfig(): StudyConfig {
  const c = defaultStudyConfig();
  c.name = 'smoke';
  c.sampler = OPTUNA5_TPE();
  c.simulator.numObs = { fixed: 50 };
  c.data = { trainingSets: 16, validationSets: 8 };
  c.epochs = 2;
  c.nTrials = 3;
  c.diagnostics = { posteriorDraws: 50, integrationSteps: 10, integrator: 'euler' };
  return c;
}

export const PRESETS = {
  notebook: defaultStudyConfig,
  gpu: gpuStudyConfig,
  cpu: cpuStudyConfig,
  smoke: smokeStudyConfig,
} as const;
export type PresetName = keyof typeof PRESETS;

export function isPresetName(x: string): x is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, x);
}

/** What each preset is for, in a sentence or two, shown when it is loaded in Setup. */
export const PRESET_NOTES: Readonly<Record<PresetName, string>> = {
  notebook:
    "The published notebook's study, to reproduce it: 10 trials × 10 epochs on 100 data sets of 500 trials. " +
    'At this budget networks barely learn (16 to 63 optimizer steps per trial; its best trial scored L 1.43 on an A100, ' +
    'about what a network that ignores the data scores). To see networks learn, use the GPU or CPU demo.',
  gpu:
    'A study sized to learn on a GPU: the notebook’s prior and search space, 2048 data sets of 500 trials × 20 epochs, ' +
    'standardized inputs, a first trial known to learn and a pruner that stops trials worse than the best.',
  cpu:
    'A study sized to learn in a few minutes on a CPU: the notebook’s search space on 1024 data sets of 50 trials, ' +
    'standardized inputs, a first trial known to learn, and a pruner that stops trials worse than the best after 2 epochs.',
  smoke: 'A tiny study that checks the whole path in seconds; its networks learn nothing.',
};

/** The demo preset for a detected backend: a hardware GPU gets the GPU demo, anything else the CPU one. */
export function demoPresetFor(gpu: { available: boolean; reason?: string }): { preset: PresetName; reason: string } {
  if (gpu.available) {
    return {
      preset: 'gpu',
      reason:
        'A WebGPU adapter on a hardware GPU was found: running the GPU demo (10 trials × 20 epochs on 2048 data sets of 500 trials). ' +
        'The notebook’s own study is in Setup → Notebook.',
    };
  }
  const why = gpu.reason ?? 'no hardware GPU was detected';
  return {
    preset: 'cpu',
    reason:
      `CPU demo (${why}): up to 4 trials on 1024 data sets of 50 trials, with standardized inputs, a first trial known to learn ` +
      `and a pruner that stops trials worse than the best after 2 epochs — about 4 minutes on 2 cores, where the notebook ` +
      `study would take hours. Watch the recovery plots fill in.`,
  };
}
