/**
 * The parts of tfjs's cpu and wasm backends that this project's kernels use (their classes are not
 * exported as types), declared once for every kernel of a backend.
 */
import type { DataType, TensorInfo, TypedArray } from '@tensorflow/tfjs';

/** tfjs-backend-cpu's MathBackendCPU. */
export interface CpuBackendInternals {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: DataType, values: TypedArray): TensorInfo;
}

/** tfjs-backend-wasm's BackendWasm. */
export interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/**
 * `length` float32 values of `x` from element `start`, viewed in place on the wasm heap. Take the view
 * after the last makeOutput: allocating may grow the heap, which replaces HEAPU8's buffer.
 */
export function wasmHeapF32(b: WasmBackendInternals, x: TensorInfo, start: number, length: number): Float32Array {
  return new Float32Array(b.wasm.HEAPU8.buffer, b.dataIdMap.get(x.dataId)!.memoryOffset + 4 * start, length);
}
