/** The worker bridge against fake workers (fake-worker.ts): calls really cross a message port. */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerBridge, type WorkerBridgeOptions } from '../../../src/workers/worker-bridge.ts';
import { FakeWorker } from './fake-worker.ts';

interface Api {
  id(): number;
  /** Resolves after `ms`, recording start and end in the shared log. */
  work(name: string, ms: number): Promise<string>;
  /** Never settles unless cancelled (then resolves 'stopped'), or `ignoreCancel`. */
  hang(): Promise<string>;
  cancel(): void;
  fail(message: string): never;
}

let log: string[] = [];
const fakes: (FakeWorker & { ignoreCancel: boolean })[] = [];

/** A fake worker whose API records into `log`; `hang` ends on `cancel` unless `ignoreCancel`. */
function spawnFake(): FakeWorker {
  const index = fakes.length;
  let stop: ((v: string) => void) | null = null;
  const fake = Object.assign(
    new FakeWorker<Api>({
      id: () => index,
      work: async (name, ms) => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        return `${name}@${index}`;
      },
      hang: () => new Promise((resolve) => (stop = resolve)),
      cancel: () => {
        if (!fake.ignoreCancel) stop?.('stopped');
      },
      fail: (message) => {
        throw new Error(message);
      },
    }),
    { ignoreCancel: false },
  );
  fakes.push(fake);
  return fake;
}

const bridges: WorkerBridge<Api>[] = [];
function bridge(opts: Partial<WorkerBridgeOptions<Api>> = {}): WorkerBridge<Api> {
  const b = new WorkerBridge<Api>({ spawn: spawnFake, label: 'test worker', ...opts });
  bridges.push(b);
  return b;
}

afterEach(() => {
  for (const b of bridges.splice(0)) b.dispose();
  for (const f of fakes.splice(0)) f.terminate();
  log = [];
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WorkerBridge', () => {
  it('spawns lazily, on the first call, and reuses the worker', async () => {
    const b = bridge();
    expect([b.alive, b.spawned, fakes.length]).toEqual([false, 0, 0]);
    expect(await b.call((r) => r.id())).toBe(0);
    expect(await b.call((r) => r.id())).toBe(0);
    expect([b.alive, b.spawned, fakes.length]).toEqual([true, 1, 1]);
  });

  it('runs calls one at a time, in the order they were made', async () => {
    const b = bridge();
    const out = await Promise.all([
      b.call((r) => r.work('a', 30)),
      b.call((r) => r.work('b', 1)),
      b.call((r) => r.work('c', 10)),
    ]);
    expect(out).toEqual(['a@0', 'b@0', 'c@0']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a crash rejects the running call with the worker’s message; queued calls run on a fresh worker', async () => {
    const b = bridge();
    const running = b.call((r) => r.hang());
    const queued = b.call((r) => r.id());
    await sleep(10);
    fakes[0]!.crash('Uncaught TypeError: x is undefined');
    await expect(running).rejects.toThrow('test worker failed: Uncaught TypeError: x is undefined');
    expect(fakes[0]!.terminated).toBe(true);
    expect(await queued).toBe(1);
    expect(b.spawned).toBe(2);
  });

  it('a worker that fails to load says so', async () => {
    const b = bridge();
    const running = b.call((r) => r.hang());
    await sleep(10);
    fakes[0]!.crash('');
    await expect(running).rejects.toThrow('test worker failed: could not load the worker script');
  });

  it('abort without a cancel hook terminates the worker at once and rejects with the abort error', async () => {
    const b = bridge({ abortError: () => new DOMException('stopped by the test', 'AbortError') });
    const ac = new AbortController();
    const running = b.call((r) => r.hang(), { signal: ac.signal });
    await sleep(10);
    ac.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError', message: 'stopped by the test' });
    expect(fakes[0]!.terminated).toBe(true);
    expect(b.alive).toBe(false);
    expect(await b.call((r) => r.id())).toBe(1);
  });

  it('abort with a cancel hook: a worker that stops within the grace period survives', async () => {
    const b = bridge({ graceMs: 60_000 });
    const ac = new AbortController();
    const running = b.call((r) => r.hang(), { signal: ac.signal, cancel: (r) => r.cancel() });
    await sleep(10);
    ac.abort(new DOMException('user cancelled', 'AbortError'));
    // rejects although the worker resolved ('stopped'): the caller asked for an abort
    await expect(running).rejects.toMatchObject({ name: 'AbortError', message: 'user cancelled' });
    expect(fakes[0]!.terminated).toBe(false);
    expect(await b.call((r) => r.id())).toBe(0);
  });

  it('abort with a cancel hook: a worker that ignores it is terminated after the grace period', async () => {
    const b = bridge({ graceMs: 40 });
    const ac = new AbortController();
    const running = b.call((r) => r.hang(), { signal: ac.signal, cancel: (r) => r.cancel() });
    await sleep(10);
    fakes[0]!.ignoreCancel = true;
    const t0 = performance.now();
    ac.abort();
    await sleep(5);
    expect(fakes[0]!.terminated).toBe(false); // still within the grace period
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(fakes[0]!.terminated).toBe(true);
    expect(await b.call((r) => r.id())).toBe(1);
  });

  it('a call aborted while queued rejects at once and never runs', async () => {
    const b = bridge();
    const first = b.call((r) => r.work('first', 30));
    const ac = new AbortController();
    const queued = b.call((r) => r.work('queued', 1), { signal: ac.signal });
    ac.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).not.toContain('start queued');
    expect(await first).toBe('first@0');
    await b.call((r) => r.id());
    expect(log).toEqual(['start first', 'end first']);
    // an already aborted signal is refused before anything spawns
    const fresh = bridge();
    await expect(fresh.call((r) => r.id(), { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(fresh.spawned).toBe(0);
  });

  it('an error `isFatal` accepts takes the worker with it; others do not', async () => {
    const b = bridge({ isFatal: (e) => e instanceof Error && /out of bounds/.test(e.message) });
    await expect(b.call((r) => r.fail('loss is NaN'))).rejects.toThrow('loss is NaN');
    expect(b.alive).toBe(true);
    await expect(b.call((r) => r.fail('memory access out of bounds'))).rejects.toThrow('memory access out of bounds');
    expect(b.alive).toBe(false);
    expect(fakes[0]!.terminated).toBe(true);
    expect(await b.call((r) => r.id())).toBe(1);
  });

  it('reaps a worker idle for idleMs, not one that is busy', async () => {
    const b = bridge({ idleMs: 30 });
    await b.call((r) => r.work('long', 80)); // longer than idleMs: the clock runs only when idle
    expect(b.alive).toBe(true);
    for (let i = 0; i < 100 && b.alive; i++) await sleep(10); // poll: a loaded machine runs timers late
    expect(b.alive).toBe(false);
    expect(fakes[0]!.terminated).toBe(true);
    expect(await b.call((r) => r.id())).toBe(1);
  });

  it('terminate() rejects the running call with its reason; dispose() refuses later calls', async () => {
    const b = bridge();
    const running = b.call((r) => r.hang());
    await sleep(10);
    b.terminate(new Error('superseded'));
    await expect(running).rejects.toThrow('superseded');
    const again = b.call((r) => r.hang());
    await sleep(10);
    b.dispose(new Error('gone'));
    await expect(again).rejects.toThrow('gone');
    await expect(b.call((r) => r.id())).rejects.toThrow('test worker: used after dispose()');
    expect(fakes.every((f) => f.terminated)).toBe(true);
  });
});
