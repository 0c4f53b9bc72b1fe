/**
 * Matrix products whose forward and backward passes stay on the fast path of the active backend.
 *
 * Why: the tfjs wasm backend (4.22, `tfjs-backend-wasm/src/cc/batch_mat_mul_impl.cc`) uses XNNPACK only
 * for an untransposed product with batch 1; a transposed operand (or a batched product) runs a scalar
 * blocked triple loop that is many times slower. tfjs's MatMul gradient is exactly such products
 * (dX = dY·Wᵀ, dW = Xᵀ·dY). On wasm, `linear` therefore transposes explicitly (a memory-bound copy) and
 * keeps every product untransposed. Other backends use the native op (transposed operands are free
 * there). Both paths compute the same values; `OpsOptions.matmul` picks one (see options.ts).
 *
 * Batched attention products on wasm are split into per-slice 2-D XNNPACK products (above
 * `sliceMinMacs` per slice; at every size with 'untransposed'): the `SlicedMatMul` kernel, one dispatch
 * running every slice's product on heap views; without it (other backends with 'untransposed') the
 * slices come from `slice2d` (the `TakeSlice` kernel) and are reassembled with `concat`. Gradients are
 * custom and built from the same pieces, so no slice op needs a gradient of its own.
 */
import * as tf from '@tensorflow/tfjs';
import { hasKernel, runKernel, SLICED_MATMUL, SlicedMatMul, type SlicedMatMulInputs } from '../kernels/index.ts';
import { linearF16 } from './matmul-f16.ts';
import type { OpsOptions } from './options.ts';
import { slice2d } from './slice2d.ts';

function untransposed(ops: OpsOptions): boolean {
  return ops.matmul === 'untransposed' || (ops.matmul === 'auto' && tf.getBackend() === 'wasm');
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

/** x (M, K) · w (K, N); mixed precision with `ops.matmulPrecision` 'f16' (./matmul-f16.ts). */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, ops: OpsOptions): tf.Tensor2D {
  if (ops.matmulPrecision === 'f16') return linearF16(x, w);
  return untransposed(ops) ? linearUntransposed(x, w) : tf.matMul(x, w);
}

/** Per-slice products: out_g = a_g · b_g with a (G, M, K), b (G, K, N), all untransposed 2-D. */
function slicewise(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (hasKernel(SlicedMatMul, tf.getBackend(), a.dtype) && b.dtype === a.dtype) {
    const inputs: SlicedMatMulInputs = { a, b };
    return runKernel(SLICED_MATMUL, inputs, {}) as tf.Tensor3D;
  }
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
export function batchedMatMul<T extends tf.Tensor3D | tf.Tensor4D>(
  a: T,
  b: T,
  transposeB: boolean,
  ops: OpsOptions,
): T {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  // Small slices ('auto' only): per-slice dispatch (a copy and a product each) costs more than it saves.
  const small = ops.matmul === 'auto' && m * k * (transposeB ? br : bc) < ops.sliceMinMacs;
  if (!untransposed(ops) || small) return tf.matMul(a, b, false, transposeB) as T;
  return tf.tidy((): T => {
    const lead: number[] = a.shape.slice(0, -2);
    const a3 = tf.reshape(a, [-1, m, k]) as tf.Tensor3D;
    let b3 = tf.reshape(b, [-1, br, bc]) as tf.Tensor3D;
    if (transposeB) b3 = swapLast(b3);
    const outShape: number[] = [...lead, m, b3.shape[2]];
    return tf.reshape<tf.Rank>(batchedUntransposed(a3, b3), outShape) as T;
  });
}
