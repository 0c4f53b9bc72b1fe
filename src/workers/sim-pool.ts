/**
 * Browser simulation pool: Web Workers running sim.worker.ts (comlink), scheduled by sim-pool-core.ts.
 * `hardwareConcurrency − 1` workers by default (the page keeps one core), at least 1; chunked jobs with
 * progress; AbortSignal cancellation terminates the busy workers (respawned lazily); idle workers are
 * released after `idleTimeoutMs`; chunk buffers are transferred, not copied, then assembled into one batch.
 */
import * as Comlink from 'comlink';
import type { DmcBatch, DmcConfig, SimChunkApi } from '../sim/index.ts';
import { SimPoolCore, type SimulateOptions, type WorkerHandle } from './sim-pool-core.ts';

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

function spawnWebWorker(onCrash: (err: Error) => void): WorkerHandle {
  const worker = new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'dmc-sim' });
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    onCrash(new Error(`simulation worker failed: ${ev.message || 'could not load the worker script'}`));
  });
  const remote = Comlink.wrap<SimChunkApi>(worker);
  return {
    simulateChunk: (config, seed, start, count, numObs) => remote.simulateChunk(config, seed, start, count, numObs),
    terminate: () => worker.terminate(),
  };
}

export class SimPool {
  private readonly core: SimPoolCore;

  constructor(opts: SimPoolOptions = {}) {
    this.core = new SimPoolCore(spawnWebWorker, {
      workers: opts.workers ?? defaultBrowserWorkers(),
      ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
    });
  }

  /** Maximum number of workers. */
  get workers(): number {
    return this.core.workers;
  }

  /** Workers alive now (busy or idle). */
  get liveWorkers(): number {
    return this.core.liveWorkers;
  }

  /** Workers running a chunk now. */
  get busyWorkers(): number {
    return this.core.busyWorkers;
  }

  /**
   * n data sets, bit-identical to `simulateBatch(config, seed, n)`. Rejects with a DmcConfigError for an
   * invalid config and with a DOMException named 'AbortError' when `signal` aborts.
   */
  simulate(config: DmcConfig, seed: number, n: number, opts?: SimulateOptions): Promise<DmcBatch> {
    return this.core.simulate(config, seed, n, opts);
  }

  /** Starts every worker and waits until it has loaded. */
  warmUp(): Promise<void> {
    return this.core.warmUp();
  }

  /** Terminates all workers; unfinished simulations reject. */
  dispose(): void {
    this.core.dispose();
  }
}
