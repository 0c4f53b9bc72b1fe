/**
 * The part of the networks layer's public API that loads no tfjs: network configurations, the network
 * file format, and the types the main thread shares with the training worker. The page imports this
 * and never `index.ts`, whose modules register tfjs backends on import. Everything here is a type or
 * comes from a module without a tfjs import; keep it so.
 */
export {
  defaultNetworkConfig,
  validateNetworkConfig,
  NetworkConfigError,
  NETWORK_VARIANTS,
  REFERENCE_NETWORK,
  type NetworkConfig,
  type NetworkVariant,
} from './model/config.ts';
export {
  NETWORK_FILE_FORMAT,
  NETWORK_FILE_VERSION,
  NetworkFileError,
  float32ToBase64,
  base64ToFloat32,
  parseNetworkFile,
  type NetworkFile,
  type NetworkFileWeight,
  type NetworkMetadata,
} from './model/network-file.ts';
export type {
  BackendName,
  BackendChoice,
  BackendProbe,
  BackendFallback,
  GpuAdapterSummary,
  WasmThreads,
} from './runtime/backend.ts';
export { planThreads, whyNoThreads, type ThreadInputs, type ThreadPlan } from './runtime/threads.ts';
export type { TrainingCheckpoint } from './objective.ts';
export {
  trialSpec,
  effectiveOps,
  DEFAULT_TRIAL_NETWORK,
  type TrialSpec,
  type TrialSpecInit,
  type TrialHyperparameters,
  type TrialNetworkSpec,
  type TrialOnlineSpec,
  type TrialKeep,
} from './model/trial-spec.ts';
export type { ObservedDraws, ObservedSet } from './posterior/observed.ts';
export type { BatchProgress } from './training/fit.ts';
export type { RecoveryPreview, PreviewOptions } from './posterior/preview.ts';
export { networkParameterCount, type ParameterCount } from './model/parameter-count.ts';
export { FIXED_BYTES, passBytes, WASM_FIT, type PassFit } from './training/pass-bytes.ts';
