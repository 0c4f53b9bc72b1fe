/**
 * Web Worker entry of the training client (src/workers/train-client.ts). This worker owns tfjs: backend
 * selection, the trial objective (train → sample → diagnostics) and the data sets, which arrive as
 * transferred DmcBatch buffers and stay here across trials. Imports only nn/, sim/, metrics/ and shared/.
 *
 * Progress goes back through comlink proxies; the per-epoch prune decision is awaited from the page.
 * Cancellation: `cancel(runId)` aborts the run at the next batch boundary; the client terminates the
 * worker if that does not happen within its grace period (a long wasm/GPU op cannot be interrupted).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  configureWasm,
  probeBackends,
  selectBackend,
  type BackendChoice,
  type BackendName,
  type BackendProbe,
} from '../nn/backend.ts';
import {
  runObjective,
  TrialPrunedError,
  type EpochReport,
  type ObjectiveOptions,
  type ObjectiveResult,
  type SamplingProgress,
  type TrialHyperparameters,
} from '../nn/objective.ts';
import type { BatchProgress, NetworkConfig } from '../nn/index.ts';
import type { MetricWeights } from '../metrics/index.ts';
import type { DmcBatch } from '../sim/index.ts';

configureWasm({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

export interface TrialRunRequest {
  /** Identifies the run for `cancel`. */
  runId: number;
  hparams: TrialHyperparameters;
  seed: number;
  weights?: Partial<MetricWeights>;
  network?: Partial<NetworkConfig>;
  sampleChunkSize?: number;
  keepNetwork?: ObjectiveOptions['keepNetwork'];
  keepDraws?: boolean;
}

/**
 * Callbacks from the page. Each crosses as its own comlink proxy argument (a proxy object would answer
 * every property access, so absent callbacks could not be told apart).
 */
export interface TrialCallbacks {
  onBatch?: (p: BatchProgress) => void;
  /** Resolves to true to prune the trial. */
  onEpoch?: (r: EpochReport) => boolean | void | Promise<boolean | void>;
  onSampling?: (p: SamplingProgress) => void;
}

export type TrialOutcome =
  | { status: 'complete'; result: ObjectiveResult; backend: BackendChoice }
  | { status: 'pruned'; epoch: number; value: number; backend: BackendChoice };

let backendChoice: BackendChoice | null = null;
let data: { train: DmcBatch; val: DmcBatch } | null = null;
const running = new Map<number, AbortController>();

async function ensureBackend(preferred?: BackendName): Promise<BackendChoice> {
  if (backendChoice === null || (preferred !== undefined && preferred !== backendChoice.backend)) {
    backendChoice = await selectBackend(preferred);
  }
  return backendChoice;
}

function transferList(r: ObjectiveResult): Transferable[] {
  return r.draws ? [r.draws.buffer as ArrayBuffer] : [];
}

const api = {
  /** Availability of all four backends here (initializes each; run before training). */
  probeBackends(): Promise<BackendProbe[]> {
    return probeBackends();
  },

  /** Selects (or switches to) a backend; without `preferred` the automatic order. */
  selectBackend(preferred?: BackendName): Promise<BackendChoice> {
    return ensureBackend(preferred);
  },

  /** Stores the data sets for the following trials (the caller transfers the buffers). */
  setData(train: DmcBatch, val: DmcBatch): { train: number; val: number } {
    data = { train, val };
    return { train: train.n, val: val.n };
  },

  hasData(): boolean {
    return data !== null;
  },

  async runTrial(
    req: TrialRunRequest,
    preferred: BackendName | undefined,
    onBatch?: TrialCallbacks['onBatch'],
    onEpoch?: TrialCallbacks['onEpoch'],
    onSampling?: TrialCallbacks['onSampling'],
  ): Promise<TrialOutcome> {
    if (data === null) throw new Error('train worker: no data sets loaded (call setData first)');
    const backend = await ensureBackend(preferred);
    const controller = new AbortController();
    running.set(req.runId, controller);
    try {
      const result = await runObjective(req.hparams, data.train, data.val, {
        seed: req.seed,
        signal: controller.signal,
        ...(req.weights ? { weights: req.weights } : {}),
        ...(req.network ? { network: req.network } : {}),
        ...(req.sampleChunkSize !== undefined ? { sampleChunkSize: req.sampleChunkSize } : {}),
        ...(req.keepNetwork !== undefined ? { keepNetwork: req.keepNetwork } : {}),
        ...(req.keepDraws ? { keepDraws: true } : {}),
        // Progress is fire-and-forget (not awaited: it must not slow training); the prune decision is awaited.
        ...(onBatch ? { onBatch: (p: BatchProgress) => void Promise.resolve(onBatch(p)).catch(() => undefined) } : {}),
        ...(onEpoch ? { onEpoch: (r: EpochReport) => onEpoch(r) } : {}),
        ...(onSampling ? { onSampling: (p: SamplingProgress) => void Promise.resolve(onSampling(p)).catch(() => undefined) } : {}),
      });
      const outcome: TrialOutcome = { status: 'complete', result, backend };
      return Comlink.transfer(outcome, transferList(result));
    } catch (e) {
      // comlink serializes errors as {name, message, stack}: a prune travels as a value instead.
      if (e instanceof TrialPrunedError) return { status: 'pruned', epoch: e.epoch, value: e.value, backend };
      throw e;
    } finally {
      running.delete(req.runId);
    }
  },

  /** Aborts a run at its next batch (or sampling chunk) boundary. */
  cancel(runId: number): boolean {
    const c = running.get(runId);
    c?.abort();
    return c !== undefined;
  },

  /** tf.memory() counters, for leak checks across consecutive trials. */
  memory(): { numTensors: number; numBytes: number; backend: string } {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
  },
};

export type TrainWorkerApi = typeof api;

Comlink.expose(api);
