/**
 * The worker pool on Node worker_threads: the same scheduling core as the browser pool (sim-pool-core.ts).
 * Each worker compiles its TypeScript on start (≈ 1 s), so pools are shared between tests.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  DmcConfigError,
  NOTEBOOK_CONFIG,
  simulateBatch,
  type DmcBatch,
  type DmcConfig,
} from '../../../src/sim/index.ts';
import { NodeSimPool } from '../../../src/workers/node-sim-pool.ts';
import { sameBits } from '../sim/helpers.ts';

// Walks to a far bound (b = 1000, ~1400 steps a trial): a 2000-data-set chunk runs for several seconds, so
// an abort that returns within a second can only come from terminating the busy workers.
const SLOW: DmcConfig = {
  ...NOTEBOOK_CONFIG,
  tmax: 5000,
  priorMeans: [70.8, 114.71, 0.71, 332.34, 1000, 43.36],
  priorSds: [1, 1, 0.01, 1, 1, 1],
};

const config: DmcConfig = { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 40, maxNumObs: 80, contamination: 0.02 };
const N = 37;
const reference = simulateBatch(config, 5, N);

function expectSame(b: DmcBatch): void {
  expect(b.n).toBe(reference.n);
  expect(b.numObs).toBe(reference.numObs);
  expect(b.paramNames).toEqual(reference.paramNames);
  for (const k of ['params', 'rt', 'accuracy', 'conditions'] as const) {
    expect(b[k].constructor).toBe(reference[k].constructor);
    expect(sameBits(b[k], reference[k])).toBe(true);
  }
}

describe('NodeSimPool', () => {
  const one = new NodeSimPool({ workers: 1 });
  const two = new NodeSimPool({ workers: 2, idleTimeoutMs: 60_000 });
  afterAll(() => {
    one.dispose();
    two.dispose();
  });

  it('gives simulateBatch’s batch bit for bit for 1 and 2 workers and any chunk size', async () => {
    for (const [pool, chunkSize] of [
      [one, 37],
      [one, 5],
      [two, 1],
      [two, 8],
      [two, undefined],
    ] as const) {
      expectSame(await pool.simulate(config, 5, N, chunkSize === undefined ? {} : { chunkSize }));
    }
  });

  it('reports progress after every chunk up to the total', async () => {
    const seen: [number, number][] = [];
    await two.simulate(config, 5, N, { chunkSize: 10, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.map(([, t]) => t)).toEqual([N, N, N, N]);
    // Chunks of 10, 10, 10 and 7 finish in any order on two workers, so the running totals are
    // increasing, each step is one chunk, and together the steps are exactly the four chunks.
    const done = seen.map(([d]) => d);
    const steps = done.map((d, i) => d - (i === 0 ? 0 : done[i - 1]!));
    expect(steps.every((s) => s > 0)).toBe(true);
    expect(steps.sort((a, b) => a - b)).toEqual([7, 10, 10, 10]);
    expect(done[done.length - 1]).toBe(N);
  });

  it('aborting rejects promptly with an AbortError, stops the busy workers, and the pool keeps working', async () => {
    await two.warmUp();
    const ac = new AbortController();
    const job = two.simulate(SLOW, 1, 200_000, { signal: ac.signal, chunkSize: 2000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(two.busyWorkers).toBe(2);
    const t0 = performance.now();
    ac.abort();
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(1000); // a chunk of SLOW takes several seconds
    expect(two.busyWorkers).toBe(0);
    expect(two.liveWorkers).toBe(0); // terminated, not left running the 2000-data-set chunk
    expectSame(await two.simulate(config, 5, N)); // respawned lazily
  });

  it('rejects an already aborted signal and invalid input without starting work', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(one.simulate(config, 5, N, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(one.simulate({ ...config, a: 0.5 }, 5, N)).rejects.toBeInstanceOf(DmcConfigError);
    await expect(one.simulate(config, 5, N, { chunkSize: 0 })).rejects.toThrow(/chunkSize = 0/);
  });

  it('releases idle workers after the idle timeout', async () => {
    const pool = new NodeSimPool({ workers: 1, idleTimeoutMs: 50 });
    try {
      await pool.simulate(config, 5, 2);
      expect(pool.liveWorkers).toBe(1);
      // poll rather than sleep a fixed time: a loaded CI machine may run the idle timer late
      for (let i = 0; i < 100 && pool.liveWorkers > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(pool.liveWorkers).toBe(0);
    } finally {
      pool.dispose();
    }
  });

  it('dispose() rejects unfinished jobs', async () => {
    const pool = new NodeSimPool({ workers: 1 });
    const job = pool.simulate(NOTEBOOK_CONFIG, 1, 50_000);
    pool.dispose();
    await expect(job).rejects.toThrow(/disposed/);
  });
});
