/**
 * `MultiAdam` (see ../names.ts) on the tfjs wasm backend: the reference update (../reference/multi-adam.ts)
 * run over views of the wasm heap, one kernel call per optimizer step. With it the wasm optimizer takes the
 * multi-tensor path (src/nn/training/adam.ts picks it wherever the kernel exists) instead of about ten
 * tfjs ops per variable: at the demo's size that was about 1,200 of a step's 4,000 kernel calls.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { wasmHeapF32, type WasmBackendInternals } from '../backend-internals.ts';
import { MultiAdam, unpackMultiAdamInputs, type MultiAdamAttrs } from '../names.ts';
import { multiAdamReference } from '../reference/multi-adam.ts';

const sizeOf = (t: TensorInfo): number => t.shape.reduce((p, d) => p * d, 1);

export const multiAdamWasmConfig: KernelConfig = {
  kernelName: MultiAdam,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = backend as unknown as WasmBackendInternals;
    const x = unpackMultiAdamInputs(inputs as unknown as TensorInfo[]);
    // Outputs first: allocating may grow the heap, which replaces the buffer every view is on.
    const outState = b.makeOutput(x.state.shape, 'float32');
    const outParams = x.params.map((p) => b.makeOutput(p.shape, 'float32'));
    const view = (t: TensorInfo): Float32Array => wasmHeapF32(b, t, 0, sizeOf(t));
    const loss = view(x.loss)[0]!;
    // The reference checks sizes and returns fresh arrays, so inputs are never written.
    const r = multiAdamReference(x.params.map(view), x.grads.map(view), view(x.state), loss, attrs as unknown as MultiAdamAttrs);
    b.typedArrayFromHeap(outState).set(r.state);
    outParams.forEach((o, k) => b.typedArrayFromHeap(o).set(r.params[k]!));
    return [outState, ...outParams];
  },
};
