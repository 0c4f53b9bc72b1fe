/**
 * Page side of the inference worker (src/workers/infer.worker.ts, comlink). One request at a time;
 * cancelling terminates the worker (squoosh-style: a running wasm/GPU op cannot be interrupted) and the
 * next request starts a fresh one. A crashed worker rejects the request it was running.
 */
import * as Comlink from 'comlink';
import type { NetworkFile, ObservedDraws, ObservedSet } from '../nn/index.ts';
import type { InferRequest, InferWorkerApi } from './infer.worker.ts';

export type { InferRequest } from './infer.worker.ts';

export interface InferOptions extends InferRequest {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function defaultSpawn(): Worker {
  return new Worker(new URL('./infer.worker.ts', import.meta.url), { type: 'module', name: 'dmc-infer' });
}

export class InferClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<InferWorkerApi> | null = null;
  private crash: ((e: Error) => void) | null = null;

  constructor(private readonly spawn: () => Worker = defaultSpawn) {}

  private ensure(): Comlink.Remote<InferWorkerApi> {
    if (this.remote !== null) return this.remote;
    const w = this.spawn();
    w.addEventListener('error', (ev) => {
      ev.preventDefault();
      this.crash?.(new Error(`inference worker failed: ${ev.message || 'could not load the worker script'}`));
      this.terminate();
    });
    this.worker = w;
    this.remote = Comlink.wrap<InferWorkerApi>(w);
    return this.remote;
  }

  private terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  /** Draws (sets, numSamples, P); rejects with an AbortError when `signal` aborts. */
  sample(file: NetworkFile, sets: readonly ObservedSet[], opts: InferOptions): Promise<ObservedDraws & { backend: string }> {
    const { signal, onProgress, ...req } = opts;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new DOMException('Inference cancelled', 'AbortError'));
        return;
      }
      const remote = this.ensure();
      const onAbort = (): void => {
        this.terminate();
        reject(new DOMException('Inference cancelled', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.crash = reject;
      // the page keeps its copies of the trials (they are small); only the draws are transferred back
      remote
        .sample(file, [...sets], req, onProgress ? Comlink.proxy(onProgress) : undefined)
        .then(resolve, reject)
        .finally(() => {
          signal?.removeEventListener('abort', onAbort);
          this.crash = null;
        });
    });
  }

  dispose(): void {
    this.terminate();
  }
}
