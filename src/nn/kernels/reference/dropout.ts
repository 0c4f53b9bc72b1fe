/**
 * Reference of `Dropout` (see ../names.ts): the definition the wasm and webgpu kernels are tested
 * against, the cpu backend's kernel, and (through `dropoutValues`) the wasm kernel's loop.
 */
import { philox4x32 } from '../../../shared/index.ts';
import { rowLayout } from '../layout.ts';
import type { DropoutAttrs } from '../names.ts';

/** Keep threshold on a 16-bit draw, and the survivors' scale. */
export function dropoutConstants(rate: number): { threshold: number; scale: number } {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  // scale rounded to float32 so x · scale rounds as a float32 product does in WGSL and tfjs (bit-equal).
  return { threshold: Math.round(rate * 65536), scale: Math.fround(1 / (1 - rate)) };
}

/**
 * y = x · mask into `out` (may be `x` itself) for `rows` rows of `rowSize` values; with `keep`, also
 * 1 (kept) or 0 (dropped) per element there (the wasm kernel keeps it for the backward pass).
 */
export function dropoutValues(
  x: Float32Array,
  out: Float32Array,
  rows: number,
  rowSize: number,
  a: DropoutAttrs,
  keep?: Uint8Array,
): void {
  const { threshold, scale } = dropoutConstants(a.rate);
  const words = new Uint32Array(4);
  for (let r = 0; r < rows; r++) {
    const row = (a.rowOffset + r) >>> 0;
    const base = r * rowSize;
    for (let j = 0; j < rowSize; j += 8) {
      philox4x32(j >>> 3, row, a.site, 0, a.key0, a.key1, words);
      const end = Math.min(rowSize, j + 8);
      for (let i = j; i < end; i++) {
        const w = words[(i >>> 1) & 3]!;
        const u = (i & 1) === 1 ? w >>> 16 : w & 0xffff;
        out[base + i] = u >= threshold ? x[base + i]! * scale : 0;
        if (keep !== undefined) keep[base + i] = u >= threshold ? 1 : 0;
      }
    }
  }
}

/** The mask alone (0 or 1 / (1 − rate)) for a tensor of `shape`: what tests compare across backends. */
export function dropoutMaskReference(shape: readonly number[], a: DropoutAttrs): Float32Array {
  const { size, rows, rowSize } = rowLayout(shape);
  const ones = new Float32Array(size).fill(1);
  dropoutValues(ones, ones, rows, rowSize, a);
  return ones;
}
