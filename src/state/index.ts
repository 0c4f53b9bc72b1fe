/**
 * Public surface of the state layer, for ui/ and main.ts: the rune classes that own the app's state,
 * the run lock, routing, and the text helpers the views call.
 */
export type { AppContext } from './app.ts';
export { BackendStatus } from './backends.svelte.ts';
export { isolateViaServiceWorker } from './adapters/isolation.ts';
export type { ClusterOptions } from '../cluster/index.ts';
export { StudyLibrary, type ImportStatus, type StudyEntry } from './library.svelte.ts';
export type { NumberField } from './number-field.svelte.ts';
export { Router } from './router.svelte.ts';
export { href, NAV, type Route, type ViewName } from './routes.ts';
export { webRunLock } from './run-lock.ts';
export { isCancelled, isInterrupted } from './run-support.ts';
export { estimateBackend, readNumberText, SetupDraft, type NumberRead } from './setup-draft.svelte.ts';
export { PARAM_PRESETS, SimulationRun, type SimulationResult } from './simulation-run.svelte.ts';
export {
  DmcExplorer,
  EXPLORER_SLIDERS,
  EXPLORER_TRIALS_PER_CONDITION,
  explorerView,
  type ExplorerView,
} from './dmc-explorer.svelte.ts';
export {
  EVALUATOR_LABEL,
  IMPORTANCE_EVALUATORS,
  pedAnovaOutcome,
  StudyResults,
  type ImportanceEvaluator,
} from './study-results.svelte.ts';
export { StudyRun } from './study-run.svelte.ts';
export { StudyCompare, type CompareState } from './study-compare.svelte.ts';
export { StudyNotes, type Note, type NoteSaveProblem } from './study-notes.svelte.ts';
export { TrialFilterView } from './trial-filter-view.svelte.ts';
export { choiceKey, type ParamDomain, type ParamFilter, type RankFilter, type TrialFilter } from './trial-filter.ts';
export { trialsViaPool } from './trials-via-pool.ts';
export { rememberActiveRun, Workbench, type ResumeOffer } from './workbench.svelte.ts';
export { AVERAGE, InferenceSession } from './inference-session.svelte.ts';
export { trialVerdict, type LearningVerdict } from './verdicts.ts';
export { FinalNetworkRun, type FinalLive, type FinalPhase } from './final-network.svelte.ts';
export { MetricsVsN, METRICS_VS_N_SEED, type MetricsVsNStatus, type NetworkToScore } from './metrics-vs-n.svelte.ts';
export type { FinalRunRecord, FinalRunSettings } from '../persistence/index.ts';
export {
  DEFAULT_FINAL_SETTINGS,
  finalNetworkKey,
  finalSecondsOnWasm,
  isFinalNetworkKey,
  offeredTrials,
} from './final-network-support.ts';
export {
  isOverBudget,
  objectiveCount,
  OVER_BUDGET_KEY,
  overBudgetReason,
  paretoSet,
  WEIGHTED_SUM_KEY,
  weightedSumBest,
  weightedSumOf,
  weightedSumView,
} from './pareto.ts';
