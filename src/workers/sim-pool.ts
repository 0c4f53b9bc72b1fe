/**
 * Browser simulation pool: Web Workers running sim.worker.ts (comlink), scheduled by sim-pool-core.ts.
 * `hardwareConcurrency − 1` workers by default (the page keeps one core), at least 1; chunked jobs with
 * progress; AbortSignal cancellation terminates the busy workers (respawned lazily); idle workers are
 * released after `idleTimeoutMs`; chunk buffers are transferred, not copied, then assembled into one batch.
 */
import { SimPoolCore } from './sim-pool-core.ts';

export type { SimulateOptions } from './sim-pool-core.ts';

export interface SimPoolOptions {
  /** Maximum number of workers (default: navigator.hardwareConcurrency − 1, at least 1). */
  workers?: number;
  /** Idle workers are terminated after this many ms (default 10 000). */
  idleTimeoutMs?: number;
}

export function defaultBrowserWorkers(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return Math.max(1, (cores ?? 2) - 1);
}

function spawnWebWorker(): Worker {
  return new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'dmc-sim' });
}

export class SimPool extends SimPoolCore {
  constructor(opts: SimPoolOptions = {}) {
    super(spawnWebWorker, { ...opts, workers: opts.workers ?? defaultBrowserWorkers() });
  }
}
