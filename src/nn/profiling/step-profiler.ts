/**
 * What one training step costs in device traffic, on whichever backend is active: GPU dispatches,
 * host→GPU bytes, buffer copies, random numbers drawn in JavaScript and peak memory, counted over a
 * window (`StepProfiler.begin` … `end`), or over one optimizer step after warm-up (`profileStepWrapper`,
 * a FitOptions.wrapStep).
 *
 * Why not tf.profile: in profiling mode tfjs times every kernel (on webgpu: a timestamp query and a
 * submit per program, which changes what is measured) and checks every output for NaN by a synchronous
 * read, which the webgpu backend cannot do in Node. The engine's kernel entry is wrapped instead, which
 * also names the kernel each dispatch belongs to.
 *
 * wasm and cpu have no device: their "dispatches" are kernel records (each one runs on the CPU) and
 * their uploads are 0 (tensors live in host memory); the output fields say how they were counted.
 * JS random numbers: 32-bit words drawn from the project's Rng (src/shared/rng.ts; base noise and
 * times per step) plus Math.random calls. On wasm and cpu the Dropout kernel evaluates Philox on the CPU:
 * that is the kernel's own arithmetic (as a GPU does it in the shader), not counted here.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../shared/index.ts';
import { patchMethod, type Undo } from './patch.ts';
import { instrumentWebgpu, newGpuCounters, type GpuCounters, type WebGPUBackendInternals } from './webgpu-counters.ts';

export interface ProfileOptions {
  /**
   * webgpu only: tfjs's WEBGPU_ENGINE_COMPILE_ONLY mode — every program is built, its pipeline compiled
   * and its buffers allocated, uploads happen, but nothing executes; a full-size step is counted in
   * seconds on a software GPU. Dispatches are then counted at the program level.
   */
  compileOnly?: boolean;
  /** Entries in each top list (default 12). */
  top?: number;
}

export interface Count {
  name: string;
  count: number;
}

export interface StepProfile {
  backend: string;
  /** webgpu: compute dispatches; wasm/cpu: kernel records (see dispatchesCountedAs). */
  dispatchesPerStep: number;
  dispatchesCountedAs: string;
  /** Every tfjs kernel record, including those that dispatch nothing (Reshape, Identity, …). */
  kernelRecordsPerStep: number;
  /** Tensor data plus non-uniform writeBuffer bytes, host→GPU (0 on wasm/cpu). */
  uploadBytesPerStep: number;
  uploadsPerStep: number;
  uploadsCountedAs: string;
  /** Uniform buffers written by queue.writeBuffer (tfjs: one per dispatch), not in uploadBytesPerStep. */
  uniformBytesPerStep: number;
  uniformWritesPerStep: number;
  bufferCopiesPerStep: number;
  buffersCreatedPerStep: number;
  bytesCreatedPerStep: number;
  jsRandomPerStep: number;
  jsRandom: { rngWords: number; mathRandom: number };
  /** Peak of tfjs's tensor bytes (tf.memory().numBytes) during the window. */
  peakBytes: number;
  /** webgpu: peak bytes of GPU buffers in use (tfjs's buffer pool), and allocated at the end. */
  peakGpuBufferBytes: number | null;
  gpuBufferBytesAllocated: number | null;
  /** Dispatches (kernel records on wasm/cpu) by the tfjs kernel that issued them. */
  topKernels: Count[];
  /** webgpu: tfjs program classes run. */
  topPrograms: Count[];
  /** Kernels recorded that dispatched nothing (webgpu). */
  topNoDispatchKernels: Count[];
  /** Tensor uploads by dtype[shape] (webgpu). */
  topUploads: { name: string; count: number; bytes: number }[];
  /** webgpu, executing: programs that entered runWebGPUProgram (equals dispatches unless a kernel dispatches by itself). */
  programsRun: number | null;
  compileOnly: boolean;
  wallMs: number;
}

interface EngineInternals {
  state: { numBytes: number; activeScope: { name: string } | null };
  runKernelFunc: unknown;
}

const COMPILE_ONLY = 'WEBGPU_ENGINE_COMPILE_ONLY';

function sorted(m: Map<string, number>, n: number): Count[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => ({ name, count }));
}

export class StepProfiler {
  readonly #undo: Undo[] = [];
  readonly #backend = tf.getBackend();
  readonly #compileOnly: boolean;
  readonly #top: number;
  readonly #t0 = performance.now();
  readonly #gpu: GpuCounters | null = null;
  readonly #engine = tf.engine() as unknown as EngineInternals;
  /** Mutated by the wrappers (closures over this object, not over `this`). */
  readonly #s = {
    stack: [] as string[],
    records: new Map<string, number>(),
    kernelRecords: 0,
    rngWords: 0,
    mathRandom: 0,
    peakBytes: 0,
  };

  private constructor(opts: ProfileOptions) {
    this.#top = opts.top ?? 12;
    this.#compileOnly = opts.compileOnly === true;
    if (this.#compileOnly && this.#backend !== 'webgpu')
      throw new Error(`profile: compile-only mode needs the webgpu backend, not ${this.#backend}`);
    const s = this.#s;
    const engine = this.#engine;
    s.peakBytes = engine.state.numBytes;
    this.#undo.push(
      patchMethod(
        engine,
        'runKernelFunc',
        (orig) =>
          function (this: unknown, ...args: never[]) {
            const params = args[0] as unknown as { kernelName?: string };
            const name = params.kernelName ?? engine.state.activeScope?.name ?? 'customGrad';
            s.kernelRecords++;
            s.records.set(name, (s.records.get(name) ?? 0) + 1);
            s.stack.push(name);
            try {
              return orig.apply(this, args);
            } finally {
              s.stack.pop();
              s.peakBytes = Math.max(s.peakBytes, engine.state.numBytes);
            }
          },
      ),
      patchMethod(
        Rng.prototype,
        'nextU32',
        (orig) =>
          function (this: unknown, ...args: never[]) {
            s.rngWords++;
            return orig.apply(this, args);
          },
      ),
      patchMethod(
        Math,
        'random',
        (orig) =>
          function (this: unknown, ...args: never[]) {
            s.mathRandom++;
            return orig.apply(this, args);
          },
      ),
    );
    if (this.#backend === 'webgpu') {
      this.#gpu = newGpuCounters();
      const kernel = (): string => s.stack.at(-1) ?? '(outside a kernel)';
      this.#undo.push(
        instrumentWebgpu(tf.backend() as unknown as WebGPUBackendInternals, kernel, this.#gpu, this.#compileOnly),
      );
      if (this.#compileOnly) {
        const before = tf.env().getBool(COMPILE_ONLY);
        tf.env().set(COMPILE_ONLY, true);
        this.#undo.push(() => tf.env().set(COMPILE_ONLY, before));
      }
    }
  }

  static begin(opts: ProfileOptions = {}): StepProfiler {
    return new StepProfiler(opts);
  }

  /** Stops counting and restores everything it wrapped; in compile-only mode waits for the pipelines first. */
  async end(): Promise<StepProfile> {
    const wallMs = performance.now() - this.#t0;
    try {
      if (this.#compileOnly) await (tf.backend() as unknown as WebGPUBackendInternals).checkCompileCompletionAsync();
    } finally {
      for (const u of this.#undo.reverse()) u();
      this.#undo.length = 0;
    }
    this.#s.peakBytes = Math.max(this.#s.peakBytes, this.#engine.state.numBytes);
    return this.#report(wallMs);
  }

  #report(wallMs: number): StepProfile {
    const g = this.#gpu;
    const n = this.#top;
    const s = this.#s;
    const jsRandom = { rngWords: s.rngWords, mathRandom: s.mathRandom };
    const common = {
      backend: this.#backend,
      kernelRecordsPerStep: s.kernelRecords,
      jsRandomPerStep: jsRandom.rngWords + jsRandom.mathRandom,
      jsRandom,
      peakBytes: s.peakBytes,
      compileOnly: this.#compileOnly,
      wallMs,
    };
    if (g === null) {
      return {
        ...common,
        dispatchesPerStep: s.kernelRecords,
        dispatchesCountedAs: `kernel records: ${this.#backend} has no GPU, every kernel runs on the CPU`,
        uploadBytesPerStep: 0,
        uploadsPerStep: 0,
        uploadsCountedAs: `none: ${this.#backend} tensors live in host memory`,
        uniformBytesPerStep: 0,
        uniformWritesPerStep: 0,
        bufferCopiesPerStep: 0,
        buffersCreatedPerStep: 0,
        bytesCreatedPerStep: 0,
        peakGpuBufferBytes: null,
        gpuBufferBytesAllocated: null,
        topKernels: sorted(s.records, n),
        topPrograms: [],
        topNoDispatchKernels: [],
        topUploads: [],
        programsRun: null,
      };
    }
    const noDispatch = new Map(
      [...s.records].filter(([k]) => !g.dispatchesByKernel.has(k) && !g.programsByKernel.has(k)),
    );
    const uploads = [...g.uploadsByShape.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, n);
    return {
      ...common,
      dispatchesPerStep: this.#compileOnly ? g.programsRun : g.encoderDispatches,
      dispatchesCountedAs: this.#compileOnly
        ? 'GPU programs built (compile-only: nothing executes, each would be one dispatch)'
        : 'GPU compute dispatches (GPUComputePassEncoder.dispatchWorkgroups)',
      uploadBytesPerStep: g.tensorUploadBytes + g.dataWriteBytes,
      uploadsPerStep: g.tensorUploads + g.dataWrites,
      uploadsCountedAs: 'host→GPU: tensor uploads (uploadToGPU) + non-uniform queue.writeBuffer',
      uniformBytesPerStep: g.uniformBytes,
      uniformWritesPerStep: g.uniformWrites,
      bufferCopiesPerStep: g.copies,
      buffersCreatedPerStep: g.buffersCreated,
      bytesCreatedPerStep: g.bytesCreated,
      peakGpuBufferBytes: g.peakBytesInUse,
      gpuBufferBytesAllocated: (tf.backend() as unknown as WebGPUBackendInternals).bufferManager.numBytesAllocated,
      topKernels: sorted(g.dispatchesByKernel, n),
      topPrograms: sorted(g.programsByClass, n),
      topNoDispatchKernels: sorted(noDispatch, n),
      topUploads: uploads.map(([name, e]) => ({ name, ...e })),
      programsRun: this.#compileOnly ? null : g.programsRun,
    };
  }
}

export interface StepWrapperOptions extends ProfileOptions {
  /** Steps run before the measured one (default 1: pipelines compiled, constants made). */
  warmupSteps?: number;
  /** Called with the measured step's profile as soon as it ends. */
  onProfile?: (p: StepProfile) => void;
}

/**
 * A FitOptions.wrapStep that measures step `warmupSteps` (0-based). In compile-only mode the warm-up
 * steps run compile-only too (a full-size warm-up would execute for minutes on a software GPU); steps
 * after the measured one run normally, so a caller that only wants counts stops fit in onProfile.
 */
export function profileStepWrapper(opts: StepWrapperOptions = {}): {
  wrapStep: <T>(step: number, run: () => Promise<T>) => Promise<T>;
  result: () => StepProfile | null;
} {
  const warmup = opts.warmupSteps ?? 1;
  let profile: StepProfile | null = null;
  const wrapStep = async <T>(step: number, run: () => Promise<T>): Promise<T> => {
    if (step > warmup || (step < warmup && opts.compileOnly !== true)) return run();
    const p = StepProfiler.begin(step === warmup ? opts : { compileOnly: opts.compileOnly === true });
    let loss: T;
    try {
      loss = await run();
    } finally {
      const r = await p.end();
      if (step === warmup) {
        profile = r;
        opts.onProfile?.(r);
      }
    }
    return loss;
  };
  return { wrapStep, result: () => profile };
}
