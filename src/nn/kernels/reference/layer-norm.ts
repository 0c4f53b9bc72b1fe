/**
 * References of `LayerNorm`, `LayerNormGrad`, `LayerNormParamGrad` and `ColumnSum` (see ../names.ts):
 * plain loops over one row at a time, accumulated in float64, the oracle of the webgpu kernels and the
 * cpu backend's kernels.
 */
import type { ColumnSumAttrs } from '../names.ts';

/** μ and r = 1/sqrt(σ² + ε) of row `row` (length d) of x, σ² biased, two-pass. */
function rowStats(x: Float32Array, row: number, d: number, epsilon: number): { mean: number; rstd: number } {
  const base = row * d;
  let s = 0;
  for (let j = 0; j < d; j++) s += x[base + j]!;
  const mean = s / d;
  let v = 0;
  for (let j = 0; j < d; j++) v += (x[base + j]! - mean) ** 2;
  return { mean, rstd: 1 / Math.sqrt(v / d + epsilon) };
}

export function layerNormReference(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  d: number,
  epsilon: number,
): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    const { mean, rstd } = rowStats(x, r, d, epsilon);
    for (let j = 0; j < d; j++) out[r * d + j] = (x[r * d + j]! - mean) * rstd * gamma[j]! + beta[j]!;
  }
  return out;
}

export function layerNormGradReference(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  d: number,
  epsilon: number,
): Float32Array {
  const dx = new Float32Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    const { mean, rstd } = rowStats(x, r, d, epsilon);
    const base = r * d;
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < d; j++) {
      const g = dy[base + j]! * gamma[j]!;
      sg += g;
      sgx += g * (x[base + j]! - mean) * rstd;
    }
    for (let j = 0; j < d; j++) {
      const xhat = (x[base + j]! - mean) * rstd;
      dx[base + j] = rstd * (dy[base + j]! * gamma[j]! - sg / d - xhat * (sgx / d));
    }
  }
  return dx;
}

export function layerNormParamGradReference(
  dy: Float32Array,
  x: Float32Array,
  d: number,
  epsilon: number,
  rowsPerBlock: number,
): Float32Array {
  const rows = x.length / d;
  const blocks = Math.ceil(rows / rowsPerBlock);
  const out = new Float32Array(blocks * 2 * d);
  const acc = new Float64Array(2 * d);
  for (let k = 0; k < blocks; k++) {
    acc.fill(0);
    for (let r = k * rowsPerBlock; r < Math.min(rows, (k + 1) * rowsPerBlock); r++) {
      const { mean, rstd } = rowStats(x, r, d, epsilon);
      for (let j = 0; j < d; j++) {
        acc[j]! += dy[r * d + j]! * (x[r * d + j]! - mean) * rstd;
        acc[d + j]! += dy[r * d + j]!;
      }
    }
    out.set(acc, k * 2 * d);
  }
  return out;
}

export function columnSumReference(x: Float32Array, w: number, a: ColumnSumAttrs): Float32Array {
  const rows = x.length / w;
  const blocks = Math.ceil(rows / a.rowsPerBlock);
  const out = new Float32Array(blocks * a.width);
  for (let k = 0; k < blocks; k++) {
    for (let c = 0; c < a.width; c++) {
      let s = 0;
      for (let r = k * a.rowsPerBlock; r < Math.min(rows, (k + 1) * a.rowsPerBlock); r++) s += x[r * w + a.offset + c]!;
      out[k * a.width + c] = s;
    }
  }
  return out;
}
