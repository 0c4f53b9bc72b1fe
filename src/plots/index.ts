/**
 * Public surface of the plotting layer: pure builders (trials → chart.js configuration or an empty
 * state with a reason), the diagnostics plots, the trials CSV (fANOVA importances are computed by the engine) and the chart.js
 * plugins that `src/ui/charts/Chart.svelte` registers. No DOM, Svelte, tfjs or IndexedDB here.
 */
export type { ChartPlot, Direction, EmptyPlot, Plot, PlotGroup, PlotSet, TargetOptions } from './types.ts';
export { PlotError } from './types.ts';

export { HISTORY_TITLE, buildHistoryPlot, buildOptimizationHistory, historyInfo, runningBest } from './history.ts';
export type { HistoryInfo, HistoryOptions, StudyTrials } from './history.ts';
export { SLICE_TITLE, buildSlicePlots } from './slice.ts';
export type { SliceOptions } from './slice.ts';
export { IMPORTANCE_TITLE, buildImportancePlot } from './importance.ts';
export type { ImportanceOptions, ImportanceOutcome, ParamImportance } from './importance.ts';
export { PARALLEL_TITLE, buildParallelCoordinate } from './parallel-coordinate.ts';
export type { ParallelOptions } from './parallel-coordinate.ts';
export { CONTOUR_TITLE, DEFAULT_CONTOUR_GRID, buildContourPlot } from './contour.ts';
export type { ContourOptions } from './contour.ts';
export { INTERMEDIATE_TITLE, buildIntermediateValuesPlot } from './intermediate.ts';
export type { IntermediateOptions } from './intermediate.ts';
export { EDF_POINTS, EDF_TITLE, buildEdfPlot, buildStudiesEdfPlot, edfInfo } from './edf.ts';
export type { EdfInfo, EdfOptions } from './edf.ts';
export { RANK_TITLE, buildRankPlot, buildRankPlots, rankInfo } from './rank.ts';
export type { RankInfo, RankOptions } from './rank.ts';
export { TIMELINE_TITLE, buildTimelinePlot } from './timeline.ts';
export type { TimelineOptions } from './timeline.ts';

export { RECOVERY_TITLE, buildRecoveryPlots } from './diagnostics/recovery.ts';
export type { DiagnosticsPlotOptions } from './diagnostics/recovery.ts';
export { CALIBRATION_TITLE, buildCalibrationPlot } from './diagnostics/calibration.ts';
export type { CalibrationOptions } from './diagnostics/calibration.ts';
export { CONTRACTION_TITLE, buildContractionPlot } from './diagnostics/contraction.ts';
export { CALIBRATION_ECDF_TITLE, buildCalibrationEcdfPlots } from './diagnostics/calibration-ecdf.ts';
export type { CalibrationEcdfOptions } from './diagnostics/calibration-ecdf.ts';
export { METRICS_VS_N_TITLE, buildMetricsVsNPlots } from './metrics-vs-n.ts';
export type { MetricsVsNOptions } from './metrics-vs-n.ts';
export type { PosteriorSample } from './diagnostics/draws.ts';

export { formatDuration, formatNumber, formatTick, formatValue } from './format.ts';
export type { NumberFormat } from './format.ts';

export { buildRunLossChart } from './run-loss.ts';
export { buildRunRecoveryCharts, correlation, DMC_PARAM_UNITS } from './run-recovery.ts';
export type { RecoveryPreviewData, RunRecoveryChart } from './run-recovery.ts';
export type { EarlierTrialLoss, RunLossChart, RunningTrialLoss } from './run-loss.ts';
export { buildAccuracyChart, buildRtHistogram } from './simulation.ts';
export type { RtHistogramCounts } from './simulation.ts';
export { rtHistograms, type RtHistograms } from './rt-histogram.ts';

export { trialsToCsv } from './csv.ts';
export type { CsvOptions } from './csv.ts';
export { parseDatetime } from './datetime.ts';

export { PLOT_PLUGINS, cloneConfig } from './chart-plugins.ts';
export type { ColorBarOptions, HeatmapOptions, ParallelAxesOptions } from './plugin-options.ts';
export { activationWindow, buildActivationChart, buildCafChart, buildDeltaChart } from './explorer.ts';
export type { CafData, DeltaData } from './explorer.ts';
export { buildPpcCharts } from './ppc.ts';
export type { PpcBand, PpcCharts, PpcObserved, PpcPredicted } from './ppc.ts';
export { buildParetoFrontPlots, PARETO_COLORS, PARETO_TITLE, paretoClasses } from './pareto.ts';
export type { ParetoClasses, ParetoOptions } from './pareto.ts';
export {
  buildHypervolumeHistory,
  HYPERVOLUME_TITLE,
  hypervolumeHistory,
  hypervolumeReference,
  referencePointOf,
} from './hypervolume-history.ts';
export type { HypervolumeOptions, HypervolumePoint } from './hypervolume-history.ts';
