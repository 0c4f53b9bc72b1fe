/**
 * Page side of the training worker (src/workers/train.worker.ts, comlink), on the worker bridge
 * (worker-bridge.ts). One worker owns tfjs and the data sets; calls run one at a time (queued). An aborted
 * trial is first asked to stop at its next batch boundary; if it has not stopped after `graceMs` the
 * worker is terminated (a running wasm/GPU op cannot be interrupted) and respawned lazily.
 *
 * Data sets are transferred, not copied, by default: the page's DmcBatch buffers are detached after
 * `setData`. A terminated worker loses them; `setData(…, { transfer: false })` keeps a copy here and
 * re-sends it after a respawn.
 *
 * A trial that dies of a fatal backend error (see isFatalBackendError) or a worker crash takes its
 * worker with it: tfjs cannot be trusted after a wasm abort or a lost GPU device (later trials fail in
 * milliseconds with "memory access out of bounds"), so the worker is terminated and the next call gets a
 * fresh one, with the kept data and the selected backend sent again.
 */
import * as Comlink from 'comlink';
import type { BackendChoice, BackendName, BackendProbe, TrainingCheckpoint, TrialSpec } from '../nn/index.ts';
import type { DmcBatch } from '../sim/index.ts';
import type { InjectedFault, TrainWorkerApi, TrialCallbacks, TrialOutcome } from './train.worker.ts';
import { WorkerBridge, type SpawnWorker } from './worker-bridge.ts';

export type { InjectedFault, TrialOutcome } from './train.worker.ts';

/**
 * Errors after which the worker's tfjs is broken: an Emscripten abort or trap of the wasm backend, a
 * WebGPU validation or out-of-memory error (tfjs would run on with invalid buffers), a
 * lost WebGPU device, or the worker itself having crashed. Comlink re-creates errors as plain Error
 * objects with the original name, so the name is checked as well as the message.
 */
export function isFatalBackendError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name, message } = e as { name?: unknown; message?: unknown };
  if (name === 'RuntimeError' || name === 'CompileError' || name === 'LinkError' || name === 'GpuError') return true;
  if (typeof message !== 'string') return false;
  return /Aborted\(|memory access out of bounds|\bunreachable\b|device (was |is )?lost|GPU error|training worker failed/i.test(
    message,
  );
}

export interface TrainClientOptions {
  /** How long an aborted trial may take to stop before the worker is terminated (ms, default 3000). */
  graceMs?: number;
  /** Backend to force for every trial (default: automatic webgpu → webgl → wasm → cpu). */
  backend?: BackendName;
  /** Worker factory (tests); default a module worker on train.worker.ts. */
  spawn?: SpawnWorker;
  /**
   * Simulation workers that run while trials train (default 0: data sets are simulated before the
   * trials). Each takes one core from the wasm backend's threads (src/nn/runtime/threads.ts); sent to every
   * worker before anything else, since the count is fixed when its wasm backend initializes.
   */
  simulationWorkersWhileTraining?: number;
  /** wasm threads the user asked for (the page address's `?threads=N`); default: planned from the cores. */
  threads?: number;
}

/** One run of a trial, apart from its TrialSpec: the callbacks, the abort signal and a checkpoint to continue from. */
export interface TrialRunHooks extends TrialCallbacks {
  signal?: AbortSignal | undefined;
  resume?: TrainingCheckpoint | undefined;
}

export class TrainDataError extends Error {
  override readonly name = 'TrainDataError';
}

function defaultSpawn(): Worker {
  return new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'dmc-train' });
}

/** Validation data: one batch, or several (a range of trial counts: one num_obs per batch). */
export type ValData = DmcBatch | DmcBatch[];

function valBuffers(v: ValData): ArrayBuffer[] {
  return (Array.isArray(v) ? v : [v]).flatMap(batchBuffers);
}

function copyVal(v: ValData): ValData {
  return Array.isArray(v) ? v.map(copyBatch) : copyBatch(v);
}

function batchBuffers(b: DmcBatch): ArrayBuffer[] {
  return [b.params.buffer, b.rt.buffer, b.accuracy.buffer, b.conditions.buffer] as ArrayBuffer[];
}

function copyBatch(b: DmcBatch): DmcBatch {
  return {
    ...b,
    paramNames: [...b.paramNames],
    params: b.params.slice(),
    rt: b.rt.slice(),
    accuracy: b.accuracy.slice(),
    conditions: b.conditions.slice(),
  };
}

export class TrainClient {
  private readonly bridge: WorkerBridge<TrainWorkerApi>;
  private nextRunId = 1;
  /** Data kept for re-sending after a respawn (only with transfer: false). */
  private kept: { train: DmcBatch | null; val: ValData } | null = null;
  /** True while the current worker holds data sets. */
  private loaded = false;
  /** The backend last asked for, so a replacement worker trains on the same one. */
  private preferred: BackendName | undefined;

  constructor(private readonly opts: TrainClientOptions = {}) {
    const busy = opts.simulationWorkersWhileTraining ?? 0;
    this.bridge = new WorkerBridge<TrainWorkerApi>({
      spawn: opts.spawn ?? defaultSpawn,
      label: 'training worker',
      graceMs: opts.graceMs ?? 3000,
      isFatal: isFatalBackendError,
      abortError: (signal) => signal.reason ?? new DOMException('The training run was aborted', 'AbortError'),
      onSpawn: (remote) => {
        this.loaded = false;
        // Precedes the probe that initializes the wasm backend, which fixes the thread count.
        if (busy > 0 || opts.threads !== undefined) void remote.planThreads(busy, opts.threads).catch(() => undefined);
      },
    });
  }

  probeBackends(): Promise<BackendProbe[]> {
    return this.bridge.call((r) => r.probeBackends());
  }

  selectBackend(preferred?: BackendName): Promise<BackendChoice> {
    this.preferred = preferred ?? this.opts.backend;
    return this.bridge.call((r) => r.selectBackend(this.preferred));
  }

  /**
   * Hands the training and validation sets to the worker for the following trials. With `transfer`
   * (default) the buffers move without a copy and the page's batches become unusable (detached).
   */
  setData(train: DmcBatch | null, val: ValData, opts: { transfer?: boolean } = {}): Promise<void> {
    const transfer = opts.transfer ?? true;
    this.kept = transfer ? null : { train: train === null ? null : copyBatch(train), val: copyVal(val) };
    return this.bridge.call((r) => this.send(r, train, val, transfer));
  }

  private async send(
    remote: Comlink.Remote<TrainWorkerApi>,
    train: DmcBatch | null,
    val: ValData,
    transfer: boolean,
  ): Promise<void> {
    // comlink looks transfer lists up per argument, so each argument is marked on its own.
    if (transfer) {
      await remote.setData(
        train === null ? null : Comlink.transfer(train, batchBuffers(train)),
        Comlink.transfer(val, valBuffers(val)),
      );
    } else await remote.setData(train, val);
    this.loaded = true;
  }

  /**
   * One trial, `spec` sent to the worker as it is: train, sample, score. Resolves to the objective's outcome with the backend:
   * `{status: 'complete', result, backend}`, or `{status: 'pruned', epoch, value, backend}` when
   * `onEpoch` resolved to true; rejects with the signal's reason (an AbortError by default) when aborted:
   * the worker is asked to stop at its next batch boundary and terminated after `graceMs`.
   */
  runTrial(spec: TrialSpec, hooks: TrialRunHooks = {}): Promise<TrialOutcome> {
    const { signal, onBatch, onEpoch, onSampling, onlineBatch, onCheckpoint, resume } = hooks;
    let runId = 0;
    const run = async (remote: Comlink.Remote<TrainWorkerApi>): Promise<TrialOutcome> => {
      if (!this.loaded) {
        if (this.kept === null) {
          throw new TrainDataError(
            'the training worker holds no data sets (never sent, or lost with a terminated worker): call setData',
          );
        }
        await this.send(
          remote,
          this.kept.train === null ? null : copyBatch(this.kept.train),
          copyVal(this.kept.val),
          true,
        );
      }
      signal?.throwIfAborted(); // aborted while the data was re-sent: the trial never starts
      runId = this.nextRunId++;
      return remote.runTrial(
        runId,
        spec,
        resume,
        this.preferred ?? this.opts.backend,
        onBatch ? Comlink.proxy(onBatch) : undefined,
        onEpoch ? Comlink.proxy(onEpoch) : undefined,
        onSampling ? Comlink.proxy(onSampling) : undefined,
        // Online batches move to the worker without a copy.
        onlineBatch
          ? Comlink.proxy(async (j: number) => {
              const b = await onlineBatch(j);
              return Comlink.transfer(b, batchBuffers(b));
            })
          : undefined,
        onCheckpoint ? Comlink.proxy(onCheckpoint) : undefined,
      );
    };
    return this.bridge.call(run, {
      ...(signal ? { signal } : {}),
      cancel: (remote) => (runId > 0 ? remote.cancel(runId) : undefined),
    });
  }

  /** tf.memory() of the worker (numTensors, numBytes) and its active backend. */
  memory(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
    return this.bridge.call((r) => r.memory());
  }

  /** The current worker instance's id (a replaced worker has another). */
  instanceId(): Promise<string> {
    return this.bridge.call((r) => r.instanceId());
  }

  /** Workers started so far: grows by one each time a dead or broken worker is replaced. */
  get workersStarted(): number {
    return this.bridge.spawned;
  }

  /** Test hook: the next trial fails as if the backend died (see train.worker.ts). */
  injectFatalErrorForTests(fault?: InjectedFault): Promise<void> {
    return this.bridge.call((r) => r.injectFatalErrorForTests(fault));
  }

  /** Whether a worker is alive now (false after a terminate-on-abort until the next call). */
  get alive(): boolean {
    return this.bridge.alive;
  }

  dispose(): void {
    this.bridge.dispose(new Error('TrainClient disposed'));
  }
}
