/**
 * `MatMulF16` (see ../names.ts) on the tfjs webgpu backend: the native-f16 program where the device has
 * 'shader-f16' (./device.ts asks for it), the packed one otherwise.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import { MatMulF16, type MatMulF16Attrs, type MatMulF16Inputs } from '../names.ts';
import { matMulF16Dims } from '../reference/matmul-f16.ts';
import { runProgram } from './backend-internals.ts';
import type { DmcWebGPUProgram } from './dropout-webgpu.ts';
import { MATMUL_F16_TILE, MatMulF16Program, type MatMulF16Variant } from './matmul-f16-webgpu.ts';

interface DeviceInternals {
  device: { features: { has(f: string): boolean }; limits: { maxComputeWorkgroupsPerDimension: number } };
}

/** The variant the backend's device runs. */
export function matMulF16Variant(backend: unknown): MatMulF16Variant {
  return (backend as DeviceInternals).device.features.has('shader-f16') ? 'native' : 'packed';
}

export const matMulF16WebgpuConfig: KernelConfig = {
  kernelName: MatMulF16,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { a, b } = inputs as unknown as MatMulF16Inputs;
    const at = attrs as unknown as MatMulF16Attrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`matMulF16: float32 inputs only, got ${a.dtype} and ${b.dtype}`);
    const dims = matMulF16Dims(a.shape, b.shape, at);
    const maxGroups = (backend as DeviceInternals).device.limits.maxComputeWorkgroupsPerDimension;
    const groups = Math.max(Math.ceil(dims.m / MATMUL_F16_TILE), Math.ceil(dims.n / MATMUL_F16_TILE), dims.batch);
    if (groups > maxGroups) throw new Error(`matMulF16: ${dims.batch}×${dims.m}×${dims.n} needs ${groups} workgroups along one axis, the device allows ${maxGroups}`);
    const variant = matMulF16Variant(backend);
    const program = new MatMulF16Program(dims.outShape, dims, { transposeA: at.transposeA, transposeB: at.transposeB, variant });
    return runProgram(backend, program as unknown as DmcWebGPUProgram, [a, b], [
      { type: 'int32', data: [dims.m] },
      { type: 'int32', data: [dims.n] },
      { type: 'int32', data: [dims.k] },
    ]);
  },
};
