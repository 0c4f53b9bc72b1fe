/**
 * Weight initialisers drawn from the project's seeded RNG (`src/shared/rng.ts`) in JavaScript, so a
 * seed gives bit-identical starting weights on every tfjs backend (webgpu and wasm start from the same
 * network; `tf.randomNormal` would depend on the backend's RNG path).
 *
 * Formulas follow Keras 3 (`keras/src/initializers/random_initializers.py`, `compute_fans`):
 * - glorot_uniform: U(−l, l), l = sqrt(6 / (fan_in + fan_out));
 * - lecun_normal / he_normal: VarianceScaling(scale 1 / 2, mode fan_in, truncated_normal):
 *   N(0, σ²) truncated to ±2σ with σ = sqrt(scale / fan_in) / 0.87962566103423978 (the stddev of a
 *   standard normal truncated to [−2, 2], so the truncated draw has variance scale / fan_in).
 * Fans use Keras' rule for kernels of rank > 2 (receptive field = product of the leading dims), which
 * matters for the multi-head attention kernels Keras stores as (F, heads, key_dim) and (heads, key_dim, e).
 */
import { Rng } from '../../shared/index.ts';

export type Initializer = 'glorot_uniform' | 'lecun_normal' | 'he_normal' | 'zeros' | 'ones';

/** Keras `compute_fans` for a kernel shape. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i]!;
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

/** Stddev of N(0, 1) truncated to [−2, 2] (Keras' constant). */
const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/**
 * Values for a variable of `size` elements. `fanShape` is the Keras kernel shape used for the fans
 * (it may differ from the stored 2-D shape, e.g. attention kernels).
 */
export function initialValues(init: Initializer, size: number, fanShape: readonly number[], rng: Rng): Float32Array {
  const out = new Float32Array(size);
  if (init === 'zeros') return out;
  if (init === 'ones') return out.fill(1);
  const { fanIn, fanOut } = computeFans(fanShape);
  if (init === 'glorot_uniform') {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
    return out;
  }
  const scale = init === 'he_normal' ? 2 : 1;
  const sd = Math.sqrt(scale / fanIn) / TRUNCATED_NORMAL_STD;
  for (let i = 0; i < size; i++) {
    let z = rng.normal();
    while (z < -2 || z > 2) z = rng.normal();
    out[i] = z * sd;
  }
  return out;
}

/** FNV-1a hash of a weight name: each variable gets its own RNG stream, independent of creation order. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
