/**
 * Scalars a training run uses step after step, made once and disposed with the run. On webgpu every
 * `tf.scalar` (and every plain number an op converts) is an upload through a fresh staging buffer; a
 * cached tensor is uploaded on its first use only. Kept out of any enclosing tidy, so callers may ask
 * for one inside tf.tidy or tf.variableGrads.
 */
import * as tf from '@tensorflow/tfjs';

export class ScalarCache {
  private readonly values = new Map<number, tf.Scalar>();

  get(value: number): tf.Scalar {
    let s = this.values.get(value);
    if (s === undefined) {
      s = tf.keep(tf.scalar(value, 'float32'));
      this.values.set(value, s);
    }
    return s;
  }

  dispose(): void {
    tf.dispose([...this.values.values()]);
    this.values.clear();
  }
}
