/**
 * Reference of `SlicedMatMul` (see ../names.ts): the definition the wasm kernel is tested against, and
 * the cpu backend's kernel (float64 accumulation, rounded once to float32).
 */
import { slicedMatMulDims } from '../layout.ts';

/** out (G, M, N) with out[g] = a[g] · b[g], for row-major a (G, M, K) and b (G, K, N). */
export function slicedMatMulReference(
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
): Float32Array {
  const { g, m, k, n } = slicedMatMulDims(aShape, bShape);
  const out = new Float32Array(g * m * n);
  for (let s = 0; s < g; s++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc += a[(s * m + i) * k + t]! * b[(s * k + t) * n + j]!;
        out[(s * m + i) * n + j] = acc;
      }
    }
  }
  return out;
}
