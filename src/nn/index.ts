/**
 * Public API of the networks layer (docs/design/networks.md). Importing it loads tfjs, so only worker entries and
 * Node import it; the main thread imports the tfjs-free part, `pure.ts`. Tensors are read with
 * `await data()` only.
 */
export {
  SUMMARY_INPUT_DIM,
  DIRECT_CONDITION_DIM,
  NETWORK_VARIANTS,
  REFERENCE_NETWORK,
  type NetworkVariant,
} from './model/config.ts';
export {
  DataSets,
  fitStandardization,
  validateStandardization,
  unstandardize,
  AdapterError,
  type SimBatch,
  type Standardization,
  type StandardizationOptions,
} from './model/adapter.ts';
export {
  Approximator,
  type ApproximatorOptions,
  type LossInputs,
  type ParameterCounts,
} from './networks/approximator.ts';
export { WeightShapeError, type NamedWeight } from './model/params.ts';
export { DEFAULT_OPS, DEFAULT_SLICE_MIN_MACS, opsOptions, type MatMulStrategy, type OpsOptions } from './ops/index.ts';
export { registerKernels } from './kernels/index.ts';
export type { IntegrationMethod } from './networks/integrate.ts';
export { samplePosterior, DEFAULT_CHUNK_ROWS, type SampleOptions } from './posterior/sample.ts';
export {
  fit,
  validationLoss,
  type ValidationOptions,
  type FitOptions,
  type FitHistory,
  type BatchProgress,
  type EpochResult,
  type FitCheckpoint,
  type OnlineData,
} from './training/fit.ts';
export { MemoryBudgetError, autoMicroBatchSize } from './training/batches.ts';
export { DEFAULT_MEMORY_BUDGET, type MemoryBudget } from './runtime/memory-budget.ts';
export { backendMemoryBudget, GpuError, GpuErrorWatch } from './runtime/device.ts';
export { TrainingDivergedError } from './training/errors.ts';
export {
  BACKEND_ORDER,
  BackendError,
  configureWasm,
  probeBackends,
  selectBackend,
  setWasmThreads,
  wasmThreads,
  type SelectOptions,
  type WasmPaths,
} from './runtime/backend.ts';
export {
  runObjective,
  validateHyperparameters,
  trialNetworkConfig,
  HyperparameterError,
  earlyStopping,
  type EpochReport,
  type SamplingProgress,
  type ObjectiveHooks,
  type ObjectiveOutcome,
  type ObjectiveResult,
} from './objective.ts';
export { serializeNetwork, restoreNetwork } from './networks/network-file-io.ts';
export { recoveryPreview, headSets, PREVIEW_DEFAULTS } from './posterior/preview.ts';
// The tfjs-free part, so that workers and Node see one API.
export * from './pure.ts';
export { sampleObserved, type ObservedSet, type ObservedDraws } from './posterior/observed.ts';
export { evaluateAtNumObs, type NumObsEvaluation } from './posterior/metrics-vs-n.ts';
export {
  StepProfiler,
  profileStepWrapper,
  type ProfileOptions,
  type StepProfile,
  type StepWrapperOptions,
} from './profiling/index.ts';
export { webgpuFeatures, type WebgpuFeatures } from './kernels/index.ts';
