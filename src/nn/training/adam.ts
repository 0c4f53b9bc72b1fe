/**
 * Adam with per-variable gradient clipping, written out as Keras 3 does it
 * (`keras/src/optimizers/adam.py`, `base_optimizer.py` `_clip_by_norm`), because the reference trains
 * with `Adam(β1 0.9, β2 0.999, ε 1e-7, clipnorm 1.5)` (docs/design/networks.md#training) and tfjs has neither clipnorm
 * nor a per-step learning rate; ε is explicit (the tfjs default is backend-dependent,
 * docs/design/gpu-path.md#rules-the-code-keeps).
 *
 *   g ← g · c / max(‖g‖₂, c)                 for each variable separately (not a global norm)
 *   m ← m + (g − m)(1 − β1);  v ← v + (g² − v)(1 − β2)
 *   α = lr · sqrt(1 − β2^t) / (1 − β1^t),    t = iteration + 1
 *   θ ← θ − α · m / (sqrt(v) + ε)
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Per-variable L2 clip norm; null = no clipping. */
  clipNorm: number | null;
}

export const REFERENCE_ADAM: AdamOptions = Object.freeze({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 1.5 });

/** Keras `_clip_by_norm` for one gradient: g·c / max(‖g‖, c) (unchanged when ‖g‖ ≤ c). */
export function clipByNorm(g: tf.Tensor, clipNorm: number): tf.Tensor {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(g)));
    return tf.mul(g, tf.div(clipNorm, tf.maximum(norm, clipNorm)));
  });
}

export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private iterations = 0;

  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly opts: AdamOptions = REFERENCE_ADAM,
  ) {
    this.m = variables.map((x) => zeroSlot(x));
    this.v = variables.map((x) => zeroSlot(x));
  }

  get iteration(): number {
    return this.iterations;
  }

  /** One update with learning rate `lr`; `grads` maps tf variable names to gradients (tf.variableGrads). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    const { beta1, beta2, epsilon, clipNorm } = this.opts;
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    tf.tidy(() => {
      this.variables.forEach((x, i) => {
        const raw = grads[x.name];
        if (raw === undefined) throw new Error(`Adam: no gradient for variable ${x.name}`);
        const g = clipNorm === null ? raw : clipByNorm(raw, clipNorm);
        const m = this.m[i]!;
        const v = this.v[i]!;
        m.assign(tf.add(m, tf.mul(tf.sub(g, m), 1 - beta1)));
        v.assign(tf.add(v, tf.mul(tf.sub(tf.square(g), v), 1 - beta2)));
        x.assign(tf.sub(x, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(v), epsilon))));
      });
    });
    this.iterations = t;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

function zeroSlot(x: tf.Variable): tf.Variable {
  const zeros = tf.zerosLike(x);
  const slot = tf.variable(zeros, false);
  zeros.dispose();
  return slot;
}
