/**
 * Slice g of a rank-3 tensor as a 2-D tensor: the `TakeSlice` kernel where the active backend has one
 * for the dtype (wasm: a heap copy; cpu: the reference), else the composite `tf.gather`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  hasKernel,
  runKernel,
  TAKE_SLICE,
  TakeSlice,
  type TakeSliceAttrs,
  type TakeSliceInputs,
} from '../kernels/index.ts';

export function slice2d(x: tf.Tensor3D, g: number): tf.Tensor2D {
  if (hasKernel(TakeSlice, tf.getBackend(), x.dtype)) {
    const inputs: TakeSliceInputs = { x };
    const attrs: TakeSliceAttrs = { index: g };
    return runKernel(TAKE_SLICE, inputs, attrs) as tf.Tensor2D;
  }
  return tf.gather(x, g) as tf.Tensor as tf.Tensor2D;
}
