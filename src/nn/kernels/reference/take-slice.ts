/**
 * Reference of `TakeSlice` (see ../names.ts): the pure-TS definition the other implementations are
 * tested against, and the cpu backend's kernel (a copy of one contiguous block, which is what the cpu
 * backend's own `gather` would do more slowly through its generic index loop).
 */
import type { DataType, KernelConfig, TensorInfo, TypedArray } from '@tensorflow/tfjs';
import { TakeSlice, type TakeSliceAttrs, type TakeSliceInputs } from '../names.ts';

/** out (M, K) = x[index] for x (G, M, K) stored row-major in `values`; the result is a copy. */
export function takeSliceReference<T extends TypedArray>(values: T, shape: readonly number[], index: number): T {
  if (shape.length !== 3) throw new Error(`takeSlice: expected a rank-3 tensor, got shape [${shape.join(',')}]`);
  const [g, m, k] = shape as [number, number, number];
  if (!Number.isInteger(index) || index < 0 || index >= g) {
    throw new Error(`takeSlice: index must be an integer in [0, ${g}), got ${index}`);
  }
  return values.slice(index * m * k, (index + 1) * m * k) as T;
}

/** The part of tfjs-backend-cpu's MathBackendCPU this kernel uses. */
interface CpuBackendInternals {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: DataType, values: TypedArray): TensorInfo;
}

export const takeSliceCpuConfig: KernelConfig = {
  kernelName: TakeSlice,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as TakeSliceInputs;
    const { index } = attrs as unknown as TakeSliceAttrs;
    const b = backend as unknown as CpuBackendInternals;
    const values = b.data.get(x.dataId)?.values as TypedArray;
    const [, m, k] = x.shape as [number, number, number];
    return b.makeTensorInfo([m, k], x.dtype, takeSliceReference(values, x.shape, index));
  },
};
