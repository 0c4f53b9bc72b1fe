/**
 * Web Worker entry of the simulation pool (src/workers/sim-pool.ts): exposes `SimChunkApi` via comlink.
 * Chunk buffers are transferred to the page, not copied. Imports only src/sim and src/shared.
 */
import * as Comlink from 'comlink';
import { batchBuffers, simulateRange, type DmcBatch, type DmcConfig, type SimChunkApi } from '../sim/index.ts';

const api = {
  simulateChunk(config: DmcConfig, seed: number, start: number, count: number, numObs: number): DmcBatch {
    const part = simulateRange(config, seed, start, count, numObs);
    return Comlink.transfer(part, batchBuffers(part));
  },
} satisfies SimChunkApi;

Comlink.expose(api);
