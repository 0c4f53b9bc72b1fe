/**
 * Web Worker entry of the inference client (src/workers/infer-client.ts): posterior draws for the
 * user's participants from a network file, off the page's thread. Owns its own tfjs (the training
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
import { sampleObserved, type NetworkFile, type ObservedDraws, type ObservedSet } from '../nn/index.ts';

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

let choice: BackendChoice | null = null;

const api = {
  async sample(
    file: NetworkFile,
    sets: ObservedSet[],
    req: InferRequest,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ObservedDraws & { backend: string }> {
    if (choice === null || (req.backend !== undefined && req.backend !== choice.backend))
      choice = await selectBackend(req.backend);
    const out = await sampleObserved(file, sets, {
      numSamples: req.numSamples,
      steps: req.steps,
      seed: req.seed,
      ...(onProgress
        ? { onProgress: (d: number, t: number) => void Promise.resolve(onProgress(d, t)).catch(() => undefined) }
        : {}),
    });
    return Comlink.transfer({ ...out, backend: choice.backend }, [out.draws.buffer as ArrayBuffer]);
  },
};

export type InferWorkerApi = typeof api;

Comlink.expose(api);
