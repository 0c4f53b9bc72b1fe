/**
 * Web Worker entry of the inference client (src/workers/infer-client.ts): posterior draws for the
 * user's participants from a network file, and a network's metrics at several trial counts N, off the page's thread. Owns its own tfjs (the training
 * worker may be busy with a study); progress goes back through a comlink proxy, and the draws are
 * transferred, not copied. Imports only nn/ and shared code.
 */
import * as Comlink from 'comlink';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  configureWasm,
  planThreads,
  selectBackend,
  setWasmThreads,
  type BackendChoice,
  type BackendName,
} from '../nn/index.ts';
import {
  evaluateAtNumObs,
  sampleObserved,
  type NetworkFile,
  type ObservedDraws,
  type ObservedSet,
} from '../nn/index.ts';
import { simulatorSettings } from '../inference/index.ts';
import type { MetricsVsNumObs } from '../metrics/index.ts';
import { simulateRange } from '../sim/index.ts';

configureWasm({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
// Sampling is interactive and runs while simulation is idle: every core, where the page is isolated.
setWasmThreads(
  planThreads({
    cores: navigator.hardwareConcurrency,
    isolated: globalThis.crossOriginIsolated === true,
    sharedMemory: typeof SharedArrayBuffer === 'function',
  }),
);

export interface InferRequest {
  numSamples: number;
  steps: number;
  seed: number;
  backend?: BackendName;
}

/** Metrics vs trial count N of one network (src/nn/posterior/metrics-vs-n.ts). */
export interface NumObsRequest {
  numObs: number[];
  /** Validation sets simulated at each N (the same parameters at every N). */
  valSets: number;
  numSamples: number;
  steps: number;
  method: 'euler' | 'rk4';
  /** Seed of the simulated sets and of the posterior draws. */
  seed: number;
  backend?: BackendName;
}

export type NumObsResult = MetricsVsNumObs & { backend: string; trained: [number, number] };

let choice: BackendChoice | null = null;

async function ensureBackend(backend: BackendName | undefined): Promise<BackendChoice> {
  if (choice === null || (backend !== undefined && backend !== choice.backend)) choice = await selectBackend(backend);
  return choice;
}

const api = {
  async sample(
    file: NetworkFile,
    sets: ObservedSet[],
    req: InferRequest,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ObservedDraws & { backend: string }> {
    const used = await ensureBackend(req.backend);
    const out = await sampleObserved(file, sets, {
      numSamples: req.numSamples,
      steps: req.steps,
      seed: req.seed,
      ...(onProgress
        ? { onProgress: (d: number, t: number) => void Promise.resolve(onProgress(d, t)).catch(() => undefined) }
        : {}),
    });
    return Comlink.transfer({ ...out, backend: used.backend }, [out.draws.buffer as ArrayBuffer]);
  },

  async metricsVsNumObs(
    file: NetworkFile,
    req: NumObsRequest,
    onProgress?: (done: number, total: number, numObs: number) => void,
  ): Promise<NumObsResult> {
    const settings = simulatorSettings(file.metadata);
    if (settings === null) {
      throw new Error(
        'The network file carries no simulator settings, so there is nothing to simulate validation sets from.',
      );
    }
    const used = await ensureBackend(req.backend);
    const result = await evaluateAtNumObs(file, (n) => simulateRange(settings.config, req.seed, 0, req.valSets, n), {
      numObs: req.numObs,
      numSamples: req.numSamples,
      steps: req.steps,
      method: req.method,
      seed: req.seed,
      ...(onProgress
        ? {
            onProgress: (d: number, t: number, n: number) =>
              void Promise.resolve(onProgress(d, t, n)).catch(() => undefined),
          }
        : {}),
    });
    return { ...result, backend: used.backend, trained: [...settings.numObs] };
  },
};

export type InferWorkerApi = typeof api;

Comlink.expose(api);
