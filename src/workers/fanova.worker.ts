/**
 * Execution context: Web Worker (module). Computes fANOVA parameter importances off the main thread
 * (a forest of 64 trees over a few hundred trials takes about a second). Exposed with comlink;
 * `fanova-client.ts` is the page-side half. Imports only the pure fANOVA module.
 */
import { expose } from 'comlink';
import type { FrozenTrial } from '../engine/index.ts';
import { FanovaError, fanovaImportances, type FanovaOptions, type ImportanceOutcome } from '../plots/index.ts';

export interface FanovaRequest {
  readonly trials: readonly FrozenTrial[];
  /** Parameters to assess; default the intersection search space of the completed trials. */
  readonly params?: readonly string[];
  readonly options?: FanovaOptions;
}

const api = {
  /**
   * Importances, or the evaluator's reason when it cannot assess them (no or one completed trial,
   * zero variance, unknown parameter). Other errors are bugs and reject the call.
   */
  importances(request: FanovaRequest): ImportanceOutcome {
    try {
      return { ok: true, importances: fanovaImportances(request.trials, request.params, request.options) };
    } catch (err) {
      if (err instanceof FanovaError) return { ok: false, reason: err.message };
      throw err;
    }
  },
};

export type FanovaWorkerApi = typeof api;

expose(api);
