/**
 * `TakeSlice` (see ../names.ts) on the tfjs wasm backend: one memcpy of the slice out of the wasm heap.
 * tfjs's own kernels are far slower here — `gather` (a generic strided C++ loop) took 10 ms for a
 * 500 × 500 slice and was 58 % of a training step in a profile (tf.profile, N = 500, e = 64, batch 2);
 * `slice`/`split` read the whole input per slice. float32 only: the heap offset arithmetic assumes
 * 4-byte elements, and the op takes the composite path for other dtypes.
 */
import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { TakeSlice, type TakeSliceAttrs, type TakeSliceInputs } from '../names.ts';

/** The part of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

export const takeSliceWasmConfig: KernelConfig = {
  kernelName: TakeSlice,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as TakeSliceInputs;
    const { index } = attrs as unknown as TakeSliceAttrs;
    const [, m, k] = x.shape as [number, number, number];
    const b = backend as unknown as WasmBackendInternals;
    const out = b.makeOutput([m, k], 'float32');
    // After makeOutput: allocating may grow the heap, which replaces HEAPU8's buffer.
    const offset = b.dataIdMap.get(x.dataId)!.memoryOffset + index * m * k * 4;
    b.typedArrayFromHeap(out).set(new Float32Array(b.wasm.HEAPU8.buffer, offset, m * k));
    return out;
  },
};
