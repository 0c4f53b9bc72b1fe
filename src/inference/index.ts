/**
 * Inference on the user's own data, pure part: importing trial-level files (papaparse), posterior
 * summaries, posterior/prior predictive statistics and the out-of-range checks. No DOM, Svelte, tfjs
 * or IndexedDB: runs in the page, in workers and in the CLI.
 */
export {
  applyMapping,
  DataFileError,
  DEFAULT_RULES,
  detectMapping,
  distinctValues,
  formatIssue,
  formatLines,
  guessCongruent,
  guessRtUnit,
  importTrials,
  parseTable,
  type AccuracyKind,
  type ColumnMapping,
  type ImportIssue,
  type ImportResult,
  type ImportRules,
  type ImportSummary,
  type ParticipantData,
  type RawTable,
  type RtUnit,
} from './table.ts';
export {
  column,
  hdiSorted,
  histogram,
  normalCdf,
  quantileSorted,
  summarize,
  summarizeDraws,
  truncatedNormalPdf,
  type Histogram,
  type ParamSummary,
} from './posterior.ts';
export {
  averageBands,
  averageStats,
  CAF_BINS,
  CONDS,
  PPC_QUANTILES,
  predictiveBands,
  trialStats,
  type Band,
  type Cond,
  type PredictiveStats,
  type TrialArrays,
  type TrialStats,
} from './ppc.ts';
export {
  ADVICE,
  CHECKED_STATS,
  dataWarnings,
  drawToParams,
  numObsWarning,
  participantWarnings,
  pointMass,
  PRIOR_PREDICTIVE_SETS,
  priorPredictiveConfig,
  priorRanges,
  simulatorSettings,
  spreadIndices,
  type InferenceWarning,
  type PriorRanges,
  type SimulatorSettings,
  type StatName,
  type WarningKind,
} from './checks.ts';
export { resultsCsv, resultsJson, type ParticipantResult } from './results.ts';
