/**
 * Execution context: page (main thread). Client of `fanova.worker.ts`, on the worker bridge (worker-bridge.ts).
 *
 * - The worker starts lazily on the first request and is reused.
 * - Latest request wins: a new request terminates a computation still running (cancel by
 *   terminate: a worker busy in a loop cannot read a message), and the superseded caller receives the newer request's outcome, since
 *   it asked about an older state of the same study.
 * - An AbortSignal cancels the same way and rejects with an AbortError.
 * Only the fields fANOVA reads cross the worker boundary.
 */
import type { Distribution, FanovaOptions, FrozenTrial, ImportanceOutcome } from '../engine/index.ts';
import type { FanovaRequest, FanovaWorkerApi } from './fanova.worker.ts';
import { WorkerBridge, type SpawnWorker } from './worker-bridge.ts';

export interface FanovaClientOptions {
  /** Worker factory (tests); default the Vite-bundled module worker. */
  readonly spawn?: SpawnWorker;
}

export interface ImportanceRequestOptions extends FanovaOptions {
  readonly params?: readonly string[];
  readonly signal?: AbortSignal;
}

interface Pending {
  readonly waiters: { resolve: (o: ImportanceOutcome) => void; reject: (e: unknown) => void }[];
}

function defaultSpawn(): Worker {
  return new Worker(new URL('./fanova.worker.ts', import.meta.url), { type: 'module', name: 'fanova' });
}

/**
 * A plain copy with only what fANOVA reads. Plain, because structured cloning rejects proxies (a
 * trial list held in Svelte `$state` would be one); small, because attributes and intermediate
 * values can be large and fANOVA ignores them.
 */
function slim(t: FrozenTrial): FrozenTrial {
  const distributions: Record<string, Distribution> = {};
  for (const [name, d] of Object.entries(t.distributions)) {
    distributions[name] = d.type === 'categorical' ? { type: 'categorical', choices: [...d.choices] } : { ...d };
  }
  return {
    number: t.number,
    trialId: t.trialId,
    state: t.state,
    values: t.values ? [...t.values] : null,
    datetimeStart: t.datetimeStart,
    datetimeComplete: t.datetimeComplete,
    params: { ...t.params },
    distributions,
    userAttrs: {},
    systemAttrs: {},
    intermediateValues: new Map(),
  };
}

function abortError(): DOMException {
  return new DOMException('fANOVA computation aborted', 'AbortError');
}

export class FanovaClient {
  private readonly bridge: WorkerBridge<FanovaWorkerApi>;
  private pending: Pending | null = null;
  private disposed = false;

  constructor(opts: FanovaClientOptions = {}) {
    this.bridge = new WorkerBridge<FanovaWorkerApi>({
      spawn: opts.spawn ?? defaultSpawn,
      label: 'fANOVA worker',
      abortError,
    });
  }

  /** fANOVA importances of `trials` (see `fanovaImportances`), computed in the worker. */
  importances(trials: readonly FrozenTrial[], opts: ImportanceRequestOptions = {}): Promise<ImportanceOutcome> {
    if (this.disposed) return Promise.reject(new Error('FanovaClient: used after dispose()'));
    if (opts.signal?.aborted) return Promise.reject(abortError());
    // Superseded callers wait for this request's outcome instead of their own; the superseded
    // computation is stopped (its rejection is ignored below, since `pending` has moved on).
    const waiters = this.pending ? this.pending.waiters : [];
    if (this.pending) this.bridge.terminate();
    const pending: Pending = { waiters };
    this.pending = pending;
    const { params, signal, ...options } = opts;
    const request: FanovaRequest = { trials: trials.map(slim), options, ...(params ? { params: [...params] } : {}) };
    const promise = new Promise<ImportanceOutcome>((resolve, reject) => pending.waiters.push({ resolve, reject }));
    const settle = (fn: (w: Pending['waiters'][number]) => void): void => {
      if (this.pending !== pending) return;
      this.pending = null;
      for (const w of pending.waiters) fn(w);
    };
    this.bridge
      .call<ImportanceOutcome>((remote) => remote.importances(request), signal ? { signal } : {})
      .then(
        (outcome) => settle((w) => w.resolve(outcome)),
        (err: unknown) => settle((w) => w.reject(err)),
      );
    return promise;
  }

  /** Terminates the worker; pending requests reject with an AbortError. */
  dispose(): void {
    this.disposed = true;
    const pending = this.pending;
    this.pending = null;
    this.bridge.dispose(abortError());
    for (const w of pending?.waiters ?? []) w.reject(abortError());
  }
}
