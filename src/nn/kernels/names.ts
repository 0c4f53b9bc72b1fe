/**
 * Names and signatures of this project's own tfjs kernels, as tfjs-core's `kernel_names.ts` declares its
 * own: one name constant per kernel, its inputs as an interface of named tensors (tfjs's
 * `Pick<NamedTensorInfoMap, …>` would type every input as possibly undefined) and its attributes as a
 * plain object. The ops in `../ops/` call `tf.engine().runKernel` with exactly these types, and every
 * backend implementation (reference, wasm, webgpu) reads them, so a kernel's contract is written once.
 *
 * Names carry the `Dmc` prefix: tfjs keeps one kernel registry per process, so a bare name could collide
 * with one that a later tfjs release adds.
 */
import type { TensorInfo } from '@tensorflow/tfjs';

/**
 * Slice `index` of a rank-3 tensor x (G, M, K) as a rank-2 tensor (M, K): out[m, k] = x[index, m, k].
 * No gradient of its own: only the custom gradients of the sliced products use it.
 */
export const TakeSlice = 'DmcTakeSlice';
export interface TakeSliceInputs {
  /** (G, M, K). */
  x: TensorInfo;
}
export interface TakeSliceAttrs {
  /** 0-based slice along the leading axis, 0 ≤ index < G. */
  index: number;
}
