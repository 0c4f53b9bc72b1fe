/**
 * The ops' side of a kernel call: typed inputs and attributes in, tfjs's untyped `runKernel` out, so
 * an op cannot pass a kernel other inputs than its signature (./signatures.ts) reads.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelSignature } from './define.ts';

/** Runs `sig`'s kernel on the active backend; one output, or several for a kernel that has several. */
export function runKernel<I, A>(sig: KernelSignature<I, A>, inputs: I, attrs: A): tf.Tensor | tf.Tensor[] {
  // tfjs types a call as maps of names; the signature reads them back by the same names on every backend.
  const named = (sig.pack?.(inputs) ?? inputs) as tf.NamedTensorMap;
  return tf.engine().runKernel(sig.name, named, attrs as tf.NamedAttrMap);
}
