/**
 * The tfjs 'webgpu' backend's device, asked for 'shader-f16' where the adapter offers it.
 *
 * tfjs-backend-webgpu 4.22 registers a factory (its base.ts) that requests 'timestamp-query' and
 * 'bgra8unorm-storage' and the adapter's limits, never 'shader-f16', so `enable f16;` would not compile
 * on its device. `registerWebgpuFactory` replaces that factory, before the backend initializes, with one
 * that asks for the same limits and features plus 'shader-f16', and whose device moves `enable`
 * directives to the top of every shader module (tfjs writes its own declarations before a program's
 * code, and WGSL wants directives first).
 */
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** Our factory's marker: re-registration is skipped once it is in place. */
let registered = false;

const ENABLE_LINE = /^[ \t]*enable[ \t]+[A-Za-z0-9_, \t]+;[ \t]*$/gm;

/** `code` with every `enable …;` line moved to the front (once each), the rest unchanged. */
export function hoistEnableDirectives(code: string): string {
  const found = code.match(ENABLE_LINE);
  if (found === null) return code;
  const directives = [...new Set(found.map((l) => l.trim()))];
  return `${directives.join('\n')}\n${code.replace(ENABLE_LINE, '')}`;
}

/** The features tfjs's own factory requests, plus 'shader-f16', where the adapter has them. */
export function requestedFeatures(adapter: { features: { has(f: string): boolean } }): GPUFeatureName[] {
  const wanted: GPUFeatureName[] = ['timestamp-query', 'bgra8unorm-storage', 'shader-f16'];
  return wanted.filter((f) => adapter.features.has(f));
}

async function createBackend(): Promise<WebGPUBackend> {
  const powerPreference = tf.env().get('WEBGPU_USE_LOW_POWER_GPU') === true ? 'low-power' : 'high-performance';
  const adapter = await navigator.gpu.requestAdapter({ powerPreference });
  if (adapter === null) throw new Error('navigator.gpu.requestAdapter() returned null');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: requestedFeatures(adapter),
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
  const create = device.createShaderModule.bind(device);
  device.createShaderModule = (d: GPUShaderModuleDescriptor) => create({ ...d, code: hoistEnableDirectives(d.code) });
  // Browsers before `adapter.info` (Chrome < 127) have only requestAdapterInfo(), as tfjs's factory allows.
  const legacy = adapter as unknown as { info?: GPUAdapterInfo; requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
  const info = legacy.info ?? (legacy.requestAdapterInfo !== undefined ? await legacy.requestAdapterInfo() : undefined);
  return new WebGPUBackend(device, info);
}

/**
 * Replaces tfjs's 'webgpu' factory by ours (same priority). Does nothing where tfjs registered no
 * webgpu factory (no WebGPU here), once the backend is initialized (its device exists already), or when
 * ours is in place.
 */
export function registerWebgpuFactory(): void {
  const e = tf.engine();
  // A backend being initialized (setBackend pending) or already made keeps tfjs's device.
  if (
    registered ||
    tf.findBackendFactory('webgpu') === null ||
    e.registry['webgpu'] !== undefined ||
    e.backendName === 'webgpu'
  )
    return;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', createBackend, 3);
  registered = true;
}

/** What the initialized webgpu backend's device can do, or null where it is not initialized. */
export interface WebgpuFeatures {
  shaderF16: boolean;
}

export function webgpuFeatures(): WebgpuFeatures | null {
  const b = tf.engine().registry['webgpu'] as { device?: GPUDevice } | undefined;
  if (b?.device === undefined) return null;
  return { shaderF16: b.device.features.has('shader-f16') };
}
