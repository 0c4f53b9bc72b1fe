/**
 * Public API of the networks layer (issue 4; `networks.md`). Everything here runs in a worker or in
 * Node; tensors are read with `await data()` only.
 */
export {
  defaultNetworkConfig,
  validateNetworkConfig,
  NetworkConfigError,
  SUMMARY_INPUT_DIM,
  DIRECT_CONDITION_DIM,
  type NetworkConfig,
} from './config.ts';
export {
  DataSets,
  fitStandardization,
  validateStandardization,
  buildHostInputs,
  uploadInputs,
  toTensors,
  disposeInputs,
  unstandardize,
  AdapterError,
  type SimBatch,
  type Standardization,
  type StandardizationOptions,
  type HostInputs,
  type AdaptedTensors,
} from './adapter.ts';
export {
  Approximator,
  type ApproximatorOptions,
  type LossInputs,
  type ParameterCounts,
} from './networks/approximator.ts';
export { WeightShapeError, type NamedWeight } from './params.ts';
export { INFERENCE, type ForwardContext } from './blocks/context.ts';
export {
  setMatMulStrategy,
  getMatMulStrategy,
  setSliceMinMacs,
  DEFAULT_SLICE_MIN_MACS,
  type MatMulStrategy,
} from './blocks/matmul.ts';
export { integrate, type IntegrationMethod, type VelocityFn } from './networks/integrate.ts';
export { samplePosterior, DEFAULT_CHUNK_ROWS, type SampleOptions } from './sample.ts';
export {
  fit,
  validationLoss,
  type ValidationOptions,
  type FitOptions,
  type FitHistory,
  type BatchProgress,
  type EpochResult,
} from './training/fit.ts';
export {
  autoMicroBatchSize,
  drawBatchNoise,
  uploadLossInputs,
  disposeLossInputs,
  DEFAULT_ATTENTION_BUDGET,
  DEFAULT_MEMORY_BUDGET,
  MemoryBudgetError,
  trainingPassBytes,
  type BatchNoise,
} from './training/batches.ts';
export { TrainingDivergedError } from './training/errors.ts';
export { learningRateAt, scheduleShape, type ScheduleShape } from './training/schedule.ts';
export { Adam, clipByNorm, REFERENCE_ADAM, type AdamOptions } from './training/adam.ts';
export { sampleObserved, type ObservedSet, type ObservedDraws } from './infer.ts';
export {
  parseNetworkFile,
  NetworkFileError,
  type NetworkFile,
  type NetworkMetadata,
} from './serialize.ts';
