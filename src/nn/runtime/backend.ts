/**
 * tfjs backend selection: webgpu → webgl → wasm → cpu, with the reason for every fallback
 * (docs/design/gpu-path.md#backend-selection, docs/design/gpu-path.md#rules-the-code-keeps).
 *
 * Rules from the measurements in docs/design/gpu-path.md:
 * - webgpu is tried only after `navigator.gpu.requestAdapter()` returned an adapter (`navigator.gpu`
 *   exists even without one), and `tf.setBackend` failure is a `false` return value, not an exception;
 * - on a software GPU (WebGPU fallback adapter / SwiftShader WebGL) wasm is 5–20× faster than webgpu or
 *   webgl, so automatic selection skips them and says so; an explicit preference still gets them;
 * - wasm binaries must be wired with `setWasmPaths` before the wasm backend initializes: in the
 *   browser the caller passes the Vite `?url` imports to `configureWasm` (see src/workers/train.worker.ts);
 *   in Node the package's own dist folder is used;
 * - the wasm backend's thread count is fixed when it initializes: `setWasmThreads` (src/nn/runtime/threads.ts
 *   decides the count) must run before; `wasmThreads()` reads back what tfjs actually uses.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerKernels } from '../kernels/index.ts';
import { whyNoThreads, type ThreadPlan } from './threads.ts';
import { errorMessage } from '../../shared/index.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendFallback {
  backend: BackendName;
  reason: string;
}

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  isFallbackAdapter: boolean;
  /** The adapter offers 'shader-f16' (the MatMulF16 kernel then runs its native-f16 variant). */
  shaderF16?: boolean;
}

/** What the wasm backend runs with: tfjs's own `getThreadsCount()`, and why that many. */
export interface WasmThreads {
  count: number;
  reason: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** Every backend tried or skipped before `backend`, in order, with the reason. */
  fallbacks: BackendFallback[];
  /** wasm only: the threads it trains with. */
  threads?: WasmThreads;
}

export interface BackendProbe {
  backend: BackendName;
  /** The backend initialized (tf.setBackend returned true). */
  available: boolean;
  /** Software emulation (SwiftShader): correct but slower than wasm on the same CPU. */
  software: boolean;
  reason: string;
  adapter?: GpuAdapterSummary;
  /** wasm, when it initialized: the threads it runs with. */
  threads?: WasmThreads;
}

export interface SelectOptions {
  /** With a preferred backend: throw instead of falling back when it cannot be used. */
  strict?: boolean;
}

export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

export type WasmPaths =
  | string
  | {
      'tfjs-backend-wasm.wasm': string;
      'tfjs-backend-wasm-simd.wasm': string;
      'tfjs-backend-wasm-threaded-simd.wasm': string;
    };

let wasmConfigured = false;

/**
 * Where the wasm binaries are: a folder prefix or one URL per binary (Vite `?url` imports). Must run
 * before the wasm backend first initializes; later calls are rejected because they would be ignored.
 */
export function configureWasm(paths: WasmPaths): void {
  if (tf.engine().registry['wasm'] !== undefined) {
    throw new BackendError(
      'configureWasm: the wasm backend is already initialized; configure it before selecting a backend',
    );
  }
  setWasmPaths(paths);
  wasmConfigured = true;
}

let threadPlan: ThreadPlan | null = null;

/**
 * How many threads the wasm backend will use (tfjs `setThreadsCount`); must run before it initializes,
 * like `configureWasm`. Without it tfjs takes half the logical cores (see `withLogicalCores`), up to 8.
 */
export function setWasmThreads(plan: ThreadPlan): void {
  if (tf.engine().registry['wasm'] !== undefined) {
    throw new BackendError('setWasmThreads: the wasm backend is already initialized; its thread count is fixed');
  }
  setThreadsCount(plan.threads);
  threadPlan = plan;
}

/** The threads the initialized wasm backend runs with, and why; undefined before it initializes. */
export function wasmThreads(): WasmThreads | undefined {
  if (tf.engine().registry['wasm'] === undefined) return undefined;
  let count: number;
  try {
    count = getThreadsCount();
  } catch {
    return undefined;
  }
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  const env = {
    isolated: g.crossOriginIsolated === true,
    sharedMemory: typeof g.SharedArrayBuffer === 'function',
    node: !isBrowserLike(),
  };
  if (count > 1) return { count, reason: threadPlan?.reason ?? `tfjs's default: half the logical cores` };
  // One thread: say why threads were impossible here, else why the plan asked for one.
  const reason =
    whyNoThreads(env) ??
    (threadPlan !== null && threadPlan.threads === 1 ? threadPlan.reason : 'tfjs found no wasm thread support here');
  return { count, reason };
}

function isBrowserLike(): boolean {
  const g = globalThis as { window?: unknown; WorkerGlobalScope?: unknown };
  return g.window !== undefined || g.WorkerGlobalScope !== undefined;
}

/** In Node, point the wasm backend at its dist folder unless the caller configured it. */
async function ensureWasmPaths(): Promise<void> {
  if (wasmConfigured || isBrowserLike() || tf.engine().registry['wasm'] !== undefined) return;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node === undefined) return;
  // Hidden specifiers keep Vite from trying to bundle Node built-ins into the browser build.
  const nodeModule = 'node:module';
  const nodePath = 'node:path';
  const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('node:module');
  const { dirname, join } = (await import(/* @vite-ignore */ nodePath)) as typeof import('node:path');
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  setWasmPaths(join(dirname(pkg), 'dist') + '/');
  wasmConfigured = true;
}

interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  isFallbackAdapter?: boolean;
  features?: { has(feature: string): boolean };
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
}

async function webgpuAdapter(): Promise<{ adapter?: GpuAdapterSummary; reason?: string }> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu === undefined) return { reason: 'navigator.gpu is undefined (no WebGPU in this environment)' };
  let a: AdapterLike | null;
  try {
    a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { reason: `navigator.gpu.requestAdapter() threw: ${errorMessage(e)}` };
  }
  if (a === null) return { reason: 'navigator.gpu.requestAdapter() returned null (no WebGPU adapter)' };
  const architecture = a.info?.architecture ?? '';
  const isFallbackAdapter = a.info?.isFallbackAdapter ?? a.isFallbackAdapter ?? false;
  return {
    adapter: {
      vendor: a.info?.vendor ?? '',
      architecture,
      isFallbackAdapter: isFallbackAdapter || /swiftshader/i.test(architecture),
      shaderF16: a.features?.has('shader-f16') ?? false,
    },
  };
}

/** The WebGL renderer string, to recognise SwiftShader (software) without initializing tfjs-webgl. */
function webglRenderer(): string | null {
  try {
    const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(k: string): unknown } };
    if (g.OffscreenCanvas === undefined) return null;
    const gl = new g.OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (gl === null) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r = ext === null ? gl.getParameter(gl.RENDERER) : gl.getParameter(ext.UNMASKED_RENDERER_WEBGL);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof r === 'string' ? r : null;
  } catch {
    return null;
  }
}

/** Why a backend cannot even be attempted here, or null if it may be tried. */
function notRegistered(name: BackendName): string | null {
  if (tf.findBackendFactory(name) !== null) return null;
  return name === 'webgl' || name === 'webgpu'
    ? `not registered: tfjs registers ${name} only where the browser API exists (this environment has none)`
    : `not registered in tfjs`;
}

/**
 * tfjs's C++ side caps the thread pool at `navigator.hardwareConcurrency / 2` (backend.cc assumes two
 * hyperthreads per core), read once when the wasm module instantiates: on a machine reporting 2 logical
 * cores it would train on 1 thread whatever `setThreadsCount` says. While the wasm backend initializes,
 * the worker's navigator reports twice the planned count so that the plan (src/nn/runtime/threads.ts) is what
 * XNNPACK gets; `wasmThreads()` reads back tfjs's own count afterwards.
 */
async function withLogicalCores<T>(init: () => Promise<T>): Promise<T> {
  const nav = (globalThis as { navigator?: object }).navigator;
  const planned = threadPlan?.threads ?? 0;
  if (nav === undefined || planned <= 1 || !isBrowserLike()) return init();
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => 2 * planned });
  try {
    return await init();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

async function trySet(name: BackendName): Promise<string | null> {
  if (name === 'wasm') await ensureWasmPaths();
  const missing = notRegistered(name);
  if (missing !== null) return missing;
  let ok: boolean;
  try {
    ok = name === 'wasm' ? await withLogicalCores(() => tf.setBackend(name)) : await tf.setBackend(name);
  } catch (e) {
    return `tf.setBackend('${name}') threw: ${errorMessage(e)}`;
  }
  if (!ok) return `tf.setBackend('${name}') returned false (initialization failed)`;
  await tf.ready();
  return null;
}

interface Candidate {
  skip?: string;
  software: boolean;
  adapter?: GpuAdapterSummary;
}

async function assess(name: BackendName): Promise<Candidate> {
  if (name === 'webgpu') {
    const { adapter, reason } = await webgpuAdapter();
    if (adapter === undefined) return { skip: reason ?? 'no adapter', software: false };
    return { software: adapter.isFallbackAdapter, adapter };
  }
  if (name === 'webgl') {
    const r = webglRenderer();
    return { software: r !== null && /swiftshader|llvmpipe|software/i.test(r) };
  }
  return { software: false };
}

function softwareReason(name: BackendName, c: Candidate): string {
  const what =
    name === 'webgpu'
      ? `WebGPU adapter is a software fallback (vendor '${c.adapter?.vendor ?? ''}', architecture '${c.adapter?.architecture ?? ''}')`
      : 'WebGL renders in software (SwiftShader)';
  return `${what}: skipped in favour of wasm, which is 5–20× faster on a CPU (docs/design/gpu-path.md#backend-selection)`;
}

function withThreads(choice: BackendChoice): BackendChoice {
  const threads = choice.backend === 'wasm' ? wasmThreads() : undefined;
  return threads === undefined ? choice : { ...choice, threads };
}

/**
 * Selects and initializes a backend. Without `preferred`: webgpu → webgl → wasm → cpu, skipping
 * software GPUs. With `preferred`: that backend first, even on a software GPU (a user's explicit
 * choice), then the automatic order unless `strict`. Throws if nothing initializes. This project's
 * kernels (kernels/register.ts) are registered first, so every backend finds its own.
 */
export async function selectBackend(preferred?: BackendName, opts: SelectOptions = {}): Promise<BackendChoice> {
  registerKernels();
  const fallbacks: BackendFallback[] = [];
  if (preferred !== undefined) {
    if (!BACKEND_ORDER.includes(preferred)) {
      throw new BackendError(`unknown backend '${String(preferred)}' (known: ${BACKEND_ORDER.join(', ')})`);
    }
    const c = await assess(preferred);
    const failure = c.skip ?? (await trySet(preferred));
    if (failure === null) return withThreads({ backend: preferred, fallbacks });
    if (opts.strict === true) throw new BackendError(`backend '${preferred}' requested but unusable: ${failure}`);
    fallbacks.push({ backend: preferred, reason: `requested, but ${failure}` });
  }
  for (const name of BACKEND_ORDER) {
    if (name === preferred) continue;
    const c = await assess(name);
    if (c.skip !== undefined) {
      fallbacks.push({ backend: name, reason: c.skip });
      continue;
    }
    if (c.software && (name === 'webgpu' || name === 'webgl')) {
      fallbacks.push({ backend: name, reason: softwareReason(name, c) });
      continue;
    }
    const failure = await trySet(name);
    if (failure === null) return withThreads({ backend: name, fallbacks });
    fallbacks.push({ backend: name, reason: failure });
  }
  throw new BackendError(
    `no tfjs backend could be initialized: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`,
  );
}

/**
 * Tries every backend (initializing each) and reports availability, software emulation and the reason;
 * restores the backend that was active before. Run it before any model exists: tensors created on one
 * backend are moved lazily when another becomes active.
 */
export async function probeBackends(): Promise<BackendProbe[]> {
  // undefined until a backend has been initialized (reading tf.getBackend() would initialize one).
  const previous = tf.engine().backendName as BackendName | undefined;
  registerKernels();
  const out: BackendProbe[] = [];
  for (const name of BACKEND_ORDER) {
    const c = await assess(name);
    const probe: BackendProbe = { backend: name, available: false, software: c.software, reason: '' };
    if (c.adapter !== undefined) probe.adapter = c.adapter;
    const failure = c.skip ?? (await trySet(name));
    probe.available = failure === null;
    const threads = name === 'wasm' && failure === null ? wasmThreads() : undefined;
    if (threads !== undefined) probe.threads = threads;
    probe.reason =
      failure ??
      (c.software
        ? `available, software emulation (${name === 'webgpu' ? 'fallback adapter' : 'SwiftShader'})`
        : 'available');
    out.push(probe);
  }
  if (previous !== undefined && previous !== tf.getBackend()) await tf.setBackend(previous);
  return out;
}
