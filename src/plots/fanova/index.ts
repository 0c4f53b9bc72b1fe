/** fANOVA parameter importances (pure; runs in src/workers/fanova.worker.ts off the main thread). */
export { FanovaError, fanovaImportances, importanceSearchSpace } from './evaluator.ts';
export type { FanovaErrorCode, FanovaOptions } from './evaluator.ts';
export { decomposeTree } from './decomposition.ts';
export type { TreeVariance } from './decomposition.ts';
export { fitForest, predictTree } from './forest.ts';
export type { Dataset, ForestOptions, RegressionTree } from './forest.ts';
