/**
 * `TakeSlice` (see ../names.ts) on the tfjs wasm backend: one memcpy of the slice out of the wasm heap.
 * tfjs's own kernels are far slower here — `gather` (a generic strided C++ loop) took 10 ms for a
 * 500 × 500 slice and was 58 % of a training step in a profile (tf.profile, N = 500, e = 64, batch 2);
 * `slice`/`split` read the whole input per slice. float32 only: the heap offset arithmetic assumes
 * 4-byte elements, and the op takes the composite path for other dtypes.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import { wasmHeapF32, type WasmBackendInternals } from '../backend-internals.ts';
import { sliceLayout } from '../layout.ts';
import { TakeSlice, type TakeSliceAttrs, type TakeSliceInputs } from '../names.ts';

export const takeSliceWasmConfig: KernelConfig = {
  kernelName: TakeSlice,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as TakeSliceInputs;
    const { index } = attrs as unknown as TakeSliceAttrs;
    const { m, k, start, size } = sliceLayout(x.shape, index);
    const b = backend as unknown as WasmBackendInternals;
    const out = b.makeOutput([m, k], 'float32');
    b.typedArrayFromHeap(out).set(wasmHeapF32(b, x, start, size));
    return out;
  },
};
