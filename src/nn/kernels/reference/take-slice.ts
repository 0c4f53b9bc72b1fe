/**
 * Reference of `TakeSlice` (see ../names.ts): the pure-TS definition the other implementations are
 * tested against, and the cpu backend's kernel (a copy of one contiguous block, which is what the cpu
 * backend's own `gather` would do more slowly through its generic index loop).
 */
import type { KernelConfig, TypedArray } from '@tensorflow/tfjs';
import type { CpuBackendInternals } from '../backend-internals.ts';
import { sliceLayout } from '../layout.ts';
import { TakeSlice, type TakeSliceAttrs, type TakeSliceInputs } from '../names.ts';

/** out (M, K) = x[index] for x (G, M, K) stored row-major in `values`; the result is a copy. */
export function takeSliceReference<T extends TypedArray>(values: T, shape: readonly number[], index: number): T {
  const { start, size } = sliceLayout(shape, index);
  return values.slice(start, start + size) as T;
}

export const takeSliceCpuConfig: KernelConfig = {
  kernelName: TakeSlice,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as TakeSliceInputs;
    const { index } = attrs as unknown as TakeSliceAttrs;
    const b = backend as unknown as CpuBackendInternals;
    const values = b.data.get(x.dataId)?.values as TypedArray;
    const { m, k } = sliceLayout(x.shape, index);
    return b.makeTensorInfo([m, k], x.dtype, takeSliceReference(values, x.shape, index));
  },
};
