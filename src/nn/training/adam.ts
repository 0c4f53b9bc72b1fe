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
 *
 * Two paths, the same arithmetic. Where the backend has the `MultiAdam` kernel (webgpu) all variables
 * are updated in two dispatches over one flat state (adam-multi.ts); elsewhere (wasm, cpu, webgl) each
 * variable is updated by tfjs ops, with the constants (1 − β1, 1 − β2, ε, c) uploaded once
 * and α once per step instead of per variable.
 *
 * A non-finite loss halts the optimizer (`applyIfFinite`): that update and every later one are skipped
 * until it is disposed, so the weights stay those before the first non-finite loss however late the
 * host reads the loss. On the kernel path the check runs on the GPU and the host learns of it only
 * from its own read of the loss (or `halted()`); `iteration` therefore counts the updates issued,
 * which equals the updates applied as long as the losses were finite — fit stops at the first
 * non-finite one, so no update ever uses a t that disagrees with the moments. Only the loss is
 * guarded: a non-finite gradient under a finite loss still reaches the weights (and the
 * next loss).
 */
import * as tf from '@tensorflow/tfjs';
import { hasMultiAdam } from '../ops/index.ts';
import { MultiTensorAdam } from './adam-multi.ts';
import type { AdamOptions, AdamStep } from './adam-step.ts';

export const REFERENCE_ADAM: AdamOptions = Object.freeze({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 1.5 });

export interface AdamPath {
  /** Use the multi-tensor kernel (default: whenever the active backend has it). */
  multiTensor?: boolean;
}

/** Keras `_clip_by_norm` for one gradient: g·c / max(‖g‖, c) (unchanged when ‖g‖ ≤ c). */
export function clipByNorm(g: tf.Tensor, clipNorm: number | tf.Scalar): tf.Tensor {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(g)));
    return tf.mul(g, tf.div(clipNorm, tf.maximum(norm, clipNorm)));
  });
}

/**
 * Adam's state in a form either implementation can take back (a training checkpoint, ../objective.ts): the step
 * count and the first and second moments of every variable, flattened and concatenated in variable order.
 */
export interface AdamState {
  iterations: number;
  m: Float32Array;
  v: Float32Array;
}

export class Adam {
  private readonly impl: AdamStep;
  private iterations = 0;

  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly opts: AdamOptions = REFERENCE_ADAM,
    path: AdamPath = {},
  ) {
    if (opts.clipNorm !== null && !(opts.clipNorm > 0))
      throw new Error(`Adam: clipNorm must be positive or null, got ${opts.clipNorm}`);
    const multi = path.multiTensor ?? (hasMultiAdam() && variables.length > 0 && fitsOneBinding(variables));
    if (multi && !hasMultiAdam()) throw new Error(`Adam: backend ${tf.getBackend()} has no multi-tensor kernel`);
    this.impl = multi ? new MultiTensorAdam(variables, opts) : new PerVariableAdam(variables, opts);
  }

  get iteration(): number {
    return this.iterations;
  }

  /** Whether the non-finite guard runs on the device (`applyIfFinite` then never waits for a read). */
  get guardsOnDevice(): boolean {
    return this.impl instanceof MultiTensorAdam;
  }

  /** One update with learning rate `lr`; `grads` maps tf variable names to gradients (tf.variableGrads). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.step(grads, lr, null);
  }

  /**
   * The update, unless `loss` is not finite: then it and every later update are skipped (see above).
   * On the kernel path this returns without waiting for the GPU; elsewhere it reads the loss first
   * (immediate on wasm and cpu).
   */
  async applyIfFinite(grads: tf.NamedTensorMap, lr: number, loss: tf.Scalar): Promise<void> {
    if (this.guardsOnDevice) {
      this.step(grads, lr, loss);
      return;
    }
    const value = (await loss.data())[0]!;
    if (Number.isFinite(value)) this.step(grads, lr, null);
    else this.impl.halt();
  }

  /** Whether a non-finite loss has halted the optimizer (reads the device's flag on the kernel path). */
  halted(): Promise<boolean> {
    return this.impl.halted();
  }

  dispose(): void {
    this.impl.dispose();
  }

  /** The state to continue from later (reads the moments back from the device). */
  async exportState(): Promise<AdamState> {
    const { m, v } = await this.impl.readMoments();
    return { iterations: this.iterations, m, v };
  }

  /** Continues from an exported state (either implementation's); the variables must be the same shapes. */
  importState(state: AdamState): void {
    const total = this.variables.reduce((a, x) => a + x.size, 0);
    if (state.m.length !== total || state.v.length !== total) {
      throw new Error(
        `Adam: the saved optimizer state has ${state.m.length} values, this network has ${total} parameters`,
      );
    }
    if (!Number.isInteger(state.iterations) || state.iterations < 0)
      throw new Error(`Adam: saved step count ${state.iterations} is not an integer ≥ 0`);
    this.impl.writeMoments(state.m, state.v);
    this.iterations = state.iterations;
  }

  private step(grads: tf.NamedTensorMap, lr: number, guard: tf.Scalar | null): void {
    if (this.impl.hostHalted) return;
    const { beta1, beta2 } = this.opts;
    const ordered = this.variables.map((x) => {
      const g = grads[x.name];
      if (g === undefined) throw new Error(`Adam: no gradient for variable ${x.name}`);
      return g;
    });
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    this.impl.step(ordered, alpha, guard);
    this.iterations = t;
  }
}

/** tfjs ops per variable, as the project always ran them; only the scalar constants are cached. */
class PerVariableAdam implements AdamStep {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly c: tf.Scalar | null;
  private readonly oneMinusBeta1: tf.Scalar;
  private readonly oneMinusBeta2: tf.Scalar;
  private readonly epsilon: tf.Scalar;
  hostHalted = false;

  constructor(
    private readonly variables: readonly tf.Variable[],
    opts: AdamOptions,
  ) {
    this.m = variables.map((x) => zeroSlot(x));
    this.v = variables.map((x) => zeroSlot(x));
    // Float32 scalars: the values a plain number in a tfjs op is converted to, so both paths compute alike.
    this.c = opts.clipNorm === null ? null : tf.keep(tf.scalar(opts.clipNorm));
    this.oneMinusBeta1 = tf.keep(tf.scalar(1 - opts.beta1));
    this.oneMinusBeta2 = tf.keep(tf.scalar(1 - opts.beta2));
    this.epsilon = tf.keep(tf.scalar(opts.epsilon));
  }

  step(grads: readonly tf.Tensor[], alpha: number, guard: tf.Scalar | null): void {
    if (guard !== null) throw new Error('Adam: the per-variable path has no device guard');
    tf.tidy(() => {
      const a = tf.scalar(alpha);
      this.variables.forEach((x, i) => {
        const raw = grads[i]!;
        const g = this.c === null ? raw : clipByNorm(raw, this.c);
        const m = this.m[i]!;
        const v = this.v[i]!;
        m.assign(tf.add(m, tf.mul(tf.sub(g, m), this.oneMinusBeta1)));
        v.assign(tf.add(v, tf.mul(tf.sub(tf.square(g), v), this.oneMinusBeta2)));
        x.assign(tf.sub(x, tf.div(tf.mul(m, a), tf.add(tf.sqrt(v), this.epsilon))));
      });
    });
  }

  halt(): void {
    this.hostHalted = true;
  }

  async readMoments(): Promise<{ m: Float32Array; v: Float32Array }> {
    const flat = async (slots: tf.Variable[]): Promise<Float32Array> => {
      const parts = await Promise.all(slots.map((x) => x.data() as Promise<Float32Array>));
      const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      let off = 0;
      for (const p of parts) {
        out.set(p, off);
        off += p.length;
      }
      return out;
    };
    return { m: await flat(this.m), v: await flat(this.v) };
  }

  writeMoments(m: Float32Array, v: Float32Array): void {
    let off = 0;
    this.variables.forEach((x, i) => {
      const n = x.size;
      tf.tidy(() => {
        this.m[i]!.assign(tf.tensor(m.subarray(off, off + n), x.shape, 'float32'));
        this.v[i]!.assign(tf.tensor(v.subarray(off, off + n), x.shape, 'float32'));
      });
      off += n;
    });
  }

  halted(): Promise<boolean> {
    return Promise.resolve(this.hostHalted);
  }

  dispose(): void {
    const constants = [this.oneMinusBeta1, this.oneMinusBeta2, this.epsilon, ...(this.c === null ? [] : [this.c])];
    tf.dispose([...this.m, ...this.v, ...constants]);
  }
}

/**
 * Whether the flat state (3P + 1 floats) fits one storage binding on every WebGPU adapter (the
 * spec's minimum maxStorageBufferBindingSize, 128 MiB: P ≤ 11.1 M); larger models keep the
 * per-variable path.
 */
function fitsOneBinding(variables: readonly tf.Variable[]): boolean {
  const P = variables.reduce((p, x) => p + x.size, 0);
  return 4 * (3 * P + 1) <= 128 * 1024 * 1024;
}

function zeroSlot(x: tf.Variable): tf.Variable {
  const zeros = tf.zerosLike(x);
  const slot = tf.variable(zeros, false);
  zeros.dispose();
  return slot;
}
