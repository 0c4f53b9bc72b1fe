/**
 * The one list of this project's kernels, and their registration with tfjs. Backend setup
 * (`../runtime/backend.ts`) calls `registerKernels` before it initializes a backend; ops ask `hasKernel` whether
 * to run a kernel or their composite path on the active backend.
 */
import * as tf from '@tensorflow/tfjs';
import { CPU_KERNELS } from './cpu/index.ts';
import type { DmcKernel } from './types.ts';
import { WASM_KERNELS, WASM_OVERRIDES } from './wasm/index.ts';
import { registerWebgpuFactory, WEBGPU_KERNELS } from './webgpu/index.ts';

export const KERNELS: readonly DmcKernel[] = [...CPU_KERNELS, ...WASM_KERNELS, ...WEBGPU_KERNELS];

/**
 * Registers every kernel of KERNELS that tfjs does not know yet, and WASM_OVERRIDES over tfjs's own.
 * Idempotent: tfjs's registry outlives this module (a second copy in tests or after a hot reload would otherwise log a re-registration
 * warning per kernel). Also puts this project's webgpu factory in place (webgpu/device.ts: a device with
 * 'shader-f16' where the adapter offers it), which only works before the webgpu backend initializes.
 */
export function registerKernels(): void {
  registerWebgpuFactory();
  for (const { config } of KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
  // Over tfjs's own kernel (unregistered first: tfjs warns on a second registration).
  for (const { config } of WASM_OVERRIDES) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}

/** Whether `kernelName` is registered for `backendName` and computes inputs of `dtype`. */
export function hasKernel(kernelName: string, backendName: string, dtype: tf.DataType): boolean {
  const k = KERNELS.find((c) => c.config.kernelName === kernelName && c.config.backendName === backendName);
  return k !== undefined && k.dtypes.includes(dtype) && tf.getKernel(kernelName, backendName) !== undefined;
}
