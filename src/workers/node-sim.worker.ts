/**
 * Node worker_threads entry of the simulation pool (src/workers/node-sim-pool.ts, used by the CLI and the
 * benchmark): the same `SimChunkApi` as the Web Worker, over comlink on the parent port.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { batchBuffers, simulateRange, type DmcBatch, type DmcConfig, type SimChunkApi } from '../sim/index.ts';
import { nodeEndpoint } from './node-endpoint.ts';

if (parentPort === null) throw new Error('node-sim.worker.ts must run in a worker thread');

const api = {
  simulateChunk(config: DmcConfig, seed: number, start: number, count: number, numObs: number): DmcBatch {
    const part = simulateRange(config, seed, start, count, numObs);
    return Comlink.transfer(part, batchBuffers(part));
  },
} satisfies SimChunkApi;

Comlink.expose(api, nodeEndpoint(parentPort));
