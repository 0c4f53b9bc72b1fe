/**
 * `MatMulF16` (see ../names.ts) on the tfjs webgpu backend: the native-f16 program where the device has
 * 'shader-f16' (./device.ts asks for it), the packed one otherwise.
 */
import { defineKernel } from '../define.ts';
import { matMulF16Dims } from '../reference/matmul-f16.ts';
import { MATMUL_F16 } from '../signatures.ts';
import { runProgram, type WebGPUBackendInternals } from './backend-internals.ts';
import { MATMUL_F16_TILE, MatMulF16Program, type MatMulF16Variant } from './matmul-f16-webgpu.ts';

/** The parts of the backend's GPUDevice this kernel reads. */
interface DeviceInternals {
  device: { features: { has(f: string): boolean }; limits: { maxComputeWorkgroupsPerDimension: number } };
}

/** The variant the backend's device runs. */
export function matMulF16Variant(backend: DeviceInternals): MatMulF16Variant {
  return backend.device.features.has('shader-f16') ? 'native' : 'packed';
}

export const matMulF16Webgpu = defineKernel(MATMUL_F16, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ a, b }, at, backend: WebGPUBackendInternals & DeviceInternals) => {
    const dims = matMulF16Dims(a.shape, b.shape, at);
    const maxGroups = backend.device.limits.maxComputeWorkgroupsPerDimension;
    const groups = Math.max(Math.ceil(dims.m / MATMUL_F16_TILE), Math.ceil(dims.n / MATMUL_F16_TILE), dims.batch);
    if (groups > maxGroups)
      throw new Error(
        `matMulF16: ${dims.batch}×${dims.m}×${dims.n} needs ${groups} workgroups along one axis, the device allows ${maxGroups}`,
      );
    const variant = matMulF16Variant(backend);
    const program = new MatMulF16Program(dims.outShape, dims, {
      transposeA: at.transposeA,
      transposeB: at.transposeB,
      variant,
    });
    return runProgram(
      backend,
      program,
      [a, b],
      [
        { type: 'int32', data: [dims.m] },
        { type: 'int32', data: [dims.n] },
        { type: 'int32', data: [dims.k] },
      ],
    );
  },
});
