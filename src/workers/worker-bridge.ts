/**
 * One worker behind a comlink proxy: the lifecycle every worker client shares (training, inference,
 * fANOVA, and each slot of the simulation pool). After squoosh's worker bridge (GoogleChromeLabs/squoosh).
 *
 * - Lazy: the worker starts on the first call, and again on the first call after it was terminated.
 * - A queue: calls run one at a time, in the order they were made.
 * - Crash: an 'error' event terminates the worker and rejects the running call with
 *   `<label> failed: <the worker's own message>`; calls queued behind it run on a fresh worker.
 * - Abort: a call whose signal aborts rejects with `abortError(signal)`. Still queued, it never runs.
 *   Running with a `cancel` hook, the worker is asked to stop (a loop that checks a flag between batches)
 *   and terminated only if the call has not settled `graceMs` later; without one it is terminated at once
 *   (a tight loop or a wasm/GPU op cannot read a message).
 * - Fatal errors: a call rejecting with an error that `isFatal` accepts takes the worker with it.
 * - Idle reaping: with `idleMs`, a worker with nothing queued for that long is terminated.
 */
import * as Comlink from 'comlink';

/** What the bridge needs of a worker: a browser Worker, a Node worker (nodeWorker()), or a test fake. */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
  /** Node only: a busy worker keeps the process alive, an idle one must not. */
  ref?(): void;
  unref?(): void;
}

/** The worker factory: the one type (and, as an option, the one name `spawn`) every client takes. */
export type SpawnWorker = () => WorkerLike;

export interface WorkerBridgeOptions<Api> {
  spawn: SpawnWorker;
  /** Names the worker in errors: "training worker" gives "training worker failed: …". */
  label: string;
  /** How long a cancelled call may take to stop before its worker is terminated (ms, default 3000). */
  graceMs?: number;
  /** Terminate the worker after this many ms with nothing to do (default: never). */
  idleMs?: number;
  /** Runs on every new worker, before any call reaches it (comlink messages arrive in order). */
  onSpawn?: (remote: Comlink.Remote<Api>) => void;
  /** Errors after which the worker cannot be trusted and is replaced. */
  isFatal?: (err: unknown) => boolean;
  /** The rejection of an aborted call (default: the signal's reason). */
  abortError?: (signal: AbortSignal) => unknown;
}

export interface CallOptions<Api> {
  signal?: AbortSignal;
  /** Asks the running call to stop; without it an abort terminates the worker at once. */
  cancel?: (remote: Comlink.Remote<Api>) => unknown;
}

interface Live<Api> {
  worker: WorkerLike;
  remote: Comlink.Remote<Api>;
  /** Rejects when the worker crashes or is terminated. */
  dead: Promise<never>;
  kill: (reason: unknown) => void;
}

export class WorkerBridge<Api> {
  #live: Live<Api> | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #spawned = 0;
  #disposed = false;

  constructor(private readonly opts: WorkerBridgeOptions<Api>) {}

  /** Whether a worker is running now. */
  get alive(): boolean {
    return this.#live !== null;
  }

  /** Workers started so far. */
  get spawned(): number {
    return this.#spawned;
  }

  /** Calls running or queued. */
  get pending(): number {
    return this.#pending;
  }

  /** Runs `run` on the worker after every call made before it has settled. */
  call<T>(run: (remote: Comlink.Remote<Api>) => Promise<T>, opts: CallOptions<Api> = {}): Promise<T> {
    const { signal } = opts;
    if (this.#disposed) return Promise.reject(new Error(`${this.opts.label}: used after dispose()`));
    if (signal?.aborted) return Promise.reject(this.#abortError(signal));
    this.#pending++;
    this.#clearIdle();
    const result = new Promise<T>((resolve, reject) => {
      let started = false;
      const onQueuedAbort = (): void => {
        if (!started) reject(this.#abortError(signal!));
      };
      signal?.addEventListener('abort', onQueuedAbort, { once: true });
      this.#tail = this.#tail
        .then(async () => {
          started = true;
          signal?.removeEventListener('abort', onQueuedAbort);
          if (signal?.aborted) return; // rejected while queued
          try {
            resolve(await this.#run(run, opts));
          } catch (e) {
            reject(e);
          }
        })
        .finally(() => {
          if (--this.#pending === 0) this.#rested();
        });
    });
    return result;
  }

  /** Terminates the worker now; the running call rejects with `reason`. The next call starts a new one. */
  terminate(reason: unknown = new Error(`${this.opts.label} was terminated`)): void {
    if (this.#live !== null) this.#terminate(this.#live, reason);
  }

  /** Terminates the worker; the running call rejects with `reason`, queued and later calls at once. */
  dispose(reason: unknown = new Error(`${this.opts.label} was disposed`)): void {
    this.#disposed = true;
    this.terminate(reason);
  }

  async #run<T>(run: (remote: Comlink.Remote<Api>) => Promise<T>, { signal, cancel }: CallOptions<Api>): Promise<T> {
    if (this.#disposed) throw new Error(`${this.opts.label}: used after dispose()`);
    const live = this.#ensure();
    live.worker.ref?.();
    return new Promise<T>((resolve, reject) => {
      let grace: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        const err = this.#abortError(signal!);
        if (cancel === undefined) {
          this.#terminate(live, err);
          return;
        }
        void (async () => cancel(live.remote))().catch(() => undefined);
        grace = setTimeout(() => this.#terminate(live, err), this.opts.graceMs ?? 3000);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      Promise.race([(async () => run(live.remote))(), live.dead])
        .then(
          (v) => (signal?.aborted ? reject(this.#abortError(signal)) : resolve(v)),
          (e: unknown) => {
            if (signal?.aborted) {
              reject(this.#abortError(signal));
              return;
            }
            if (this.opts.isFatal?.(e) === true) this.#terminate(live, e);
            reject(e);
          },
        )
        .finally(() => {
          signal?.removeEventListener('abort', onAbort);
          if (grace !== undefined) clearTimeout(grace);
        });
    });
  }

  #ensure(): Live<Api> {
    if (this.#live !== null) return this.#live;
    const worker = this.opts.spawn();
    let kill!: (reason: unknown) => void;
    const dead = new Promise<never>((_, reject) => {
      kill = reject;
    });
    dead.catch(() => undefined); // observed by whichever call races it
    const live: Live<Api> = { worker, remote: Comlink.wrap<Api>(worker), dead, kill };
    worker.addEventListener('error', (ev) => {
      const e = ev as Partial<ErrorEvent>;
      e.preventDefault?.();
      this.#terminate(live, new Error(`${this.opts.label} failed: ${e.message || 'could not load the worker script'}`));
    });
    this.#live = live;
    this.#spawned++;
    this.opts.onSpawn?.(live.remote);
    return live;
  }

  /** Ends `live` (if it is still the current worker) and rejects whatever it was running. */
  #terminate(live: Live<Api>, reason: unknown): void {
    if (this.#live !== live) return;
    this.#live = null;
    this.#clearIdle();
    live.worker.terminate();
    live.kill(reason);
  }

  /** The queue ran dry: let a Node process exit past the worker, and start the idle clock. */
  #rested(): void {
    const live = this.#live;
    if (live === null) return;
    live.worker.unref?.();
    const idleMs = this.opts.idleMs;
    if (idleMs === undefined) return;
    this.#clearIdle();
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (this.#pending === 0) this.#terminate(live, new Error(`${this.opts.label} was idle`));
    }, idleMs);
    // a pending idle timer must not keep a Node process alive (no-op in browsers)
    (this.#idleTimer as { unref?: () => void }).unref?.();
  }

  #clearIdle(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  #abortError(signal: AbortSignal): unknown {
    return this.opts.abortError ? this.opts.abortError(signal) : signal.reason;
  }
}
