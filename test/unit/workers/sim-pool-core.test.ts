/**
 * The pool's scheduling core on fake workers (fake-worker.ts) that run the real chunk simulation: one
 * bridge per slot, so a crash fails the job it was running with the worker's message and the pool goes
 * on with fresh workers; the real worker_threads pool is tested in test/unit/workers/node-sim-pool.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOTEBOOK_CONFIG, simulateBatch, simulateRange, type SimChunkApi } from '../../../src/sim/index.ts';
import { SimPoolCore } from '../../../src/workers/sim-pool-core.ts';
import { FakeWorker } from './fake-worker.ts';

const config = { ...NOTEBOOK_CONFIG, fixedNumObs: 30 };
let fakes: FakeWorker[] = [];
/** Chunks wait for this before answering (a test may crash a worker meanwhile). */
let gate: Promise<void> = Promise.resolve();
let pools: SimPoolCore[] = [];

function pool(workers: number): SimPoolCore {
  const p = new SimPoolCore(
    () => {
      const api: SimChunkApi = {
        simulateChunk: async (c, seed, start, count, numObs) => {
          await gate;
          return simulateRange(c, seed, start, count, numObs);
        },
      };
      const f = new FakeWorker(api);
      fakes.push(f);
      return f;
    },
    { workers, idleTimeoutMs: 60_000 },
  );
  pools.push(p);
  return p;
}

afterEach(() => {
  for (const p of pools) p.dispose();
  pools = [];
  fakes = [];
  gate = Promise.resolve();
});

describe('SimPoolCore on fake workers', () => {
  it('spawns workers lazily, at most `workers`, and assembles simulateBatch’s batch', async () => {
    const p = pool(3);
    expect(fakes).toHaveLength(0);
    const b = await p.simulate(config, 4, 20, { chunkSize: 3 });
    expect(fakes).toHaveLength(3);
    expect(Array.from(b.rt)).toEqual(Array.from(simulateBatch(config, 4, 20).rt));
  });

  it('a worker crash fails the job it was running with the worker’s message; the next job runs on fresh workers', async () => {
    const p = pool(2);
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const job = p.simulate(config, 1, 8, { chunkSize: 2 });
    await new Promise((r) => setTimeout(r, 20));
    expect(p.busyWorkers).toBe(2);
    fakes[0]!.crash('Uncaught RangeError: invalid array length');
    await expect(job).rejects.toThrow('simulation worker failed: Uncaught RangeError: invalid array length');
    expect(fakes[0]!.terminated).toBe(true);
    open();
    const again = await p.simulate(config, 1, 8, { chunkSize: 2 });
    expect(Array.from(again.params)).toEqual(Array.from(simulateBatch(config, 1, 8).params));
    expect(fakes.length).toBe(3); // the crashed one replaced, the other reused
  });

  it('abort terminates only the workers busy with that job; another job finishes', async () => {
    const p = pool(2);
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const ac = new AbortController();
    const doomed = p.simulate(config, 1, 1, { signal: ac.signal });
    const other = p.simulate(config, 2, 1);
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await expect(doomed).rejects.toMatchObject({ name: 'AbortError' });
    expect(fakes.map((f) => f.terminated)).toEqual([true, false]);
    open();
    expect(Array.from((await other).rt)).toEqual(Array.from(simulateBatch(config, 2, 1).rt));
  });
});
