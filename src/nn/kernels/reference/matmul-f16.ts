/**
 * Reference of `MatMulF16` (see ../names.ts): binary16 rounding of the operands and a float32
 * multiply-accumulate in k order, the definition the webgpu kernel is tested against and the cpu
 * backend's kernel.
 */
import type { MatMulF16Attrs } from '../names.ts';

/** Largest finite binary16 value. */
export const F16_MAX = 65504;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** 2^e for an integer e in the double range (exact, unlike Math.pow on some engines). */
function pow2(e: number): number {
  words[0] = 0;
  words[1] = (e + 1023) << 20;
  return bits[0]!;
}

/** Round half to even of a double (the quotients below are exact, so this is the whole rounding). */
function roundHalfEven(q: number): number {
  const f = Math.floor(q);
  const d = q - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * x rounded to the nearest binary16 value, ties to even; beyond the largest finite half (from 65520 up,
 * which rounds to 2^16) ±Infinity; subnormals (multiples of 2^-24) kept; NaN stays NaN. As a number.
 */
export function roundToF16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const ax = Math.abs(x);
  bits[0] = ax;
  // Unbiased exponent of |x| (x is a normal double here); below 2^-14 the half grid is the subnormal one.
  const e = Math.max(((words[1]! >>> 20) & 0x7ff) - 1023, -14);
  const ulp = pow2(e - 10);
  const r = roundHalfEven(ax / ulp) * ulp;
  const signed = x < 0 ? -r : r;
  if (r > F16_MAX) return x < 0 ? -Infinity : Infinity;
  // -0 for a negative value that rounds to zero, as the binary16 conversion gives.
  return r === 0 && x < 0 ? -0 : signed;
}

/** A copy of `x` with every value rounded to binary16 (as float32, which holds every half exactly). */
export function roundArrayToF16(x: ArrayLike<number>): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = roundToF16(x[i]!);
  return out;
}

export interface MatMulF16Dims {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** C's shape: (M, N) or (batch, M, N). */
  outShape: number[];
}

/** Dimensions of C = op(A)·op(B) for the input shapes; throws on ranks or sizes that do not fit. */
export function matMulF16Dims(
  aShape: readonly number[],
  bShape: readonly number[],
  attrs: MatMulF16Attrs,
): MatMulF16Dims {
  if (aShape.length !== bShape.length || (aShape.length !== 2 && aShape.length !== 3)) {
    throw new Error(
      `matMulF16: a [${aShape.join(',')}] and b [${bShape.join(',')}] must both be rank 2 or both rank 3`,
    );
  }
  const batch = aShape.length === 3 ? aShape[0]! : 1;
  if (aShape.length === 3 && bShape[0] !== batch) throw new Error(`matMulF16: batch ${batch} of a, ${bShape[0]} of b`);
  const [a0, a1] = aShape.slice(-2) as [number, number];
  const [b0, b1] = bShape.slice(-2) as [number, number];
  const [m, k] = attrs.transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = attrs.transposeB ? [b1, b0] : [b0, b1];
  if (k !== kb) {
    throw new Error(
      `matMulF16: inner sizes differ (a [${aShape.join(',')}]${attrs.transposeA ? 'ᵀ' : ''}, b [${bShape.join(',')}]${attrs.transposeB ? 'ᵀ' : ''})`,
    );
  }
  return { batch, m, k, n, outShape: aShape.length === 3 ? [batch, m, n] : [m, n] };
}

/** C = f16(op(A))·f16(op(B)), float32 accumulation in k order. */
export function matMulF16Reference(
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  attrs: MatMulF16Attrs,
): Float32Array {
  const { batch, m, k, n } = matMulF16Dims(aShape, bShape, attrs);
  const ha = roundArrayToF16(a);
  const hb = roundArrayToF16(b);
  const out = new Float32Array(batch * m * n);
  for (let g = 0; g < batch; g++) {
    const ao = g * m * k;
    const bo = g * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = ha[ao + (attrs.transposeA ? p * m + i : i * k + p)]!;
          const bv = hb[bo + (attrs.transposeB ? j * k + p : p * n + j)]!;
          // The product is exact in float32; only the sum rounds.
          acc = Math.fround(acc + av * bv);
        }
        out[(g * m + i) * n + j] = acc;
      }
    }
  }
  return out;
}
