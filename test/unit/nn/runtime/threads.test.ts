import { describe, expect, it } from 'vitest';
import { planThreads, TFJS_MAX_THREADS, whyNoThreads } from '../../../../src/nn/runtime/threads.ts';

const ISOLATED = { isolated: true, sharedMemory: true };

describe('planThreads', () => {
  it('trains on every core but the page’s while simulation is idle (one thread on 2 cores, where a second one was slower)', () => {
    expect(planThreads({ ...ISOLATED, cores: 2 })).toEqual({ threads: 1, reason: '2 cores less one for the page' });
    expect(planThreads({ ...ISOLATED, cores: 6, simulationWorkersBusy: 0 })).toEqual({
      threads: 5,
      reason: '6 cores less one for the page',
    });
  });

  it('leaves the simulation workers that run beside training their cores, keeping at least one thread', () => {
    expect(planThreads({ ...ISOLATED, cores: 8, simulationWorkersBusy: 3 })).toEqual({
      threads: 4,
      reason: '8 cores less one for the page and the 3 simulation workers running beside training',
    });
    expect(planThreads({ ...ISOLATED, cores: 2, simulationWorkersBusy: 1 })).toEqual({
      threads: 1,
      reason: '2 cores less one for the page and the 1 simulation worker running beside training',
    });
    expect(planThreads({ ...ISOLATED, cores: 2, simulationWorkersBusy: 5 }).threads).toBe(1);
  });

  it("never asks for more than tfjs's pthread pool holds", () => {
    const p = planThreads({ ...ISOLATED, cores: 32 });
    expect(p.threads).toBe(TFJS_MAX_THREADS);
    expect(p.reason).toBe("31 cores free, but tfjs's wasm thread pool has 8 threads");
  });

  it('falls back to one thread, saying why, where threads are impossible', () => {
    expect(planThreads({ cores: 8, isolated: false, sharedMemory: true })).toEqual({
      threads: 1,
      reason: expect.stringMatching(/^the page is not cross-origin isolated .*single-threaded wasm build$/),
    });
    expect(planThreads({ cores: 8, isolated: true, sharedMemory: false }).reason).toMatch(/no SharedArrayBuffer/);
    expect(planThreads({ cores: 8, isolated: false, sharedMemory: false, node: true })).toEqual({
      threads: 1,
      reason: 'tfjs-backend-wasm uses no threads in Node',
    });
    expect(planThreads({ ...ISOLATED, cores: undefined }).reason).toMatch(/does not say how many cores/);
    expect(planThreads({ ...ISOLATED, cores: 0 }).threads).toBe(1);
    expect(planThreads({ ...ISOLATED, cores: 1 })).toEqual({ threads: 1, reason: 'this machine has one core' });
  });

  it('whyNoThreads is null exactly when threads are possible', () => {
    expect(whyNoThreads(ISOLATED)).toBeNull();
    expect(whyNoThreads({ isolated: false, sharedMemory: true })).not.toBeNull();
  });
});

describe('a count asked for by hand', () => {
  it('replaces the arithmetic within tfjs pool, never where threads are impossible', () => {
    expect(planThreads({ ...ISOLATED, cores: 8, simulationWorkersBusy: 3, requested: 1 })).toEqual({
      threads: 1,
      reason: 'asked for in the page address (?threads=1)',
    });
    expect(planThreads({ ...ISOLATED, cores: 2, requested: 12 })).toEqual({
      threads: 8,
      reason: "asked for in the page address (?threads=12), at most tfjs's 8",
    });
    expect(planThreads({ cores: 8, isolated: false, sharedMemory: true, requested: 4 }).threads).toBe(1);
    expect(planThreads({ ...ISOLATED, cores: 4, requested: 0 }).threads).toBe(3);
  });
});
