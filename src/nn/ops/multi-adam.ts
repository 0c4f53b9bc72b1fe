/**
 * The multi-tensor Adam step over the `MultiAdam` kernel (../kernels/names.ts). Not differentiable (an
 * optimizer step); here so that training/ reaches kernels the way every other caller does, and only on a
 * backend that has the kernel — elsewhere the Adam class keeps its per-variable tfjs path.
 */
import * as tf from '@tensorflow/tfjs';
import { hasKernel, MULTI_ADAM, MultiAdam, runKernel, type MultiAdamAttrs } from '../kernels/index.ts';

export function hasMultiAdam(backend: string = tf.getBackend()): boolean {
  return hasKernel(MultiAdam, backend, 'float32');
}

export interface MultiAdamStep {
  /** (3P + 1,) [θ | m | v | halted], see MultiAdamInputs. */
  state: tf.Tensor1D;
  /** The new parameters, in the order of `params`; the caller assigns (or disposes) them. */
  params: tf.Tensor[];
}

export function multiAdamStep(
  inputs: {
    state: tf.Tensor1D;
    loss: tf.Scalar;
    segments: tf.Tensor1D;
    params: readonly tf.Tensor[];
    grads: readonly tf.Tensor[];
  },
  attrs: MultiAdamAttrs,
): MultiAdamStep {
  const outs = runKernel(MULTI_ADAM, inputs, attrs) as tf.Tensor[];
  const [state, ...params] = outs;
  return { state: state as tf.Tensor1D, params };
}
