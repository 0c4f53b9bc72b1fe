/**
 * Reference of `BatchNoise` (see ../names.ts): the definition the webgpu kernel is tested against, and
 * the cpu and wasm backends' kernel (there the values are computed on the CPU anyway; what matters is
 * that no step draws them from a JavaScript generator, so every backend gets the same noise).
 */
import { philox4x32 } from '../../../shared/index.ts';
import type { BatchNoiseAttrs } from '../names.ts';

const TWO_POW_24 = 16777216;

export function batchNoiseShape(a: BatchNoiseAttrs): [number, number] {
  if (!Number.isInteger(a.rows) || a.rows < 0 || !Number.isInteger(a.dim) || a.dim < 1) {
    throw new Error(`BatchNoise: rows must be a non-negative and dim a positive integer, got ${a.rows} and ${a.dim}`);
  }
  if (a.part !== 0 && a.part !== 1) throw new Error(`BatchNoise: part must be 0 (x0) or 1 (t), got ${String(a.part)}`);
  return [a.rows, a.part === 0 ? a.dim : 1];
}

/** The values of `part` of the noise, row-major, as float32 (each rounded once from double precision). */
export function batchNoiseReference(a: BatchNoiseAttrs): Float32Array {
  const [rows, cols] = batchNoiseShape(a);
  const out = new Float32Array(rows * cols);
  const words = new Uint32Array(4);
  const word = (row: number, m: number): number => philox4x32(m >>> 2, row, 0, 1, a.key0, a.key1, words)[m & 3]!;
  for (let r = 0; r < rows; r++) {
    const row = (a.rowOffset + r) >>> 0;
    if (a.part === 1) {
      out[r] = (word(row, 2 * Math.ceil(a.dim / 2)) >>> 8) / TWO_POW_24;
      continue;
    }
    for (let i = 0; 2 * i < a.dim; i++) {
      // Words 2i and 2i + 1 share one Philox call (2i is even, so both lie in one group of four).
      philox4x32((2 * i) >>> 2, row, 0, 1, a.key0, a.key1, words);
      const u1 = ((words[(2 * i) & 3]! >>> 8) + 1) / TWO_POW_24;
      const theta = 2 * Math.PI * ((words[(2 * i + 1) & 3]! >>> 8) / TWO_POW_24 - 0.5);
      const rho = Math.sqrt(-2 * Math.log(u1));
      out[r * cols + 2 * i] = rho * Math.cos(theta);
      if (2 * i + 1 < a.dim) out[r * cols + 2 * i + 1] = rho * Math.sin(theta);
    }
  }
  return out;
}
