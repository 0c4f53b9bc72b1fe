/**
 * Page side of the inference worker (src/workers/infer.worker.ts, comlink), on the worker bridge
 * (worker-bridge.ts). One request at a time; cancelling terminates the worker (a running wasm/GPU op
 * cannot be interrupted) and the next request starts a fresh one. A crashed worker rejects the request it
 * was running with the worker's message.
 */
import * as Comlink from 'comlink';
import type { NetworkFile, ObservedDraws, ObservedSet } from '../nn/index.ts';
import type { InferRequest, InferWorkerApi, NumObsRequest, NumObsResult } from './infer.worker.ts';
import { WorkerBridge, type SpawnWorker } from './worker-bridge.ts';

export type { InferRequest, NumObsRequest, NumObsResult } from './infer.worker.ts';

export interface InferOptions extends InferRequest {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface InferClientOptions {
  /** Worker factory (tests); default a module worker on infer.worker.ts. */
  spawn?: SpawnWorker;
}

function defaultSpawn(): Worker {
  return new Worker(new URL('./infer.worker.ts', import.meta.url), { type: 'module', name: 'dmc-infer' });
}

export class InferClient {
  private readonly bridge: WorkerBridge<InferWorkerApi>;

  constructor(opts: InferClientOptions = {}) {
    this.bridge = new WorkerBridge<InferWorkerApi>({
      spawn: opts.spawn ?? defaultSpawn,
      label: 'inference worker',
      abortError: () => new DOMException('Inference cancelled', 'AbortError'),
    });
  }

  /** Draws (sets, numSamples, P); rejects with an AbortError when `signal` aborts. */
  sample(
    file: NetworkFile,
    sets: readonly ObservedSet[],
    opts: InferOptions,
  ): Promise<ObservedDraws & { backend: string }> {
    const { signal, onProgress, ...req } = opts;
    // the page keeps its copies of the trials (they are small); only the draws are transferred back
    return this.bridge.call(
      (remote) => remote.sample(file, [...sets], req, onProgress ? Comlink.proxy(onProgress) : undefined),
      signal ? { signal } : {},
    );
  }

  /** The three metrics per parameter at each N of `req.numObs`; rejects with an AbortError when `signal` aborts. */
  metricsVsNumObs(
    file: NetworkFile,
    req: NumObsRequest,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number, numObs: number) => void } = {},
  ): Promise<NumObsResult> {
    const { signal, onProgress } = opts;
    return this.bridge.call(
      (remote) => remote.metricsVsNumObs(file, req, onProgress ? Comlink.proxy(onProgress) : undefined),
      signal ? { signal } : {},
    );
  }

  dispose(): void {
    this.bridge.dispose();
  }
}
