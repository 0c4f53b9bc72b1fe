/**
 * `TakeSlice` (see ../names.ts) on the tfjs wasm backend: one memcpy of the slice out of the wasm heap.
 * tfjs's own kernels are far slower here — `gather` (a generic strided C++ loop) took 10 ms for a
 * 500 × 500 slice and was 58 % of a training step in a profile (tf.profile, N = 500, e = 64, batch 2);
 * `slice`/`split` read the whole input per slice. float32 only: the heap offset arithmetic assumes
 * 4-byte elements, and the op takes the composite path for other dtypes.
 */
import { wasmHeapF32, type WasmBackendInternals } from '../backend-internals.ts';
import { defineKernel } from '../define.ts';
import { sliceLayout } from '../layout.ts';
import { TAKE_SLICE } from '../signatures.ts';

export const takeSliceWasm = defineKernel(TAKE_SLICE, {
  backend: 'wasm',
  dtypes: ['float32'],
  run: ({ x }, { index }, b: WasmBackendInternals) => {
    const { m, k, start, size } = sliceLayout(x.shape, index);
    const out = b.makeOutput([m, k], 'float32');
    b.typedArrayFromHeap(out).set(wasmHeapF32(b, x, start, size));
    return out;
  },
});
