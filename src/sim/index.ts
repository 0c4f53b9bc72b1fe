/**
 * DMC simulator (docs/design/simulator.md): configuration, prior, trial process, batches, summaries.
 * Pure TypeScript without DOM, so it runs in the page, in Web Workers and in Node worker_threads.
 */
export { PARAM_ORDER } from './types.ts';
export type { DmcBatch, DmcConfig, DmcParams, DmcTrials, ParamName, SimChunkApi, StartPoint } from './types.ts';
export { DmcConfigError, batchParamNames, validateDmcConfig, validateDmcParams } from './config.ts';
export { NOTEBOOK_CONFIG, PRIORS, configWithPrior, isPriorName } from './priors.ts';
export type { PriorName, PriorTable } from './priors.ts';
export { drawPrior, truncatedNormalAtZero } from './prior.ts';
export { DmcKernel, fillAutomaticDrift } from './kernel.ts';
export type { TrialOptions } from './kernel.ts';
export { NUM_OBS_STREAM, batchBuffers, drawNumObs, simulateBatch, simulateRange, simulateTrials } from './batch.ts';
export {
  ONLINE_BASE,
  OnlineFeed,
  VALIDATION_PARTS,
  onlineBatchPlan,
  simulateOnlineBatch,
  validationPlans,
} from './online.ts';
export type { OnlineBatchPlan, OnlineFeedOptions, SimulatePlan } from './online.ts';
export { SUMMARY_QUANTILES, summarizeConditions, summarizeDataset } from './summary.ts';
export { activationCurves, expectedAutomatic, type ActivationCurves } from './activation.ts';
export type { ConditionSummaries, ConditionSummary, QuantileKey } from './summary.ts';
