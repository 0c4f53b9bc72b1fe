/** The part of tfjs-backend-cpu's MathBackendCPU the reference kernels use. */
import type { DataType, TensorInfo, TypedArray } from '@tensorflow/tfjs';

export interface CpuBackendInternals {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: DataType, values: TypedArray): TensorInfo;
}

export function cpuValues(backend: unknown, t: TensorInfo): Float32Array {
  return (backend as CpuBackendInternals).data.get(t.dataId)?.values as Float32Array;
}
