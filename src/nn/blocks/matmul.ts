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
 * Batched attention products on wasm are split into per-slice 2-D XNNPACK products (above
 * DEFAULT_SLICE_MIN_MACS per slice; at every size with the 'untransposed' strategy). The slices are
 * copied out of the wasm heap by a small kernel of our own (`slice2d`) — not `gather`, `unstack`,
 * `slice` or `split`, which are slow there (see `slice2d`) — and reassembled with `concat`. Gradients
 * are custom and built from the same pieces, so no slice op needs a gradient of its own.
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
 * Smallest per-slice product (multiply-adds) split on wasm under 'auto': 2^14. Measured on the 2-core
 * development machine (Node 20, tfjs 4.22 wasm, idle), one training step of 8 sets, ms, by threshold
 * (never split / 2^22 / 2^18 / 2^14 / always): N = 500, e = 64: 5662 / 1304 / 1175 / 1193 / 1192;
 * e = 128: 9820 / 2084 / 2016 / 2081 / 2029; N = 100, e = 64: 343 / 330 / 176 / 189 / 193; N = 50:
 * 148 / 155 / 147 / 119 / 109. Below 2^14 a slice's dispatch costs about what the scalar loop does.
 */
export const DEFAULT_SLICE_MIN_MACS = 1 << 14;
let sliceMinMacs = DEFAULT_SLICE_MIN_MACS;

/** Threshold for slicing attention products on wasm ('auto'); Infinity disables slicing (benchmarks). */
export function setSliceMinMacs(n: number): void {
  sliceMinMacs = n;
}

/**
 * Slice g of a rank-3 float32 tensor as a 2-D tensor, on wasm copied straight out of the heap: one
 * memcpy of the slice. tfjs's own kernels are far slower here — `gather` (a generic strided C++ loop)
 * took 10 ms for a 500 × 500 slice and was 58 % of a training step in a profile (tf.profile, N = 500,
 * e = 64, batch 2); `slice`/`split` read the whole input per slice. The kernel has no gradient of its
 * own: only the custom gradients below use it.
 */
const TAKE_SLICE = 'DmcTakeSlice';

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

// Guarded: a second copy of this module (tests, hot reload) would otherwise log a re-registration warning.
if (tf.getKernel(TAKE_SLICE, 'wasm') === undefined) {
  tf.registerKernel({
    kernelName: TAKE_SLICE,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      const g = (attrs as { index: number }).index;
      const [, m, k] = x.shape as [number, number, number];
      const b = backend as unknown as WasmBackendInternals;
      const out = b.makeOutput([m, k], 'float32');
      // After makeOutput: allocating may grow the heap, which replaces HEAPU8's buffer.
      const offset = b.dataIdMap.get(x.dataId)!.memoryOffset + g * m * k * 4;
      b.typedArrayFromHeap(out).set(new Float32Array(b.wasm.HEAPU8.buffer, offset, m * k));
      return out;
    },
  });
}

export function slice2d(x: tf.Tensor3D, g: number): tf.Tensor2D {
  if (tf.getBackend() === 'wasm' && x.dtype === 'float32') {
    return tf.engine().runKernel(TAKE_SLICE, { x }, { index: g }) as tf.Tensor2D;
  }
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
  // Small slices ('auto' only): per-slice dispatch (a copy and a product each) costs more than it saves.
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
