/**
 * Web Worker entry of the training client (src/workers/train-client.ts). This worker owns tfjs: backend
 * selection, the trial objective (train → sample → diagnostics) and the data sets, which arrive as
 * transferred DmcBatch buffers and stay here across trials. Imports only nn/, sim/, metrics/ and shared/.
 *
 * Progress goes back through comlink proxies; the per-epoch prune decision is awaited from the page,
 * and a pruned run comes back as the objective's `{status: 'pruned'}` value, passed through unchanged.
 * Cancellation: `cancel(runId)` aborts the run at the next batch boundary; the client terminates the
 * worker if that does not happen within its grace period (a long wasm/GPU op cannot be interrupted).
 *
 * A fatal backend error (a wasm abort, a lost WebGPU device) leaves tfjs unusable in this worker; the
 * client recognises it from the rejected trial and replaces the worker, so nothing here tries to recover.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  type BackendChoice,
  type BackendName,
  type BackendProbe,
  type BatchProgress,
  configureWasm,
  effectiveOps,
  type EpochReport,
  type ObjectiveHooks,
  type ObjectiveOutcome,
  type ObjectiveResult,
  planThreads,
  probeBackends,
  runObjective,
  type SamplingProgress,
  selectBackend,
  setWasmThreads,
  type ThreadPlan,
  type TrainingCheckpoint,
  type TrialSpec,
  wasmThreads,
} from '../nn/index.ts';
import type { DmcBatch } from '../sim/index.ts';
import { errorMessage } from '../shared/index.ts';

configureWasm({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** The thread count for `simulationWorkersBusy` simulation workers running beside training (src/nn/runtime/threads.ts). */
function threadPlan(simulationWorkersBusy: number, requested?: number): ThreadPlan {
  return planThreads({
    cores: navigator.hardwareConcurrency,
    isolated: globalThis.crossOriginIsolated === true,
    sharedMemory: typeof SharedArrayBuffer === 'function',
    simulationWorkersBusy,
    ...(requested !== undefined ? { requested } : {}),
  });
}
// Offline data path: the data sets are simulated before the trials, so the pool is idle while they train.
setWasmThreads(threadPlan(0));

/** Callbacks from the page, apart from the TrialSpec; each crosses as its own comlink proxy (runTrial). */
export interface TrialCallbacks {
  onBatch?: ((p: BatchProgress) => void) | undefined;
  /** Resolves to true to prune the trial. */
  onEpoch?: ((r: EpochReport) => boolean | void | Promise<boolean | void>) | undefined;
  onSampling?: ((p: SamplingProgress) => void) | undefined;
  /** Online batch j (TrialSpec.online); the page transfers its buffers. */
  onlineBatch?: ((j: number) => Promise<DmcBatch>) | undefined;
  /** After every epoch, awaited: where the run stands, weights and optimizer state included. */
  onCheckpoint?: ((c: TrainingCheckpoint) => void | Promise<void>) | undefined;
}

/**
 * The objective's outcome and the backend it ran on. `matmulPrecision`: what the Dense products ran in
 * ('f16' only where the spec asks for it and the backend is webgpu: effectiveOps).
 */
export type TrialOutcome = ObjectiveOutcome & { backend: BackendChoice; matmulPrecision: 'f32' | 'f16' };

/** What `injectFatalErrorForTests` makes the next trial do. */
export type InjectedFault = 'wasm-abort' | 'device-lost' | 'crash';

/** Tells one worker instance from its replacement (tests and diagnostics). */
const instanceId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

let backendChoice: BackendChoice | null = null;
/** Set only by `injectFatalErrorForTests`; consumed by the next trial. */
let injected: InjectedFault | null = null;
/** Why the WebGPU device went away, once it has: every later GPU op fails, so trials must say so. */
let deviceLost: string | null = null;
/** Training sets (null: only online runs) and the validation batches (several for a range of trial counts). */
let data: { train: DmcBatch | null; val: DmcBatch[] } | null = null;
const running = new Map<number, AbortController>();

async function ensureBackend(preferred?: BackendName): Promise<BackendChoice> {
  if (backendChoice === null || (preferred !== undefined && preferred !== backendChoice.backend)) {
    backendChoice = await selectBackend(preferred);
    if (backendChoice.backend === 'webgpu') watchDevice();
  }
  return backendChoice;
}

function watchDevice(): void {
  const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string; reason?: string }> } })
    .device;
  void device?.lost?.then((info) => {
    deviceLost = info.message || info.reason || 'unknown reason';
  });
}

/** The fault the tests asked for, raised the way the real one reaches the trial. */
function raiseInjected(fault: InjectedFault): Promise<never> {
  if (fault === 'crash') {
    // Uncaught in the worker's event loop and the trial never answers: the page learns of it only
    // from the Worker's error event, as with a real crash.
    setTimeout(() => {
      throw new Error('injected worker crash');
    }, 0);
    return new Promise<never>(() => undefined);
  }
  if (fault === 'device-lost') return Promise.reject(new Error('injected fault: WebGPU device was lost (destroyed)'));
  return Promise.reject(new WebAssembly.RuntimeError('Aborted(). injected fault: wasm backend abort'));
}

function transferList(r: ObjectiveResult): Transferable[] {
  return r.draws ? [r.draws.buffer as ArrayBuffer] : [];
}

const api = {
  /**
   * Re-decides the thread count for simulation workers that will run beside training, or for a count
   * the user asked for. Only effective
   * before the wasm backend initializes (call it first thing); returns the plan in force either way.
   */
  planThreads(simulationWorkersBusy: number, requested?: number): { planned: ThreadPlan; applied: boolean } {
    const planned = threadPlan(simulationWorkersBusy, requested);
    if (wasmThreads() !== undefined) return { planned, applied: false };
    setWasmThreads(planned);
    return { planned, applied: true };
  },

  /** Availability of all four backends here (initializes each; run before training). */
  probeBackends(): Promise<BackendProbe[]> {
    return probeBackends();
  },

  /** Selects (or switches to) a backend; without `preferred` the automatic order. */
  selectBackend(preferred?: BackendName): Promise<BackendChoice> {
    return ensureBackend(preferred);
  },

  /** Stores the data sets for the following trials (the caller transfers the buffers). */
  setData(train: DmcBatch | null, val: DmcBatch | DmcBatch[]): { train: number; val: number } {
    const list = Array.isArray(val) ? val : [val];
    data = { train, val: list };
    return { train: train?.n ?? 0, val: list.reduce((a, b) => a + b.n, 0) };
  },

  /**
   * Runs `spec` (passed to the objective as it arrived) as run `runId`, continuing from `resume` when
   * given. Each callback is its own comlink proxy argument (a proxy object would answer every property
   * access, so absent callbacks could not be told apart).
   */
  async runTrial(
    runId: number,
    spec: TrialSpec,
    resume: TrainingCheckpoint | undefined,
    preferred: BackendName | undefined,
    onBatch?: TrialCallbacks['onBatch'],
    onEpoch?: TrialCallbacks['onEpoch'],
    onSampling?: TrialCallbacks['onSampling'],
    onlineBatch?: TrialCallbacks['onlineBatch'],
    onCheckpoint?: TrialCallbacks['onCheckpoint'],
  ): Promise<TrialOutcome> {
    if (data === null) throw new Error('train worker: no data sets loaded (call setData first)');
    if (spec.online !== null && onlineBatch === undefined)
      throw new Error('train worker: an online run needs the onlineBatch callback');
    if (spec.online === null && data.train === null)
      throw new Error('train worker: no training sets loaded for an offline run');
    const backend = await ensureBackend(preferred);
    if (injected !== null) {
      const fault = injected;
      injected = null;
      return raiseInjected(fault);
    }
    const controller = new AbortController();
    running.set(runId, controller);
    try {
      const hooks: ObjectiveHooks = { signal: controller.signal };
      if (resume !== undefined) hooks.resume = resume;
      if (onlineBatch !== undefined) hooks.onlineBatch = (j) => onlineBatch(j);
      if (onCheckpoint !== undefined) hooks.onCheckpoint = (c) => onCheckpoint(c);
      // Progress is fire-and-forget (not awaited: it must not slow training); the prune decision is awaited.
      if (onBatch !== undefined) hooks.onBatch = (p) => void Promise.resolve(onBatch(p)).catch(() => undefined);
      if (onEpoch !== undefined) hooks.onEpoch = (r) => onEpoch(r);
      if (onSampling !== undefined)
        hooks.onSampling = (p) => void Promise.resolve(onSampling(p)).catch(() => undefined);
      const outcome = await runObjective(spec, spec.online !== null ? null : data.train, data.val, hooks);
      // tfjs's own thread count, read after the trial: the evidence that it trained on that many.
      const threads = backend.backend === 'wasm' ? wasmThreads() : undefined;
      const ran = threads === undefined ? backend : { ...backend, threads };
      // Only webgpu has the f16 kernel; a spec asking for f16 that falls back to wasm trains in f32 (the
      // backend panel says which backend trains and whether f16 is on).
      const matmulPrecision = effectiveOps(spec.network.ops, backend.backend).matmulPrecision === 'f16' ? 'f16' : 'f32';
      const out: TrialOutcome = { ...outcome, backend: ran, matmulPrecision };
      return out.status === 'complete' ? Comlink.transfer(out, transferList(out.result)) : out;
    } catch (e) {
      if (deviceLost !== null && backend.backend === 'webgpu') {
        throw new Error(`WebGPU device lost (${deviceLost}): ${errorMessage(e)}`);
      }
      throw e;
    } finally {
      running.delete(runId);
    }
  },

  /** Aborts a run at its next batch (or sampling chunk) boundary. */
  cancel(runId: number): boolean {
    const c = running.get(runId);
    c?.abort();
    return c !== undefined;
  },

  /** Identifies this worker instance (a replaced worker answers differently). */
  instanceId(): string {
    return instanceId;
  },

  /**
   * Test hook: the next trial in this worker fails the way a dying backend does. Nothing in the app
   * calls it; a replaced worker starts without it.
   */
  injectFatalErrorForTests(fault: InjectedFault = 'wasm-abort'): void {
    injected = fault;
  },

  /** tf.memory() counters, for leak checks across consecutive trials. */
  memory(): { numTensors: number; numBytes: number; backend: string } {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
  },
};

export type TrainWorkerApi = typeof api;

Comlink.expose(api);
