/**
 * `SlicedMatMul` (see ../names.ts) on the tfjs wasm backend: G products, each the wasm backend's own
 * `BatchMatMul` entry point with batch 1 and no transposes, i.e. XNNPACK's fully-connected operator,
 * run on slices of the inputs and the output that are registered with the C side as temporary tensors
 * at heap offsets (views: nothing is copied). Replaces, per batched product, G `TakeSlice` copies of
 * each operand, G engine dispatches of `BatchMatMul` and a `Concat` (which together were ~20 % of a
 * step at batch 64 × N 50, mostly JavaScript dispatch, in tf.profile on the 2-core machine).
 *
 * Each temporary id is disposed right after its product: the C side caches an XNNPACK operator (the
 * packed weights) per `b` id and drops it on disposal, so an id never outlives the bytes it stood for.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendInternals } from '../backend-internals.ts';
import { defineKernel } from '../define.ts';
import { slicedMatMulDims } from '../layout.ts';
import { SLICED_MATMUL } from '../signatures.ts';

/** The C-side parts of BackendWasm this kernel needs, beyond WasmBackendInternals. */
interface WasmModuleInternals {
  HEAPU8: Uint8Array;
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
}
type Backend = Omit<WasmBackendInternals, 'wasm' | 'dataIdMap'> & {
  wasm: WasmModuleInternals;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  dataIdNextNumber: number;
};
type BatchMatMulC = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  ta: boolean,
  tb: boolean,
  outId: number,
) => void;

const entryPoints = new WeakMap<object, BatchMatMulC>();

function batchMatMulC(w: WasmModuleInternals): BatchMatMulC {
  let f = entryPoints.get(w);
  if (f === undefined) {
    // The signature of tfjs-backend-wasm 4.22's kernels/BatchMatMul.ts (a_id, a_shape, a_rank, b_id, …, out_id).
    f = w.cwrap('BatchMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]) as BatchMatMulC;
    entryPoints.set(w, f);
  }
  return f;
}

const shapeBytes = (shape: number[]): Uint8Array => new Uint8Array(new Int32Array(shape).buffer);

export const slicedMatMulWasm = defineKernel(SLICED_MATMUL, {
  backend: 'wasm',
  dtypes: ['float32'],
  run: ({ a, b }, _attrs, be: Backend) => {
    const { g, m, k, n } = slicedMatMulDims(a.shape, b.shape);
    const out: TensorInfo = be.makeOutput([g, m, n], 'float32');
    if (g * m * n === 0) return out;
    if (k === 0) {
      be.typedArrayFromHeap(out).fill(0);
      return out;
    }
    const w = be.wasm;
    const run = batchMatMulC(w);
    const aBase = be.dataIdMap.get(a.dataId)!.memoryOffset;
    const bBase = be.dataIdMap.get(b.dataId)!.memoryOffset;
    const oBase = be.dataIdMap.get(out.dataId)!.memoryOffset;
    const aShape = shapeBytes([1, m, k]);
    const bShape = shapeBytes([1, k, n]);
    for (let s = 0; s < g; s++) {
      const aId = be.dataIdNextNumber++;
      const bId = be.dataIdNextNumber++;
      const oId = be.dataIdNextNumber++;
      w.tfjs.registerTensor(aId, m * k, aBase + 4 * s * m * k);
      w.tfjs.registerTensor(bId, k * n, bBase + 4 * s * k * n);
      w.tfjs.registerTensor(oId, m * n, oBase + 4 * s * m * n);
      run(aId, aShape, 3, bId, bShape, 3, false, false, oId);
      w.tfjs.disposeData(aId);
      w.tfjs.disposeData(bId);
      w.tfjs.disposeData(oId);
    }
    return out;
  },
});
