/**
 * References of `LayerNorm`, `LayerNormGrad`, `LayerNormParamGrad` and `ColumnSum` (see ../names.ts):
 * plain loops over one row at a time, accumulated in float64, the oracle of the webgpu kernels and the
 * cpu backend's kernels.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import {
  ColumnSum,
  LayerNorm,
  LayerNormGrad,
  LayerNormParamGrad,
  type ColumnSumAttrs,
  type ColumnSumInputs,
  type LayerNormAttrs,
  type LayerNormGradInputs,
  type LayerNormInputs,
  type LayerNormParamGradAttrs,
  type LayerNormParamGradInputs,
} from '../names.ts';
import { cpuValues, type CpuBackendInternals } from './cpu-internals.ts';

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

export function layerNormReference(x: Float32Array, gamma: Float32Array, beta: Float32Array, d: number, epsilon: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    const { mean, rstd } = rowStats(x, r, d, epsilon);
    for (let j = 0; j < d; j++) out[r * d + j] = (x[r * d + j]! - mean) * rstd * gamma[j]! + beta[j]!;
  }
  return out;
}

export function layerNormGradReference(dy: Float32Array, x: Float32Array, gamma: Float32Array, d: number, epsilon: number): Float32Array {
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

export function layerNormParamGradReference(dy: Float32Array, x: Float32Array, d: number, epsilon: number, rowsPerBlock: number): Float32Array {
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

const lastDim = (shape: readonly number[]): number => shape[shape.length - 1] ?? 1;

export const layerNormCpuConfig: KernelConfig = {
  kernelName: LayerNorm,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, gamma, beta } = inputs as unknown as LayerNormInputs;
    const { epsilon } = attrs as unknown as LayerNormAttrs;
    const values = layerNormReference(cpuValues(backend, x), cpuValues(backend, gamma), cpuValues(backend, beta), lastDim(x.shape), epsilon);
    return (backend as unknown as CpuBackendInternals).makeTensorInfo(x.shape, 'float32', values);
  },
};

export const layerNormGradCpuConfig: KernelConfig = {
  kernelName: LayerNormGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x, gamma } = inputs as unknown as LayerNormGradInputs;
    const { epsilon } = attrs as unknown as LayerNormAttrs;
    const values = layerNormGradReference(cpuValues(backend, dy), cpuValues(backend, x), cpuValues(backend, gamma), lastDim(x.shape), epsilon);
    return (backend as unknown as CpuBackendInternals).makeTensorInfo(x.shape, 'float32', values);
  },
};

export const layerNormParamGradCpuConfig: KernelConfig = {
  kernelName: LayerNormParamGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x } = inputs as unknown as LayerNormParamGradInputs;
    const { epsilon, rowsPerBlock } = attrs as unknown as LayerNormParamGradAttrs;
    const d = lastDim(x.shape);
    const values = layerNormParamGradReference(cpuValues(backend, dy), cpuValues(backend, x), d, epsilon, rowsPerBlock);
    return (backend as unknown as CpuBackendInternals).makeTensorInfo([values.length / (2 * d), 2 * d], 'float32', values);
  },
};

export const columnSumCpuConfig: KernelConfig = {
  kernelName: ColumnSum,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as ColumnSumInputs;
    const a = attrs as unknown as ColumnSumAttrs;
    const values = columnSumReference(cpuValues(backend, x), lastDim(x.shape), a);
    return (backend as unknown as CpuBackendInternals).makeTensorInfo([values.length / a.width, a.width], 'float32', values);
  },
};
