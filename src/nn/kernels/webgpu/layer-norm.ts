/**
 * `LayerNorm`, `LayerNormGrad`, `LayerNormParamGrad` and `ColumnSum` (see ../names.ts) on the tfjs
 * webgpu backend: shape checks, then one program run each.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { defineKernel } from '../define.ts';
import { LayerNormParamGrad } from '../names.ts';
import { COLUMN_SUM, LAYER_NORM, LAYER_NORM_GRAD, LAYER_NORM_PARAM_GRAD } from '../signatures.ts';
import { runProgram, type Uniform, type WebGPUBackendInternals } from './backend-internals.ts';
import {
  ColumnSumProgram,
  LayerNormGradProgram,
  LayerNormParamGradProgram,
  LayerNormProgram,
  LN_MAX_WORKGROUPS,
  LN_WORKGROUP,
} from './layer-norm-webgpu.ts';

/** Rows (all leading axes) and row length of x (the parameters' shapes are checked by the signatures). */
function rowsOf(x: TensorInfo): { rows: number; d: number } {
  const d = x.shape[x.shape.length - 1] ?? 1;
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { rows: d === 0 ? 0 : size / d, d };
}

/** Workgroups for `rows` rows, and the uniforms of the LayerNorm programs. */
function rowLayout(rows: number, d: number, epsilon: number): { workgroups: number; uniforms: Uniform[] } {
  const workgroups = Math.max(1, Math.min(rows, LN_MAX_WORKGROUPS));
  const uniforms: Uniform[] = [
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [d] },
    { type: 'float32', data: [epsilon] },
    { type: 'int32', data: [workgroups] },
    { type: 'int32', data: [Math.ceil(rows / workgroups)] },
  ];
  return { workgroups, uniforms };
}

export const layerNormWebgpu = defineKernel(LAYER_NORM, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ x, gamma, beta }, { epsilon }, b: WebGPUBackendInternals) => {
    const { rows, d } = rowsOf(x);
    const { workgroups, uniforms } = rowLayout(rows, d, epsilon);
    return runProgram(b, new LayerNormProgram(x.shape, workgroups), [x, gamma, beta], uniforms);
  },
});

export const layerNormGradWebgpu = defineKernel(LAYER_NORM_GRAD, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ dy, x, gamma }, { epsilon }, b: WebGPUBackendInternals) => {
    const { rows, d } = rowsOf(x);
    const { workgroups, uniforms } = rowLayout(rows, d, epsilon);
    return runProgram(b, new LayerNormGradProgram(x.shape, workgroups), [dy, x, gamma], uniforms);
  },
});

export const layerNormParamGradWebgpu = defineKernel(LAYER_NORM_PARAM_GRAD, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ dy, x }, { epsilon, rowsPerBlock }, b: WebGPUBackendInternals) => {
    // The program's block is its workgroup: one invocation finds one row's statistics.
    if (rowsPerBlock !== LN_WORKGROUP)
      throw new Error(`${LayerNormParamGrad}: rowsPerBlock must be ${LN_WORKGROUP} on webgpu, got ${rowsPerBlock}`);
    const { rows, d } = rowsOf(x);
    const blocks = Math.ceil(rows / rowsPerBlock);
    return runProgram(b, new LayerNormParamGradProgram(blocks, d), [dy, x], rowLayout(rows, d, epsilon).uniforms);
  },
});

export const columnSumWebgpu = defineKernel(COLUMN_SUM, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ x }, a, b: WebGPUBackendInternals) => {
    const [rows, w] = x.shape as [number, number];
    const blocks = Math.ceil(rows / a.rowsPerBlock);
    const uniforms: Uniform[] = [rows, w, a.offset, a.width, a.rowsPerBlock, blocks * a.width].map((v) => ({
      type: 'int32',
      data: [v],
    }));
    return runProgram(b, new ColumnSumProgram(blocks, a.width), [x], uniforms);
  },
});
