/**
 * `Dropout` (see ../names.ts) on the tfjs wasm backend: the reference loop run straight over the wasm
 * heap (input and output views), so no mask tensor is made or copied. float32 only.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import { wasmHeapF32, type WasmBackendInternals } from '../backend-internals.ts';
import { rowLayout } from '../layout.ts';
import { Dropout, type DropoutAttrs, type DropoutInputs } from '../names.ts';
import { dropoutValues } from '../reference/dropout.ts';

export const dropoutWasmConfig: KernelConfig = {
  kernelName: Dropout,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as DropoutInputs;
    const b = backend as unknown as WasmBackendInternals;
    const { size, rows, rowSize } = rowLayout(x.shape);
    const out = b.makeOutput(x.shape, 'float32');
    dropoutValues(wasmHeapF32(b, x, 0, size), b.typedArrayFromHeap(out), rows, rowSize, attrs as unknown as DropoutAttrs);
    return out;
  },
};
