/**
 * The simulation pool in real Chromium Web Workers (comlink, module workers served by Vite): same batch as
 * the single-threaded simulator, progress, and cancellation that terminates the busy workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NOTEBOOK_CONFIG, simulateBatch, type DmcConfig } from '../../src/sim/index.ts';
import { SimPool } from '../../src/workers/sim-pool.ts';

// Walks to a far bound (b = 1000, ~1400 steps a trial): a 2000-data-set chunk runs for several seconds, so
// an abort that returns within a second can only come from terminating the busy workers.
const SLOW: DmcConfig = {
  ...NOTEBOOK_CONFIG,
  tmax: 5000,
  priorMeans: [70.8, 114.71, 0.71, 332.34, 1000, 43.36],
  priorSds: [1, 1, 0.01, 1, 1, 1],
};

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('SimPool in Chromium workers', () => {
  const pool = new SimPool({ workers: 2, idleTimeoutMs: 60_000 });
  afterAll(() => pool.dispose());
  const config: DmcConfig = { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 60, maxNumObs: 120 };

  it('defaults to hardwareConcurrency − 1 workers, at least 1', () => {
    expect(new SimPool().workers).toBe(Math.max(1, navigator.hardwareConcurrency - 1));
  });

  it('produces exactly the batch of simulateBatch, for several chunk sizes, with progress', async () => {
    const reference = simulateBatch(config, 11, 30);
    for (const chunkSize of [1, 7, 30]) {
      const progress: number[] = [];
      const b = await pool.simulate(config, 11, 30, {
        chunkSize,
        onProgress: (done, total) => {
          expect(total).toBe(30);
          progress.push(done);
        },
      });
      expect(b.numObs).toBe(reference.numObs);
      expect(b.paramNames).toEqual(reference.paramNames);
      expect(b.rt).toBeInstanceOf(Float32Array);
      expect(b.params).toBeInstanceOf(Float64Array);
      for (const k of ['params', 'rt', 'accuracy', 'conditions'] as const)
        expect(sameBits(b[k], reference[k])).toBe(true);
      expect(progress.length).toBe(Math.ceil(30 / chunkSize));
      expect(progress.at(-1)).toBe(30);
    }
  });

  it('aborting rejects promptly with an AbortError and leaves no busy worker', async () => {
    await pool.warmUp();
    const ac = new AbortController();
    const job = pool.simulate(SLOW, 3, 100_000, { signal: ac.signal, chunkSize: 2000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(pool.busyWorkers).toBe(2);
    const t0 = performance.now();
    ac.abort();
    let error: unknown;
    try {
      await job;
    } catch (e) {
      error = e;
    }
    expect(performance.now() - t0).toBeLessThan(1000); // a chunk of SLOW takes several seconds
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(pool.busyWorkers).toBe(0);
    expect(pool.liveWorkers).toBe(0);
    // the next job respawns workers and is still exact
    const again = await pool.simulate(config, 11, 4);
    expect(sameBits(again.rt, simulateBatch(config, 11, 4).rt)).toBe(true);
  });
});
