/**
 * Scheduling core shared by the browser pool (sim-pool.ts, Web Workers) and the Node pool
 * (node-sim-pool.ts, worker_threads): both extend it and differ only in how a worker is spawned and
 * how many there are by default. A job of n data sets is cut into chunks of consecutive indices; idle
 * workers take chunks from one FIFO queue, so concurrent jobs share the pool. Because every data set
 * draws from its own stream (src/sim/batch.ts), the assembled batch equals `simulateBatch` exactly,
 * whatever the worker count or chunk size.
 *
 * Cancellation follows squoosh's worker bridge (GoogleChromeLabs/squoosh): a tight simulation loop
 * cannot be interrupted, so aborting terminates every worker busy with the job and rejects with an
 * AbortError at once; freed slots spawn a fresh worker lazily on the next chunk. Workers idle for
 * `idleTimeoutMs` are terminated too.
 */
import { NOTEBOOK_CONFIG, batchParamNames, drawNumObs, validateDmcConfig, type DmcBatch, type DmcConfig } from '../sim/index.ts';

/** A started worker: a call into its simulateChunk, and a way to kill it. */
export interface WorkerHandle {
  simulateChunk(config: DmcConfig, seed: number, start: number, count: number, numObs: number): Promise<DmcBatch>;
  terminate(): void;
  /** Busy workers keep a Node process alive, idle ones must not (optional; browsers ignore it). */
  setBusy?(busy: boolean): void;
}

/** Starts a worker; `onCrash` must be called if it dies outside a call (uncaught error, exit). */
export type SpawnWorker = (onCrash: (err: Error) => void) => WorkerHandle;

export interface SimulateOptions {
  signal?: AbortSignal;
  /** Called after every finished chunk with data sets done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Data sets per chunk (default: about 4 chunks per worker, at most 256). */
  chunkSize?: number;
}

export interface PoolOptions {
  /** Maximum number of workers (≥ 1). */
  workers: number;
  /** Idle workers are terminated after this many ms (default 10 000). */
  idleTimeoutMs?: number;
}

interface Job {
  config: DmcConfig;
  seed: number;
  /** Stream index of the job's first data set (0, or an online batch's start). */
  first: number;
  n: number;
  numObs: number;
  batch: DmcBatch;
  done: number;
  settled: boolean;
  onProgress: ((done: number, total: number) => void) | undefined;
  resolve: (b: DmcBatch) => void;
  reject: (e: unknown) => void;
  detach: () => void;
}

interface Chunk {
  job: Job;
  start: number;
  count: number;
}

interface Slot {
  handle: WorkerHandle | null;
  job: Job | null;
  idleTimer: ReturnType<typeof setTimeout> | null;
}

export function abortError(): Error {
  return new DOMException('The simulation was aborted', 'AbortError');
}

export class SimPoolCore {
  private readonly spawn: SpawnWorker;
  private readonly maxWorkers: number;
  private readonly idleTimeoutMs: number;
  private readonly slots: Slot[] = [];
  private queue: Chunk[] = [];
  private disposed = false;

  constructor(spawn: SpawnWorker, opts: PoolOptions) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new RangeError(`workers = ${opts.workers}: must be an integer ≥ 1`);
    const idle = opts.idleTimeoutMs ?? 10_000;
    if (!(idle >= 0)) throw new RangeError(`idleTimeoutMs = ${idle}: must be ≥ 0`);
    this.spawn = spawn;
    this.maxWorkers = opts.workers;
    this.idleTimeoutMs = idle;
  }

  /** Maximum number of workers. */
  get workers(): number {
    return this.maxWorkers;
  }

  /** Workers currently alive (busy or idle). */
  get liveWorkers(): number {
    return this.slots.filter((s) => s.handle !== null).length;
  }

  /** Workers currently running a chunk. */
  get busyWorkers(): number {
    return this.slots.filter((s) => s.job !== null).length;
  }

  /**
   * n data sets of `config` under `seed`, simulated in the workers; bit-identical to
   * `simulateBatch(config, seed, n)`. Rejects with a DmcConfigError for an invalid config and with a
   * DOMException named 'AbortError' when `signal` aborts.
   */
  simulate(config: DmcConfig, seed: number, n: number, opts: SimulateOptions = {}): Promise<DmcBatch> {
    return this.#submit(config, seed, 0, n, null, opts);
  }

  /**
   * Data sets start … start+n−1 of `seed` with `numObs` trials each, simulated in the workers; bit-identical
   * to `simulateRange(config, seed, start, n, numObs)` (online batches: src/sim/online.ts).
   */
  simulateRange(config: DmcConfig, seed: number, start: number, n: number, numObs: number, opts: SimulateOptions = {}): Promise<DmcBatch> {
    return this.#submit(config, seed, start, n, numObs, opts);
  }

  #submit(config: DmcConfig, seed: number, first: number, n: number, fixedNumObs: number | null, opts: SimulateOptions): Promise<DmcBatch> {
    return new Promise<DmcBatch>((resolve, reject) => {
      if (this.disposed) throw new Error('SimPool: used after dispose()');
      const { signal, onProgress } = opts;
      if (signal?.aborted) throw abortError();
      const c = validateDmcConfig(config);
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`n = ${n}: must be an integer ≥ 0`);
      if (!Number.isSafeInteger(first) || first < 0) throw new RangeError(`start = ${first}: must be an integer ≥ 0`);
      if (fixedNumObs !== null && (!Number.isInteger(fixedNumObs) || fixedNumObs < 1)) throw new RangeError(`numObs = ${fixedNumObs}: must be an integer ≥ 1`);
      const numObs = fixedNumObs ?? drawNumObs(c, seed);
      const chunkSize = opts.chunkSize ?? Math.max(1, Math.min(256, Math.ceil(n / (4 * this.maxWorkers))));
      if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize = ${chunkSize}: must be an integer ≥ 1`);
      const paramNames = batchParamNames(c);
      const P = paramNames.length;
      const chunks = Math.ceil(n / chunkSize);
      // a single chunk is returned as the worker produced it; several are copied into one batch
      const batch: DmcBatch = chunks === 1
        ? { n, numObs, paramNames, params: new Float64Array(0), rt: new Float32Array(0), accuracy: new Float32Array(0), conditions: new Float32Array(0) }
        : {
          n, numObs, paramNames,
          params: new Float64Array(n * P),
          rt: new Float32Array(n * numObs),
          accuracy: new Float32Array(n * numObs),
          conditions: new Float32Array(n * numObs),
        };
      const onAbort = (): void => this.cancel(job);
      const job: Job = {
        config: c, seed, first, n, numObs, batch, done: 0, settled: false, onProgress, resolve, reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      if (n === 0) {
        resolve(batch);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      for (let start = 0; start < n; start += chunkSize) this.queue.push({ job, start, count: Math.min(chunkSize, n - start) });
      this.pump();
    });
  }

  /**
   * Starts all workers and waits until each has loaded its code (a Node worker needs ≈ 1 s to compile the
   * TypeScript), so that timings measure simulation rather than start-up.
   */
  async warmUp(): Promise<void> {
    if (this.disposed) throw new Error('SimPool: used after dispose()');
    while (this.slots.length < this.maxWorkers) this.slots.push({ handle: null, job: null, idleTimer: null });
    await Promise.all(
      this.slots.map(async (slot) => {
        const handle = this.ensureHandle(slot);
        handle.setBusy?.(true);
        try {
          await handle.simulateChunk(NOTEBOOK_CONFIG, 0, 0, 0, 1);
        } finally {
          if (slot.job === null) handle.setBusy?.(false);
        }
      }),
    );
    this.pump();
  }

  /** Terminates every worker and rejects the unfinished jobs. */
  dispose(): void {
    this.disposed = true;
    const jobs = new Set<Job>(this.queue.map((c) => c.job));
    for (const s of this.slots) {
      if (s.job !== null) jobs.add(s.job);
      this.kill(s);
    }
    this.queue = [];
    for (const j of jobs) this.settle(j, new Error('SimPool disposed'));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null && s.handle !== null) ?? this.slots.find((s) => s.job === null);
      if (slot === undefined) {
        if (this.slots.length >= this.maxWorkers) return;
        slot = { handle: null, job: null, idleTimer: null };
        this.slots.push(slot);
      }
      const chunk = this.queue.shift()!;
      this.run(slot, chunk);
    }
    for (const s of this.slots) if (s.job === null && s.handle !== null && s.idleTimer === null) this.armIdle(s);
  }

  private run(slot: Slot, chunk: Chunk): void {
    if (slot.idleTimer !== null) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
    }
    const handle = this.ensureHandle(slot);
    const { job, start, count } = chunk;
    slot.job = job;
    handle.setBusy?.(true);
    handle.simulateChunk(job.config, job.seed, job.first + start, count, job.numObs).then(
      (part) => {
        if (slot.handle !== handle) return; // terminated by a cancel meanwhile
        slot.job = null;
        handle.setBusy?.(false);
        if (!job.settled) this.accept(job, start, part);
        this.pump();
      },
      (err: unknown) => {
        if (slot.handle !== handle) return;
        slot.job = null;
        handle.setBusy?.(false);
        this.settle(job, err);
        this.pump();
      },
    );
  }

  private ensureHandle(slot: Slot): WorkerHandle {
    if (slot.handle !== null) return slot.handle;
    const crashed = (err: Error): void => {
      if (slot.handle !== handle) return; // a terminated predecessor
      const job = slot.job;
      this.kill(slot);
      if (job !== null) this.settle(job, err);
      this.pump();
    };
    const handle = this.spawn(crashed);
    slot.handle = handle;
    return handle;
  }

  private accept(job: Job, start: number, part: DmcBatch): void {
    const b = job.batch;
    if (part.n === job.n) {
      b.params = part.params;
      b.rt = part.rt;
      b.accuracy = part.accuracy;
      b.conditions = part.conditions;
    } else {
      b.params.set(part.params, start * b.paramNames.length);
      b.rt.set(part.rt, start * job.numObs);
      b.accuracy.set(part.accuracy, start * job.numObs);
      b.conditions.set(part.conditions, start * job.numObs);
    }
    job.done += part.n;
    job.onProgress?.(job.done, job.n);
    if (job.done === job.n) this.settle(job, null);
  }

  /** Resolves (err null) or rejects a job once; a failed job's other chunks are dropped. */
  private settle(job: Job, err: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.detach();
    if (err === null) {
      job.resolve(job.batch);
      return;
    }
    this.queue = this.queue.filter((c) => c.job !== job);
    job.reject(err);
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    for (const s of this.slots) if (s.job === job) this.kill(s);
    this.settle(job, abortError());
    this.pump();
  }

  private kill(slot: Slot): void {
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.handle?.terminate();
    slot.handle = null;
    slot.job = null;
  }

  private armIdle(slot: Slot): void {
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      if (slot.job === null) this.kill(slot);
    }, this.idleTimeoutMs);
    // a pending idle timer must not keep a Node process alive (no-op in browsers)
    (slot.idleTimer as { unref?: () => void }).unref?.();
  }
}
