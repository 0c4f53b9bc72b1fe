/**
 * Inverted dropout as a differentiable op over the `Dropout` kernel (../kernels/names.ts): the mask is a
 * function of (key, site, row, element), computed inside the kernel in the forward pass and again in
 * the backward pass (dx = dy · mask), so it is never stored, uploaded or drawn in JavaScript on a backend
 * with the kernel. Without one (webgl) the reference mask is uploaded: same values, more traffic.
 */
import * as tf from '@tensorflow/tfjs';
import {
  Dropout,
  DROPOUT,
  dropoutMaskReference,
  hasKernel,
  runKernel,
  type DropoutAttrs,
  type DropoutInputs,
} from '../kernels/index.ts';

/** Where a pass's masks come from: a Philox key per (run, step) and the batch position of row 0. */
export interface DropoutKey {
  readonly key0: number;
  readonly key1: number;
  readonly rowOffset: number;
}

function apply(x: tf.Tensor, attrs: DropoutAttrs): tf.Tensor {
  if (hasKernel(Dropout, tf.getBackend(), x.dtype)) {
    const inputs: DropoutInputs = { x };
    return runKernel(DROPOUT, inputs, attrs) as tf.Tensor;
  }
  return tf.tidy(() => tf.mul(x, tf.tensor(dropoutMaskReference(x.shape, attrs), x.shape, 'float32')));
}

/** x with dropout at `rate` for dropout site `site` of a forward pass keyed by `key`. */
export function dropoutOp(x: tf.Tensor, rate: number, key: DropoutKey, site: number): tf.Tensor {
  const attrs: DropoutAttrs = { rate, key0: key.key0 >>> 0, key1: key.key1 >>> 0, site, rowOffset: key.rowOffset };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    return { value: apply(input, attrs), gradFunc: (dy: tf.Tensor) => apply(dy, attrs) };
  });
  return op(x);
}
