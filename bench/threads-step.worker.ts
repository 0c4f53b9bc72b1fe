/**
 * Browser side of `npm run bench -- threads` (bench/threads.bench.ts): a module worker, served by the
 * Vite dev server, that initializes tfjs's wasm backend with a given thread count and times optimizer
 * steps of fit at one size, as bench/nn-step.ts does in Node (which has no wasm threads). One worker per
 * thread count: the count is fixed when the wasm backend initializes.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../src/nn/index.ts';
import { NOTEBOOK_CONFIG, simulateBatch } from '../src/sim/index.ts';

export interface StepRequest {
  threads: number;
  batch: number;
  obs: number;
  embed: number;
  /** Timed steps after one warm-up step. */
  steps: number;
}

nn.configureWasm({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

self.onmessage = async (ev: MessageEvent<StepRequest>) => {
  const r = ev.data;
  try {
    nn.setWasmThreads({ threads: r.threads, reason: `bench: ${r.threads} requested` });
    const choice = await nn.selectBackend('wasm', { strict: true });
    const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: r.obs };
    const train = simulateBatch(sim, 1, r.batch * (r.steps + 1));
    const val = simulateBatch(sim, 2, 2);
    const approx = new nn.Approximator(
      nn.defaultNetworkConfig({ paramDim: 6, embedDim: r.embed, summaryDim: 22, numSeeds: 7, dropout: 0.1 }),
      { seed: 1 },
    );
    const stop = new AbortController();
    const times: number[] = [];
    const wrapStep = async <T>(step: number, run: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      const loss = await run();
      if (loss instanceof tf.Tensor) await loss.data();
      times.push(performance.now() - t);
      if (step === r.steps) stop.abort();
      return loss;
    };
    try {
      await nn.fit(approx, train, val, {
        epochs: 1,
        batchSize: r.batch,
        lr: 5e-4,
        seed: 1,
        signal: stop.signal,
        wrapStep,
      });
    } catch (e) {
      if (!stop.signal.aborted) throw e;
    } finally {
      approx.dispose();
    }
    self.postMessage({
      ok: true,
      threads: choice.threads?.count ?? null,
      isolated: self.crossOriginIsolated,
      warmupMs: times[0],
      ms: times.slice(1),
    });
  } catch (e) {
    self.postMessage({ ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};
