/**
 * Reference of `TakeSlice` (see ../names.ts): the pure-TS definition the other implementations are
 * tested against, and the cpu backend's kernel (a copy of one contiguous block, which is what the cpu
 * backend's own `gather` would do more slowly through its generic index loop).
 */
import type { TypedArray } from '@tensorflow/tfjs';
import { sliceLayout } from '../layout.ts';

/** out (M, K) = x[index] for x (G, M, K) stored row-major in `values`; the result is a copy. */
export function takeSliceReference<T extends TypedArray>(values: T, shape: readonly number[], index: number): T {
  const { start, size } = sliceLayout(shape, index);
  return values.slice(start, start + size) as T;
}
