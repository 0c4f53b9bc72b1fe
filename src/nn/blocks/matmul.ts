/**
 * Matrix products whose forward and backward passes stay on the fast path of the active backend.
 *
 * Why: the tfjs wasm backend (4.22, `tfjs-backend-wasm/src/cc/batch_mat_mul_impl.cc`) uses XNNPACK only
 * for an untransposed product with batch 1; a transposed operand (or a batched product) runs a scalar
 * blocked triple loop that is many times slower. tfjs's MatMul gradient is exactly such products
 * (dX = dY·Wᵀ, dW = Xᵀ·dY). On wasm, `linear` therefore transposes explicitly (a memory-bound copy) and
 * keeps every product untransposed. Other backends use the native op (transposed operands are free
 * there). Both strategies compute the same values; the strategy can be forced for tests and benchmarks.
 *
 * Large batched attention products on wasm are split into per-slice 2-D XNNPACK products (above
 * DEFAULT_SLICE_MIN_MACS per slice; at every size with the 'untransposed' strategy). The slices are
 * taken with `gather` (a C++ kernel copying only the slice) — not `unstack`/`slice`/`split`, which on
 * wasm copy the whole input once per slice (`Slice.js` reads it with readSync) — and reassembled with
 * `concat` (heap views). Gradients are custom and built from the same pieces, so tfjs never needs
 * gather's gradient (UnsortedSegmentSum, not registered on wasm, `browser-runtime.md` §7).
 */
import * as tf from '@tensorflow/tfjs';

export type MatMulStrategy = 'auto' | 'native' | 'untransposed';

let strategy: MatMulStrategy = 'auto';

/**
 * 'auto' (default): on wasm untransposed Dense gradients (and sliced attention products above the
 * slice threshold); native elsewhere. 'untransposed' forces both paths at every size (tests).
 */
export function setMatMulStrategy(s: MatMulStrategy): void {
  strategy = s;
}

export function getMatMulStrategy(): MatMulStrategy {
  return strategy;
}

function untransposed(): boolean {
  return strategy === 'untransposed' || (strategy === 'auto' && tf.getBackend() === 'wasm');
}

/** x (M, K) · w (K, N) whose gradient uses only untransposed 2-D products. */
const linearUntransposed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** x (M, K) · w (K, N). */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return untransposed() ? linearUntransposed(x, w) : tf.matMul(x, w);
}

/**
 * Smallest per-slice product (multiply-adds) split on wasm under 'auto': 2^22, i.e. sets of ≳ 250
 * trials at e = 64. Measured on the shared 2-core machine (Node 20, tfjs 4.22 wasm, load 3–6, ±20 %),
 * one training step of batch 64 × 500 trials, micro-batches of 8: e = 64 35–43 s sliced vs 44–56 s
 * not; e = 128 67–89 s vs 144–157 s. At 100 trials (e = 32, 320 k multiply-adds per slice) slicing
 * was no faster: each slice costs two `gather`s (2–7 ms for a 32 k-float slice) and a few dispatches.
 */
export const DEFAULT_SLICE_MIN_MACS = 1 << 22;
let sliceMinMacs = DEFAULT_SLICE_MIN_MACS;

/** Threshold for slicing attention products on wasm ('auto'); Infinity disables slicing (benchmarks). */
export function setSliceMinMacs(n: number): void {
  sliceMinMacs = n;
}

/** Slice g of a rank-3 tensor as a 2-D tensor (gather copies only that slice). */
function slice2d(x: tf.Tensor3D, g: number): tf.Tensor2D {
  return tf.gather(x, g) as tf.Tensor as tf.Tensor2D;
}

/** Per-slice products: out_g = a_g · b_g with a (G, M, K), b (G, K, N), all untransposed 2-D. */
function slicewise(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [g, m] = a.shape;
  const n = b.shape[2];
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < g; i++) parts.push(tf.matMul(slice2d(a, i), slice2d(b, i)));
  return tf.reshape(tf.concat(parts, 0), [g, m, n]);
}

function swapLast(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/** a (G, M, K) · b (G, K, N) on untransposed 2-D products, forward and backward. */
const batchedUntransposed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: slicewise(a, b),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      // dA = dY·Bᵀ, dB = Aᵀ·dY, with the transposes made explicit.
      return [slicewise(dy, swapLast(sb)), slicewise(swapLast(sa), dy)];
    },
  };
}) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/**
 * Batched product over the leading axes of rank-3 or rank-4 tensors: a (…, M, K) · b (…, K, N), or
 * a · bᵀ with b (…, N, K) when `transposeB`.
 */
export function batchedMatMul<T extends tf.Tensor3D | tf.Tensor4D>(a: T, b: T, transposeB = false): T {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  // Small slices ('auto' only): per-slice dispatch (a gather and a product each) costs more than it saves.
  const small = strategy === 'auto' && m * k * (transposeB ? br : bc) < sliceMinMacs;
  if (!untransposed() || small) return tf.matMul(a, b, false, transposeB) as T;
  return tf.tidy((): T => {
    const lead: number[] = a.shape.slice(0, -2);
    const a3 = tf.reshape(a, [-1, m, k]) as tf.Tensor3D;
    let b3 = tf.reshape(b, [-1, br, bc]) as tf.Tensor3D;
    if (transposeB) b3 = swapLast(b3);
    const outShape: number[] = [...lead, m, b3.shape[2]];
    return tf.reshape<tf.Rank>(batchedUntransposed(a3, b3), outShape) as T;
  });
}
