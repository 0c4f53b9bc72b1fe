/** `BatchNoise` (see ../names.ts) on the tfjs wasm backend: the reference values written into a heap output. */
import type { WasmBackendInternals } from '../backend-internals.ts';
import { defineKernel } from '../define.ts';
import { batchNoiseReference, batchNoiseShape } from '../reference/batch-noise.ts';
import { BATCH_NOISE } from '../signatures.ts';

export const batchNoiseWasm = defineKernel(BATCH_NOISE, {
  backend: 'wasm',
  dtypes: ['float32'],
  run: (_x, a, b: WasmBackendInternals) => {
    const out = b.makeOutput(batchNoiseShape(a), 'float32');
    b.typedArrayFromHeap(out).set(batchNoiseReference(a));
    return out;
  },
});
