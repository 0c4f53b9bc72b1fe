/**
 * Reference of `MultiAdam` (see ../names.ts) over typed arrays: the definition the webgpu kernel is
 * tested against, and what the per-variable Adam of src/nn/training/adam.ts must agree with.
 *
 * It is not registered as the cpu backend's kernel: on cpu and wasm the Adam class keeps its
 * per-variable tfjs path, whose numbers are the project's baseline (the squared-norm sums would round
 * differently here).
 *
 * Every elementwise step is rounded to float32 in the order the tfjs ops and the WGSL shader evaluate
 * it; the squared norm is summed in double precision (the GPU's tree sum and tfjs's sums differ from
 * it, and from each other, by a few float32 ulps only).
 */
import type { MultiAdamAttrs } from '../names.ts';

const f = Math.fround;

/** Size of the flat state for P parameters: [θ | m | v | halted]. */
export function multiAdamStateSize(numParams: number): number {
  return 3 * numParams + 1;
}

/** Offsets of each variable in the flat layout, then the total P. */
export function multiAdamSegments(sizes: readonly number[]): Int32Array {
  const seg = new Int32Array(sizes.length + 1);
  sizes.forEach((s, k) => (seg[k + 1] = seg[k]! + s));
  return seg;
}

/** Keras' clip factor c / max(‖g‖₂, c) of one gradient, as float32 (1 without clipping). */
export function clipScaleReference(g: Float32Array, clipNorm: number): number {
  if (clipNorm <= 0) return 1;
  let ss = 0;
  for (const x of g) ss += x * x;
  const c = f(clipNorm);
  return f(c / Math.max(f(Math.sqrt(ss)), c));
}

/** Whether a state is halted (an earlier step had a non-finite loss). */
export function multiAdamHalted(state: Float32Array): boolean {
  return state[state.length - 1] !== 0;
}

/**
 * One guarded step: returns the new state and parameters (the inputs are not modified). When the state
 * is halted or `loss` is not finite, the parameters and moments are returned unchanged and the state is
 * (or stays) halted.
 */
export function multiAdamReference(
  params: readonly Float32Array[],
  grads: readonly Float32Array[],
  state: Float32Array,
  loss: number,
  a: MultiAdamAttrs,
): { state: Float32Array; params: Float32Array[] } {
  const seg = multiAdamSegments(params.map((p) => p.length));
  const P = seg[params.length]!;
  if (state.length !== multiAdamStateSize(P))
    throw new Error(`multiAdamReference: state of ${state.length} for ${P} parameters`);
  grads.forEach((g, k) => {
    if (g.length !== params[k]!.length)
      throw new Error(`multiAdamReference: gradient ${k} has ${g.length} values, not ${params[k]!.length}`);
  });
  const out = new Float32Array(state.length);
  const halted = multiAdamHalted(state) || !Number.isFinite(loss);
  const b1c = f(1 - a.beta1);
  const b2c = f(1 - a.beta2);
  const alpha = f(a.alpha);
  const eps = f(a.epsilon);
  const next = params.map((x, k) => {
    const base = seg[k]!;
    const scale = halted ? 1 : clipScaleReference(grads[k]!, a.clipNorm);
    const theta = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const m0 = state[P + base + i]!;
      const v0 = state[2 * P + base + i]!;
      if (halted) {
        theta[i] = x[i]!;
        out[P + base + i] = m0;
        out[2 * P + base + i] = v0;
        continue;
      }
      const g = f(grads[k]![i]! * scale);
      const m = f(m0 + f(f(g - m0) * b1c));
      const v = f(v0 + f(f(f(g * g) - v0) * b2c));
      theta[i] = f(x[i]! - f(f(m * alpha) / f(f(Math.sqrt(v)) + eps)));
      out[P + base + i] = m;
      out[2 * P + base + i] = v;
    }
    out.set(theta, base);
    return theta;
  });
  out[3 * P] = halted ? 1 : 0;
  return { state: out, params: next };
}
