/**
 * `Dropout` (see ../names.ts) on the tfjs wasm backend: the reference loop run straight over the wasm
 * heap (input and output views), so no mask tensor is made or copied. float32 only.
 */
import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { Dropout, type DropoutAttrs, type DropoutInputs } from '../names.ts';
import { dropoutValues } from '../reference/dropout.ts';

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

export const dropoutWasmConfig: KernelConfig = {
  kernelName: Dropout,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as DropoutInputs;
    const b = backend as unknown as WasmBackendInternals;
    const size = x.shape.reduce((p, d) => p * d, 1);
    const out = b.makeOutput(x.shape, 'float32');
    // After makeOutput: allocating may grow the heap, which replaces HEAPU8's buffer.
    const input = new Float32Array(b.wasm.HEAPU8.buffer, b.dataIdMap.get(x.dataId)!.memoryOffset, size);
    const rows = x.shape[0] ?? 1;
    dropoutValues(input, b.typedArrayFromHeap(out), rows, rows === 0 ? 0 : size / rows, attrs as unknown as DropoutAttrs);
    return out;
  },
};
