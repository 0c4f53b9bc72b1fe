/**
 * How the kernels walk their tensors, computed and checked in one place so that the reference, wasm
 * and webgpu implementations of a kernel cannot disagree on it.
 */

/**
 * Dropout's layout: dim 0 (1 for a scalar) rows of everything after it. Its random counters are
 * (row, column), which makes a mask independent of how the rows are batched.
 */
export interface RowLayout {
  readonly size: number;
  readonly rows: number;
  readonly rowSize: number;
}

export function rowLayout(shape: readonly number[]): RowLayout {
  const size = shape.reduce((p, d) => p * d, 1);
  const rows = shape[0] ?? 1;
  return { size, rows, rowSize: rows === 0 ? 0 : size / rows };
}

/** TakeSlice's block: for x (G, M, K), x[index] is the `size` = M·K values from element `start`. */
export interface SliceLayout {
  readonly m: number;
  readonly k: number;
  readonly start: number;
  readonly size: number;
}

export function sliceLayout(shape: readonly number[], index: number): SliceLayout {
  if (shape.length !== 3) throw new Error(`takeSlice: expected a rank-3 tensor, got shape [${shape.join(',')}]`);
  const [g, m, k] = shape as [number, number, number];
  if (!Number.isInteger(index) || index < 0 || index >= g) {
    throw new Error(`takeSlice: index must be an integer in [0, ${g}), got ${index}`);
  }
  return { m, k, start: index * m * k, size: m * k };
}

/** SlicedMatMul's dimensions: a (G, M, K) · b (G, K, N) slice by slice. */
export interface SlicedMatMulDims {
  readonly g: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

export function slicedMatMulDims(aShape: readonly number[], bShape: readonly number[]): SlicedMatMulDims {
  if (aShape.length !== 3 || bShape.length !== 3) {
    throw new Error(
      `slicedMatMul: expected rank-3 operands, got shapes [${aShape.join(',')}] and [${bShape.join(',')}]`,
    );
  }
  const [g, m, k] = aShape as [number, number, number];
  const [gb, kb, n] = bShape as [number, number, number];
  if (g !== gb || k !== kb) {
    throw new Error(
      `slicedMatMul: shapes [${aShape.join(',')}] and [${bShape.join(',')}] do not multiply slice by slice`,
    );
  }
  return { g, m, k, n };
}
