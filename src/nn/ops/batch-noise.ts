/**
 * A batch's flow-matching noise (base noise x0 and times t) from the `BatchNoise` kernel
 * (../kernels/names.ts): computed on the device where the backend has the kernel, so a training step
 * draws no random numbers in JavaScript and uploads none. Without the kernel (webgl) the reference
 * values are uploaded: the same numbers.
 */
import * as tf from '@tensorflow/tfjs';
import {
  BATCH_NOISE,
  BatchNoise,
  batchNoiseReference,
  batchNoiseShape,
  hasKernel,
  runKernel,
  type BatchNoiseAttrs,
} from '../kernels/index.ts';

/** The Philox key of a step's noise. */
export interface NoiseKey {
  readonly key0: number;
  readonly key1: number;
}

function part(attrs: BatchNoiseAttrs): tf.Tensor2D {
  if (hasKernel(BatchNoise, tf.getBackend(), 'float32')) {
    return runKernel(BATCH_NOISE, {}, attrs) as tf.Tensor2D;
  }
  return tf.tensor2d(batchNoiseReference(attrs), batchNoiseShape(attrs));
}

/** x0 (rows, dim) and t (rows, 1) of batch rows [rowOffset, rowOffset + rows) under `key`. */
export function batchNoise(
  rows: number,
  dim: number,
  key: NoiseKey,
  rowOffset: number,
): { x0: tf.Tensor2D; t: tf.Tensor2D } {
  const base = { rows, dim, key0: key.key0 >>> 0, key1: key.key1 >>> 0, rowOffset };
  return { x0: part({ ...base, part: 0 }), t: part({ ...base, part: 1 }) };
}
