/**
 * Column sums of a matrix through the `ColumnSum` kernel: one pass over all rows when they are few,
 * else blocks of about √R rows and then the blocks, so neither pass leaves a GPU with only one
 * invocation per column walking thousands of rows.
 */
import * as tf from '@tensorflow/tfjs';
import { COLUMN_SUM, runKernel, type ColumnSumAttrs, type ColumnSumInputs } from '../kernels/index.ts';

/** Rows up to which one invocation per column sums the whole column, by default. */
const SINGLE_PASS_ROWS = 256;

function pass(x: tf.Tensor2D, attrs: ColumnSumAttrs): tf.Tensor2D {
  const inputs: ColumnSumInputs = { x };
  return runKernel(COLUMN_SUM, inputs, attrs) as tf.Tensor2D;
}

/**
 * Σ_r x[r, offset + c] for c < width, as (width), in one pass up to `singlePassRows` rows. Callers check
 * `hasKernel(ColumnSum, …)`.
 */
export function columnSum(
  x: tf.Tensor2D,
  offset: number,
  width: number,
  singlePassRows = SINGLE_PASS_ROWS,
): tf.Tensor1D {
  return tf.tidy(() => {
    const rows = x.shape[0];
    let t = x;
    let off = offset;
    if (rows > singlePassRows) {
      t = pass(x, { offset, width, rowsPerBlock: Math.ceil(Math.sqrt(rows)) });
      off = 0;
    }
    return tf.reshape(pass(t, { offset: off, width, rowsPerBlock: Math.max(1, t.shape[0]) }), [width]);
  });
}
