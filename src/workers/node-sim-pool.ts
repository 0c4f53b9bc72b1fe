/**
 * The simulation pool on Node worker_threads (CLI, benchmark, unit tests): the scheduling core of
 * sim-pool-core.ts with node-sim.worker.ts as the worker. The worker is TypeScript; Node 20 does not
 * apply the parent's `--import tsx` hooks to worker threads (privatenumber/tsx#354), so each worker starts
 * from node-sim-boot.mjs, which registers tsx's ESM loader and then imports the entry.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { nodeWorker } from './node-endpoint.ts';
import { SimPoolCore } from './sim-pool-core.ts';

export type { SimulateOptions } from './sim-pool-core.ts';

/** Default worker count: all cores but one (the caller's thread), at least 1. */
export function defaultNodeWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

function spawnNodeWorker(): ReturnType<typeof nodeWorker> {
  return nodeWorker(new Worker(new URL('./node-sim-boot.mjs', import.meta.url)));
}

export class NodeSimPool extends SimPoolCore {
  constructor(opts: { workers?: number; idleTimeoutMs?: number } = {}) {
    super(spawnNodeWorker, { ...opts, workers: opts.workers ?? defaultNodeWorkers() });
  }
}
