/**
 * The simulation pool on Node worker_threads (CLI, benchmark, unit tests): the scheduling core of
 * sim-pool-core.ts with node-sim.worker.ts as the worker. The worker is TypeScript; Node 20 does not
 * apply the parent's `--import tsx` hooks to worker threads (privatenumber/tsx#354), so each worker starts
 * from node-sim-boot.mjs, which registers tsx's ESM loader and then imports the entry.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type { SimChunkApi } from '../sim/index.ts';
import { nodeEndpoint } from './node-endpoint.ts';
import { SimPoolCore, type WorkerHandle } from './sim-pool-core.ts';

export type { SimulateOptions } from './sim-pool-core.ts';

/** Default worker count: all cores but one (the caller's thread), at least 1. */
export function defaultNodeWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

function spawnNodeWorker(onCrash: (err: Error) => void): WorkerHandle {
  const worker = new Worker(new URL('./node-sim-boot.mjs', import.meta.url));
  worker.on('error', (err) => onCrash(err instanceof Error ? err : new Error(String(err))));
  worker.on('exit', (code) => onCrash(new Error(`simulation worker exited with code ${code}`)));
  const remote = Comlink.wrap<SimChunkApi>(nodeEndpoint(worker));
  return {
    simulateChunk: (config, seed, start, count, numObs) => remote.simulateChunk(config, seed, start, count, numObs),
    terminate: () => {
      worker.removeAllListeners('exit');
      void worker.terminate();
    },
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
  };
}

export class NodeSimPool extends SimPoolCore {
  constructor(opts: { workers?: number; idleTimeoutMs?: number } = {}) {
    super(spawnNodeWorker, { ...opts, workers: opts.workers ?? defaultNodeWorkers() });
  }
}
