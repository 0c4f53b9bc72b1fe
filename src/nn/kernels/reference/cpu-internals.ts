/** Float32 values of a cpu-backend tensor, for the reference kernels (the backend's type: ../backend-internals.ts). */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { CpuBackendInternals } from '../backend-internals.ts';

export type { CpuBackendInternals };

export function cpuValues(backend: unknown, t: TensorInfo): Float32Array {
  return (backend as CpuBackendInternals).data.get(t.dataId)?.values as Float32Array;
}
