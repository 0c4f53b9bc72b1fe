/**
 * PED-ANOVA (Optuna 5's default) and fANOVA parameter importances (pure; src/workers/fanova.worker.ts runs them off the main thread).
 * Reached through src/engine/index.ts; the plots only draw what this computes.
 */
export { evaluateFanova, FanovaError, fanovaImportances, importanceSearchSpace } from './evaluator.ts';
export type { FanovaErrorCode, FanovaOptions, FanovaResult, ImportanceOutcome, ParamImportance } from './evaluator.ts';
export { pedAnovaImportances } from './ped-anova.ts';
export type { PedAnovaOptions } from './ped-anova.ts';
export { decomposeTree } from './decomposition.ts';
export type { TreeVariance } from './decomposition.ts';
export { fitForest, predictTree } from './forest.ts';
export type { Dataset, ForestOptions, RegressionTree } from './forest.ts';
