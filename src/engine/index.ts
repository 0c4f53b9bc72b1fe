/**
 * Public surface of the study engine (Optuna-compatible, pure TypeScript). Everything else under
 * src/engine is internal. Design notes: docs/design/study-engine.md.
 */
export * from './types.ts';
export {
  floatDistribution,
  intDistribution,
  categoricalDistribution,
  toInternalRepr,
  toExternalRepr,
  distributionsEqual,
  checkDistributionCompatibility,
  isSingle,
  singleValue,
  contains,
  choicesEqual,
  distributionRepr,
  type NumericOptions,
} from './distributions.ts';
export { distributionToJson, jsonToDistribution, distributionFromJsonValue } from './distribution-json.ts';
export { pyJsonDumps, pyJsonLoads, pyFloatRepr, pyJsonString } from './py-format.ts';
export { nowIsoDateTime, toIsoDateTime, parseIsoDateTime, durationSeconds } from './datetime.ts';
export { setWarningHandler, collectWarnings, warn, type WarningHandler } from './warnings.ts';

export { Trial } from './trial/trial.ts';
export {
  CONSTRAINTS_KEY,
  TrialPruned,
  isFeasible,
  lastStep,
  lastIntermediateValue,
  trialConstraints,
} from './trial/frozen.ts';
export { Study, popWaitingTrial } from './study/study.ts';
export { createStudy, loadStudy, type CreateStudyOptions, type LoadStudyOptions } from './study/create.ts';
export {
  FAIL_REASON_KEY,
  FAIL_REASON_PREFIX,
  failReasonOf,
  recordFailReason,
  withFailReasons,
  type TellOptions,
} from './study/tell.ts';
export type { Objective, OptimizeOptions } from './study/optimize.ts';

export type { Sampler, SamplerStudy, DirectionName } from './samplers/sampler.ts';
export {
  paretoFrontTrials,
  nonDominatedSort,
  isParetoFront,
  dominatesLoss,
  lossValue,
  lossMatrix,
  type NonDominatedSortOptions,
} from './multi-objective/pareto.ts';
export { hypervolume } from './multi-objective/hypervolume.ts';
export { hsspReferencePoint } from './multi-objective/hssp.ts';
export { NSGAIISampler, type NSGAIISamplerOptions } from './samplers/nsgaii/nsgaii-sampler.ts';
export { RandomSampler, type RandomSamplerOptions } from './samplers/random.ts';
export { TPESampler, type TPESamplerOptions } from './samplers/tpe/tpe-sampler.ts';
export { intersectionSearchSpace } from './samplers/search-space.ts';

export { evaluateFanova, FanovaError, fanovaImportances, pedAnovaImportances } from './importance/index.ts';
export type { PedAnovaOptions } from './importance/index.ts';
export type {
  FanovaErrorCode,
  FanovaOptions,
  FanovaResult,
  ImportanceOutcome,
  ParamImportance,
} from './importance/index.ts';

export type { Pruner, PrunerStudy } from './pruners/pruner.ts';
export { NopPruner } from './pruners/nop.ts';
export { MedianPruner, PercentilePruner, type PercentilePrunerOptions } from './pruners/median.ts';
export { SuccessiveHalvingPruner, type SuccessiveHalvingOptions } from './pruners/successive-halving.ts';

export type { Storage } from './storages/storage.ts';
export { InMemoryStorage } from './storages/in-memory.ts';
export * from './storages/journal/index.ts';
export {
  dashboardNotes,
  NOTE_CHUNK_LENGTH,
  NoteConflictError,
  noteFromSystemAttrs,
  saveDashboardNote,
  type DashboardNotes,
} from './study/dashboard-notes.ts';
