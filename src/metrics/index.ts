/** Public surface of the diagnostics package: pure TypeScript, usable in Node, workers and the page. */
export {
  CALIBRATION_ALPHAS,
  METRIC_ROWS,
  MetricsError,
  calibrationError,
  computeDiagnostics,
  nrmse,
  posteriorContraction,
  type DiagnosticsTable,
  type MetricRow,
  type NumericArray,
  type UndefinedCell,
} from './diagnostics.ts';
export { DEFAULT_METRIC_WEIGHTS, weightedMetricSum, type MetricWeights } from './weighted-sum.ts';
export { tableToRecord, type DiagnosticsRecord } from './table-record.ts';
export { mean, median, quantileSorted, varianceDdof1 } from './stats.ts';
export {
  learningVerdict,
  verdictOf,
  VERDICT_THRESHOLDS,
  type LearningVerdict,
  type MetricsRecord,
  type ParamLevel,
  type ParamVerdict,
  type VerdictThresholds,
} from './verdict.ts';
export {
  fractionalRanks,
  rankEcdf,
  simultaneousEcdfBands,
  type EcdfBand,
  type EcdfBandOptions,
  type EcdfLine,
} from './calibration-ecdf.ts';
export {
  MAX_NUM_OBS,
  MAX_NUM_OBS_VALUES,
  defaultNumObsList,
  metricsVsNumObs,
  parseNumObsList,
  type MetricsAtNumObs,
  type MetricsVsNumObs,
} from './metrics-vs-n.ts';
export { OBJECTIVE_LABEL, OBJECTIVE_METRICS, objectiveValues, type ObjectiveMetric } from './objectives.ts';
