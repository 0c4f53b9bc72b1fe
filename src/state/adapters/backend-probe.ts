/**
 * Which tfjs backends this browser can offer, found by feature detection on the main thread without
 * importing tfjs (≈ 1.3 MB; it belongs in the training worker). The checks are the ones
 * docs/design/gpu-path.md#backend-selection, docs/design/gpu-path.md#rules-the-code-keeps prescribe: WebGPU only when `requestAdapter()` returns an
 * adapter (`navigator.gpu` exists even without one), WebGL2 through a context, wasm through
 * `WebAssembly.validate` of a module that uses SIMD (tfjs's fast wasm binary needs it).
 *
 * When the training worker is available its own probe (tfjs's real `setBackend` results) replaces this.
 */
import { errorMessage } from '../../shared/index.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendProbe {
  backend: BackendName;
  available: boolean;
  /** Available: what was found (adapter, renderer, SIMD). Missing: the reason. */
  detail: string;
  /** webgpu only: true when the adapter is a real GPU, false for a software/fallback adapter. */
  hardware?: boolean;
  /** webgpu with an adapter: whether the mixed-precision (f16) products can use native f16 (`f16Note`). */
  f16?: string;
  /** wasm, probed by tfjs: the threads it runs with (`getThreadsCount()`) and why that many. */
  threads?: { count: number; reason: string };
}

/** What the backend panel says about 'shader-f16' for a WebGPU adapter. */
export function f16Note(shaderF16: boolean): string {
  return shaderF16
    ? 'shader-f16 offered: the opt-in f16 matmul (Setup → Network) runs native f16 tiles'
    : 'this adapter does not offer shader-f16: the opt-in f16 matmul (Setup → Network) packs its halves in 32-bit words (same numbers)';
}

/**
 * The smallest module using a SIMD instruction: `(func (result v128) v128.const i32x4 0 0 0 0)`.
 * Hand-assembled: header, type section [() → v128], function section [type 0], code section
 * [no locals, 0xfd 0x0c + 16 immediate bytes, end]. Engines without SIMD fail to validate the 0xfd prefix.
 */
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b,
  0x03,
  0x02,
  0x01,
  0x00,
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c,
  ...new Array<number>(16).fill(0),
  0x0b,
]);

/** Minimal structural view of the WebGPU entry points we touch (lib.dom in TS 5.9 has no WebGPU types). */
interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  features?: { has(feature: string): boolean };
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

export async function probeWebGpu(nav: Navigator = navigator): Promise<BackendProbe> {
  const gpu = (nav as Navigator & { gpu?: GpuLike }).gpu;
  if (gpu === undefined) {
    return { backend: 'webgpu', available: false, detail: 'this browser has no WebGPU (navigator.gpu is missing)' };
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { backend: 'webgpu', available: false, detail: `requestAdapter() failed: ${message(err)}` };
  }
  if (adapter === null) {
    return {
      backend: 'webgpu',
      available: false,
      detail: 'requestAdapter() returned no adapter (no usable GPU, or WebGPU is disabled)',
    };
  }
  const info = adapter.info ?? {};
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  // SwiftShader reports architecture "swiftshader" (docs/design/gpu-path.md#measuring) and is CPU emulation.
  const software = fallback || /swiftshader/i.test(`${info.architecture ?? ''} ${info.description ?? ''}`);
  const name = [info.vendor, info.architecture, info.description].filter((s) => s !== undefined && s !== '').join(' ');
  return {
    backend: 'webgpu',
    available: true,
    hardware: !software,
    detail: software
      ? `software adapter only (${name || 'fallback'}), no hardware GPU`
      : `adapter ${name || '(unnamed)'}`,
    f16: f16Note(adapter.features?.has('shader-f16') ?? false),
  };
}

export function probeWebGl(doc: Document = document): BackendProbe {
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = doc.createElement('canvas').getContext('webgl2');
  } catch (err) {
    return { backend: 'webgl', available: false, detail: `creating a WebGL2 context failed: ${message(err)}` };
  }
  if (gl === null) return { backend: 'webgl', available: false, detail: 'no WebGL2 context (disabled or unsupported)' };
  const renderer = String(gl.getParameter(gl.RENDERER));
  // tfjs trains on float textures; without this extension webgl falls back to 16-bit and training degrades.
  const floats = gl.getExtension('EXT_color_buffer_float') !== null;
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return {
    backend: 'webgl',
    available: floats,
    detail: floats
      ? `WebGL2, ${renderer}`
      : `WebGL2 without EXT_color_buffer_float (${renderer}): no float32 render targets`,
  };
}

export function probeWasm(): BackendProbe {
  if (typeof WebAssembly !== 'object')
    return { backend: 'wasm', available: false, detail: 'no WebAssembly in this browser' };
  const simd = WebAssembly.validate(SIMD_PROBE);
  const threads = typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
  return {
    backend: 'wasm',
    available: true,
    detail: `WebAssembly${simd ? ' with SIMD' : ' without SIMD (slower binary)'}${threads ? ', threads' : ''}`,
  };
}

export async function probeAll(): Promise<BackendProbe[]> {
  const webgpu = await probeWebGpu();
  return [
    webgpu,
    probeWebGl(),
    probeWasm(),
    { backend: 'cpu', available: true, detail: 'plain JavaScript, always available' },
  ];
}

export interface BackendPlan {
  backend: BackendName;
  /** Why a faster backend was not chosen; null when WebGPU on a hardware GPU is used. */
  fallbackReason: string | null;
}

/**
 * The order docs/design/gpu-path.md#rules-the-code-keeps prescribes: WebGPU on a hardware adapter; otherwise wasm, which was
 * 5–20× faster than SwiftShader WebGPU/WebGL on a GPU-less machine; then WebGL; then cpu. An
 * explicit preference is honoured when that backend is available.
 */
export function planBackend(probes: readonly BackendProbe[], preference: BackendName | 'auto' = 'auto'): BackendPlan {
  const get = (b: BackendName): BackendProbe | undefined => probes.find((p) => p.backend === b);
  const gpu = get('webgpu');
  if (preference !== 'auto') {
    const p = get(preference);
    if (p?.available) return { backend: preference, fallbackReason: null };
  }
  if (gpu?.available && gpu.hardware === true) return { backend: 'webgpu', fallbackReason: null };
  const why =
    gpu === undefined
      ? 'WebGPU was not probed'
      : gpu.available
        ? `WebGPU has a ${gpu.detail}`
        : `WebGPU unavailable: ${gpu.detail}`;
  for (const b of ['wasm', 'webgl', 'cpu'] as const) {
    if (get(b)?.available) return { backend: b, fallbackReason: why };
  }
  return { backend: 'cpu', fallbackReason: why };
}

function message(err: unknown): string {
  return errorMessage(err);
}
