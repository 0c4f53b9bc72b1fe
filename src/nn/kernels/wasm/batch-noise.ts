/** `BatchNoise` (see ../names.ts) on the tfjs wasm backend: the reference values written into a heap output. */
import type { KernelConfig } from '@tensorflow/tfjs';
import type { WasmBackendInternals } from '../backend-internals.ts';
import { BatchNoise, type BatchNoiseAttrs } from '../names.ts';
import { batchNoiseReference, batchNoiseShape } from '../reference/batch-noise.ts';

export const batchNoiseWasmConfig: KernelConfig = {
  kernelName: BatchNoise,
  backendName: 'wasm',
  kernelFunc: ({ attrs, backend }) => {
    const a = attrs as unknown as BatchNoiseAttrs;
    const b = backend as unknown as WasmBackendInternals;
    const out = b.makeOutput(batchNoiseShape(a), 'float32');
    b.typedArrayFromHeap(out).set(batchNoiseReference(a));
    return out;
  },
};
