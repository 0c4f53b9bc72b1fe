/** Public surface of the study configuration (docs/study-config.md). */
export type {
  BackendPreference,
  ConfigIssue,
  DataSpec,
  DiagnosticsSpec,
  HyperparameterName,
  NumObsSpec,
  PriorParamName,
  PriorSpec,
  PrunerSpec,
  SamplerSpec,
  SearchDistribution,
  SearchSpace,
  SimulatorSpec,
  StudyConfig,
  ValidationResult,
  WeightsSpec,
} from './types.ts';
export { HYPERPARAMETER_NAMES, PARAM_NAMES, STUDY_CONFIG_VERSION } from './types.ts';
export {
  cpuStudyConfig,
  defaultStudyConfig,
  demoPresetFor,
  isPresetName,
  notebookSearchSpace,
  PRESETS,
  smokeStudyConfig,
  type PresetName,
} from './presets.ts';
export { formatIssues, parseStudyConfig, validateStudyConfig } from './validate.ts';
export {
  dataSeeds,
  makePruner,
  makeSampler,
  suggestAll,
  toDistribution,
  toDmcConfig,
  trialHyperparameters,
  trialSeed,
  type SuggestedHyperparameters,
} from './convert.ts';
