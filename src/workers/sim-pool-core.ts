/**
 * Scheduling core shared by the browser pool (sim-pool.ts, Web Workers) and the Node pool
 * (node-sim-pool.ts, worker_threads): both extend it and differ only in how a worker is spawned and
 * how many there are by default. A job of n data sets is cut into chunks of consecutive indices; idle
 * workers take chunks from one FIFO queue, so concurrent jobs share the pool. Because every data set
 * draws from its own stream (src/sim/batch.ts), the assembled batch equals `simulateBatch` exactly,
 * whatever the worker count or chunk size.
 *
 * Each slot is one worker bridge (worker-bridge.ts): lazy spawn, crash → the chunk's job rejects with the
 * worker's message, idle reaping after `idleTimeoutMs`. A tight simulation loop cannot be interrupted, so
 * aborting terminates every worker busy with the job and rejects with an AbortError at once; freed slots
 * spawn a fresh worker lazily on the next chunk.
 */
import {
  NOTEBOOK_CONFIG,
  batchParamNames,
  drawNumObs,
  validateDmcConfig,
  type DmcBatch,
  type DmcConfig,
  type SimChunkApi,
} from '../sim/index.ts';
import { WorkerBridge, type SpawnWorker } from './worker-bridge.ts';

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
  bridge: WorkerBridge<SimChunkApi>;
  /** The chunk running on it; a result for any other (one cancelled meanwhile) is dropped. */
  chunk: Chunk | null;
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
    if (!Number.isInteger(opts.workers) || opts.workers < 1)
      throw new RangeError(`workers = ${opts.workers}: must be an integer ≥ 1`);
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
    return this.slots.filter((s) => s.bridge.alive).length;
  }

  /** Workers currently running a chunk. */
  get busyWorkers(): number {
    return this.slots.filter((s) => s.chunk !== null).length;
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
  simulateRange(
    config: DmcConfig,
    seed: number,
    start: number,
    n: number,
    numObs: number,
    opts: SimulateOptions = {},
  ): Promise<DmcBatch> {
    return this.#submit(config, seed, start, n, numObs, opts);
  }

  #submit(
    config: DmcConfig,
    seed: number,
    first: number,
    n: number,
    fixedNumObs: number | null,
    opts: SimulateOptions,
  ): Promise<DmcBatch> {
    return new Promise<DmcBatch>((resolve, reject) => {
      if (this.disposed) throw new Error('SimPool: used after dispose()');
      const { signal, onProgress } = opts;
      if (signal?.aborted) throw abortError();
      const c = validateDmcConfig(config);
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`n = ${n}: must be an integer ≥ 0`);
      if (!Number.isSafeInteger(first) || first < 0) throw new RangeError(`start = ${first}: must be an integer ≥ 0`);
      if (fixedNumObs !== null && (!Number.isInteger(fixedNumObs) || fixedNumObs < 1))
        throw new RangeError(`numObs = ${fixedNumObs}: must be an integer ≥ 1`);
      const numObs = fixedNumObs ?? drawNumObs(c, seed);
      const chunkSize = opts.chunkSize ?? Math.max(1, Math.min(256, Math.ceil(n / (4 * this.maxWorkers))));
      if (!Number.isInteger(chunkSize) || chunkSize < 1)
        throw new RangeError(`chunkSize = ${chunkSize}: must be an integer ≥ 1`);
      const paramNames = batchParamNames(c);
      const P = paramNames.length;
      const chunks = Math.ceil(n / chunkSize);
      // a single chunk is returned as the worker produced it; several are copied into one batch
      const batch: DmcBatch =
        chunks === 1
          ? {
              n,
              numObs,
              paramNames,
              params: new Float64Array(0),
              rt: new Float32Array(0),
              accuracy: new Float32Array(0),
              conditions: new Float32Array(0),
            }
          : {
              n,
              numObs,
              paramNames,
              params: new Float64Array(n * P),
              rt: new Float32Array(n * numObs),
              accuracy: new Float32Array(n * numObs),
              conditions: new Float32Array(n * numObs),
            };
      const onAbort = (): void => this.cancel(job);
      const job: Job = {
        config: c,
        seed,
        first,
        n,
        numObs,
        batch,
        done: 0,
        settled: false,
        onProgress,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      if (n === 0) {
        resolve(batch);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      for (let start = 0; start < n; start += chunkSize)
        this.queue.push({ job, start, count: Math.min(chunkSize, n - start) });
      this.pump();
    });
  }

  /**
   * Starts all workers and waits until each has loaded its code (a Node worker needs ≈ 1 s to compile the
   * TypeScript), so that timings measure simulation rather than start-up.
   */
  async warmUp(): Promise<void> {
    if (this.disposed) throw new Error('SimPool: used after dispose()');
    while (this.slots.length < this.maxWorkers) this.slots.push(this.newSlot());
    await Promise.all(this.slots.map((slot) => slot.bridge.call((r) => r.simulateChunk(NOTEBOOK_CONFIG, 0, 0, 0, 1))));
    this.pump();
  }

  /** Terminates every worker and rejects the unfinished jobs. */
  dispose(): void {
    this.disposed = true;
    const jobs = new Set<Job>(this.queue.map((c) => c.job));
    for (const s of this.slots) {
      if (s.chunk !== null) jobs.add(s.chunk.job);
      s.chunk = null;
      s.bridge.dispose(new Error('SimPool disposed'));
    }
    this.queue = [];
    for (const j of jobs) this.settle(j, new Error('SimPool disposed'));
  }

  private newSlot(): Slot {
    return {
      bridge: new WorkerBridge<SimChunkApi>({
        spawn: this.spawn,
        label: 'simulation worker',
        idleMs: this.idleTimeoutMs,
      }),
      chunk: null,
    };
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.chunk === null && s.bridge.alive) ?? this.slots.find((s) => s.chunk === null);
      if (slot === undefined) {
        if (this.slots.length >= this.maxWorkers) return;
        slot = this.newSlot();
        this.slots.push(slot);
      }
      this.run(slot, this.queue.shift()!);
    }
  }

  private run(slot: Slot, chunk: Chunk): void {
    const { job, start, count } = chunk;
    slot.chunk = chunk;
    slot.bridge
      .call((r) => r.simulateChunk(job.config, job.seed, job.first + start, count, job.numObs))
      .then(
        (part) => {
          if (slot.chunk !== chunk) return; // cancelled meanwhile
          slot.chunk = null;
          if (!job.settled) this.accept(job, start, part);
          this.pump();
        },
        (err: unknown) => {
          if (slot.chunk !== chunk) return;
          slot.chunk = null;
          this.settle(job, err);
          this.pump();
        },
      );
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
    for (const s of this.slots) {
      if (s.chunk?.job !== job) continue;
      s.chunk = null;
      s.bridge.terminate(abortError());
    }
    this.settle(job, abortError());
    this.pump();
  }
}
