/**
 * Execution context: Web Worker (module). Computes fANOVA parameter importances off the main thread
 * (a forest of 64 trees over a few hundred trials takes about a second). Exposed with comlink;
 * `fanova-client.ts` is the page-side half. Imports only the pure engine.
 */
import { expose } from 'comlink';
import { evaluateFanova, FanovaError } from '../engine/index.ts';
import type { FanovaOptions, FrozenTrial, ImportanceOutcome } from '../engine/index.ts';

export interface FanovaRequest {
  readonly trials: readonly FrozenTrial[];
  /** Parameters to assess; default the intersection search space of the completed trials. */
  readonly params?: readonly string[];
  readonly options?: FanovaOptions;
}

const api = {
  /**
   * Importances with the forest's seed (a fresh one unless the request names it, as Optuna's None),
   * or the evaluator's reason when it cannot assess them (no or one completed trial, zero variance,
   * unknown parameter). Other errors are bugs and reject the call.
   */
  importances(request: FanovaRequest): ImportanceOutcome {
    try {
      const { importances, seed } = evaluateFanova(request.trials, request.params, request.options);
      return { ok: true, importances, seed };
    } catch (err) {
      if (err instanceof FanovaError) return { ok: false, reason: err.message };
      throw err;
    }
  },
};

export type FanovaWorkerApi = typeof api;

expose(api);
