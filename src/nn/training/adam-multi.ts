/**
 * The kernel path of Adam (see adam.ts): the moments of every variable live in one flat state tensor
 * [θ | m | v | halted] (src/nn/kernels/names.ts `MultiAdam`), and a step is one kernel call — two GPU
 * dispatches and buffer copies, whatever the number of variables — after which each variable is given
 * the fresh tensor the kernel made for it. The constants travel as the kernel's uniforms; the only
 * tensors besides the state are made once here (the segment table and a finite stand-in loss).
 */
import * as tf from '@tensorflow/tfjs';
import { multiAdamSegments, multiAdamStateSize } from '../kernels/index.ts';
import { multiAdamStep } from '../ops/index.ts';
import type { AdamOptions, AdamStep } from './adam-step.ts';

export class MultiTensorAdam implements AdamStep {
  private state: tf.Tensor1D;
  private readonly segments: tf.Tensor1D;
  /** The guard of an unconditional step. */
  private readonly finite: tf.Scalar;
  private readonly numParams: number;
  hostHalted = false;

  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly opts: AdamOptions,
  ) {
    if (variables.length === 0) throw new Error('Adam: no variables');
    for (const x of variables) {
      if (x.dtype !== 'float32') throw new Error(`Adam: variable ${x.name} is ${x.dtype}, not float32`);
    }
    const seg = multiAdamSegments(variables.map((x) => x.size));
    this.numParams = seg[variables.length]!;
    this.segments = tf.keep(tf.tensor1d(seg, 'int32'));
    this.state = tf.keep(tf.zeros([multiAdamStateSize(this.numParams)], 'float32'));
    this.finite = tf.keep(tf.scalar(0));
  }

  step(grads: readonly tf.Tensor[], alpha: number, guard: tf.Scalar | null): void {
    const { beta1, beta2, epsilon, clipNorm } = this.opts;
    const out = multiAdamStep(
      { state: this.state, loss: guard ?? this.finite, segments: this.segments, params: this.variables, grads },
      { alpha, beta1, beta2, epsilon, clipNorm: clipNorm ?? 0 },
    );
    this.variables.forEach((x, i) => x.assign(out.params[i]!));
    tf.dispose(out.params);
    this.state.dispose();
    this.state = tf.keep(out.state);
  }

  halt(): void {
    this.hostHalted = true;
  }

  async readMoments(): Promise<{ m: Float32Array; v: Float32Array }> {
    // Layout [θ | m | v | halted] (kernels/reference/multi-adam.ts).
    const all = (await this.state.data()) as Float32Array;
    const P = this.numParams;
    return { m: all.slice(P, 2 * P), v: all.slice(2 * P, 3 * P) };
  }

  writeMoments(m: Float32Array, v: Float32Array): void {
    const P = this.numParams;
    // The θ part is left as the constructor leaves it (zeros): the kernel takes θ from the variables.
    const next = tf.tidy(() => tf.concat([tf.zeros([P]), tf.tensor1d(m), tf.tensor1d(v), tf.zeros([1])]));
    if (next.size !== multiAdamStateSize(P))
      throw new Error(`Adam: state of ${next.size} values, expected ${multiAdamStateSize(P)}`);
    this.state.dispose();
    this.state = tf.keep(next as tf.Tensor1D);
    this.hostHalted = false;
  }

  async halted(): Promise<boolean> {
    if (this.hostHalted) return true;
    const flag = tf.slice(this.state, [3 * this.numParams], [1]);
    try {
      return (await flag.data())[0] !== 0;
    } finally {
      flag.dispose();
    }
  }

  dispose(): void {
    tf.dispose([this.state, this.segments, this.finite]);
  }
}
