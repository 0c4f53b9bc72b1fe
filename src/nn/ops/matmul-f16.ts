/**
 * Mixed-precision products over the `MatMulF16` kernel (../kernels/names.ts): operands rounded to
 * binary16, products accumulated in float32. The gradient is mixed precision too: dA = dC·Bᵀ and
 * dB = Aᵀ·dC run through the same kernel with its transpose flags (no transposed copy), so the upstream
 * gradient and the saved operands are rounded to binary16 there as well, and accumulated in float32.
 * There is no composite fallback: a backend without the kernel (wasm, webgl) is an error, because
 * silently running float32 would make an 'f16' run indistinguishable from an 'f32' one.
 */
import * as tf from '@tensorflow/tfjs';
import {
  hasKernel,
  MATMUL_F16,
  MatMulF16,
  runKernel,
  type MatMulF16Attrs,
  type MatMulF16Inputs,
} from '../kernels/index.ts';

/** Whether the active backend has the kernel (webgpu; cpu runs the reference). */
export function matMulF16Available(): boolean {
  return hasKernel(MatMulF16, tf.getBackend(), 'float32');
}

function assertAvailable(): void {
  if (!matMulF16Available()) {
    throw new Error(
      `matmulPrecision 'f16' needs the ${MatMulF16} kernel, which the '${tf.getBackend()}' backend does not have (webgpu has it; use matmulPrecision 'f32' here)`,
    );
  }
}

/** op(a)·op(b) through the kernel, a and b rank 2 or both rank 3 (see MatMulF16 in ../kernels/names.ts). */
export function matMulF16<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T, transposeA = false, transposeB = false): T {
  assertAvailable();
  const inputs: MatMulF16Inputs = { a, b };
  const attrs: MatMulF16Attrs = { transposeA, transposeB };
  return runKernel(MATMUL_F16, inputs, attrs) as T;
}

/** x (M, K) · w (K, N) in mixed precision, forward and backward. */
export const linearF16 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: matMulF16(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [matMulF16(dy, sw, false, true), matMulF16(sx, dy, true, false)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
