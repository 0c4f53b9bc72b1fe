/**
 * What the header and the Simulate view say about tfjs backends: the probe of every backend, the one
 * training uses and, when it is not WebGPU on a GPU, why (the fallback is always shown,
 * never silent). The training worker answers both with tfjs itself (src/nn/runtime/backend.ts: real `setBackend` results);
 * if it cannot start, main-thread feature detection (backend-probe.ts) stands in and the plan is marked
 * as not confirmed.
 */
import type { BackendChoice, BackendProbe as TfProbe, WasmThreads } from '../nn/pure.ts';
import {
  f16Note,
  planBackend,
  probeAll,
  probeWasm,
  type BackendName,
  type BackendPlan,
  type BackendProbe,
} from './adapters/backend-probe.ts';
import { errorMessage } from '../shared/index.ts';

/** The training worker's two backend calls (src/workers/train-client.ts). */
export interface BackendOracle {
  probeBackends(): Promise<TfProbe[]>;
  selectBackend(): Promise<BackendChoice>;
}

/** A tfjs probe in the page's terms: `hardware` says whether WebGPU runs on a real GPU. */
export function fromTfProbe(p: TfProbe): BackendProbe {
  const adapter = p.adapter
    ? ` (${[p.adapter.vendor, p.adapter.architecture].filter((s) => s !== '').join(' ') || 'unnamed adapter'})`
    : '';
  const detail = p.available
    ? p.software
      ? `software emulation${adapter}, no hardware GPU`
      : `initialized${adapter}`
    : p.reason;
  if (p.backend === 'wasm' && p.threads !== undefined)
    return { backend: p.backend, available: p.available, detail, threads: p.threads };
  if (p.backend !== 'webgpu') return { backend: p.backend, available: p.available, detail };
  const gpu: BackendProbe = { backend: p.backend, available: p.available, detail, hardware: !p.software };
  if (p.adapter?.shaderF16 !== undefined) gpu.f16 = f16Note(p.adapter.shaderF16);
  return gpu;
}

/**
 * The reason shown when training does not use WebGPU, in a user's words: what the WebGPU probe found
 * (no API, no adapter, only a software adapter) when there is a probe, else tfjs's fallback entry.
 */
export function fallbackReason(choice: BackendChoice, webgpu?: TfProbe): string | null {
  if (choice.backend === 'webgpu') return null;
  if (webgpu !== undefined) {
    if (webgpu.available && webgpu.software) {
      const a = webgpu.adapter
        ? ` (${[webgpu.adapter.vendor, webgpu.adapter.architecture].filter((x) => x !== '').join(' ')})`
        : '';
      return `this browser offers only a software WebGPU adapter${a}, no hardware GPU`;
    }
    if (!webgpu.available) return `WebGPU is unavailable here: ${webgpu.reason}`;
  }
  const gpu = choice.fallbacks.find((f) => f.backend === 'webgpu');
  return gpu !== undefined ? `WebGPU: ${gpu.reason}` : (choice.fallbacks[0]?.reason ?? 'WebGPU was not tried');
}

export class BackendStatus {
  #probes = $state.raw<BackendProbe[] | null>(null);
  #error = $state<string | null>(null);
  #inUse = $state.raw<{ backend: BackendName; fallbackReason: string | null } | null>(null);
  #source = $state<'tfjs' | 'feature-detection'>('feature-detection');
  #threads = $state.raw<WasmThreads | null>(null);
  #probing: Promise<void> | null = null;
  #webgpu: TfProbe | undefined;
  readonly #oracle: BackendOracle | null;

  constructor(oracle: BackendOracle | null = null) {
    this.#oracle = oracle;
  }

  get probes(): BackendProbe[] | null {
    return this.#probes;
  }
  get error(): string | null {
    return this.#error;
  }
  /** 'tfjs': probed by initializing each backend in the training worker; else main-thread feature detection. */
  get source(): 'tfjs' | 'feature-detection' {
    return this.#source;
  }

  /** The backend training uses (confirmed by tfjs) or would use (planned from feature detection). */
  get plan(): (BackendPlan & { confirmed: boolean }) | null {
    if (this.#inUse !== null) return { ...this.#inUse, confirmed: true };
    if (this.#probes === null) return null;
    return { ...planBackend(this.#probes), confirmed: false };
  }

  /**
   * The threads the wasm backend trains with (tfjs's `getThreadsCount()` in the training worker) and
   * why; null until the worker has initialized wasm, or when it could not start.
   */
  get threads(): WasmThreads | null {
    return this.#threads;
  }

  /** True when WebGPU runs on real GPU hardware (the demo then runs the notebook preset). */
  get hasGpu(): boolean {
    return this.#probes?.some((p) => p.backend === 'webgpu' && p.available && p.hardware === true) ?? false;
  }

  /** Probes once; later calls share the first result. */
  load(): Promise<void> {
    this.#probing ??= this.#load();
    return this.#probing;
  }

  async #load(): Promise<void> {
    if (this.#oracle !== null) {
      try {
        const probes = await this.#oracle.probeBackends();
        // tfjs says whether wasm initialized; which binary it can use (SIMD, threads) is seen from here.
        const wasm = probeWasm();
        this.#probes = probes
          .map(fromTfProbe)
          .map((p) => (p.backend === 'wasm' && p.available ? { ...p, detail: `${p.detail}: ${wasm.detail}` } : p));
        this.#source = 'tfjs';
        this.#threads = probes.find((p) => p.backend === 'wasm')?.threads ?? null;
        const choice = await this.#oracle.selectBackend();
        if (choice.threads !== undefined) this.#threads = choice.threads;
        this.#webgpu = probes.find((p) => p.backend === 'webgpu');
        this.reportInUse(choice.backend, fallbackReason(choice, this.#webgpu));
        return;
      } catch (err) {
        this.#error = `The training worker could not probe the backends (${errorMessage(err)}); showing feature detection instead.`;
      }
    }
    try {
      this.#probes = await probeAll();
    } catch (err) {
      const why = `Could not probe the tfjs backends: ${errorMessage(err)}`;
      this.#error = this.#error === null ? why : `${this.#error} ${why}`;
    }
  }

  reportInUse(backend: BackendName, fallbackReason: string | null): void {
    this.#inUse = { backend, fallbackReason };
  }

  /** What the training worker chose for a run (the run may prefer another backend than the default). */
  reportChoice(choice: BackendChoice): void {
    if (choice.threads !== undefined) this.#threads = choice.threads;
    this.reportInUse(choice.backend, fallbackReason(choice, this.#webgpu));
  }
}
