/**
 * `LayerNorm`, `LayerNormGrad`, `LayerNormParamGrad` and `ColumnSum` (see ../names.ts) on the tfjs
 * webgpu backend: shape checks, then one program run each.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
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
import { runProgram, type Uniform } from './backend-internals.ts';
import { ColumnSumProgram, LayerNormGradProgram, LayerNormParamGradProgram, LayerNormProgram, LN_MAX_WORKGROUPS, LN_WORKGROUP } from './layer-norm-webgpu.ts';

/** Rows (all leading axes) and row length of x, checking that `params` have the row length. */
function rowsOf(name: string, x: TensorInfo, ...params: TensorInfo[]): { rows: number; d: number } {
  const d = x.shape[x.shape.length - 1] ?? 1;
  for (const p of params) {
    if (p.shape.length !== 1 || p.shape[0] !== d) throw new Error(`${name}: expected a parameter of shape [${d}], got [${p.shape.join(',')}]`);
  }
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

export const layerNormWebgpuConfig: KernelConfig = {
  kernelName: LayerNorm,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, gamma, beta } = inputs as unknown as LayerNormInputs;
    const { epsilon } = attrs as unknown as LayerNormAttrs;
    const { rows, d } = rowsOf(LayerNorm, x, gamma, beta);
    const { workgroups, uniforms } = rowLayout(rows, d, epsilon);
    return runProgram(backend, new LayerNormProgram(x.shape, workgroups), [x, gamma, beta], uniforms);
  },
};

export const layerNormGradWebgpuConfig: KernelConfig = {
  kernelName: LayerNormGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x, gamma } = inputs as unknown as LayerNormGradInputs;
    const { epsilon } = attrs as unknown as LayerNormAttrs;
    const { rows, d } = rowsOf(LayerNormGrad, x, gamma);
    const { workgroups, uniforms } = rowLayout(rows, d, epsilon);
    return runProgram(backend, new LayerNormGradProgram(x.shape, workgroups), [dy, x, gamma], uniforms);
  },
};

export const layerNormParamGradWebgpuConfig: KernelConfig = {
  kernelName: LayerNormParamGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x } = inputs as unknown as LayerNormParamGradInputs;
    const { epsilon, rowsPerBlock } = attrs as unknown as LayerNormParamGradAttrs;
    // The program's block is its workgroup: one invocation finds one row's statistics.
    if (rowsPerBlock !== LN_WORKGROUP) throw new Error(`${LayerNormParamGrad}: rowsPerBlock must be ${LN_WORKGROUP} on webgpu, got ${rowsPerBlock}`);
    const { rows, d } = rowsOf(LayerNormParamGrad, x);
    const blocks = Math.ceil(rows / rowsPerBlock);
    return runProgram(backend, new LayerNormParamGradProgram(blocks, d), [dy, x], rowLayout(rows, d, epsilon).uniforms);
  },
};

export const columnSumWebgpuConfig: KernelConfig = {
  kernelName: ColumnSum,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as ColumnSumInputs;
    const a = attrs as unknown as ColumnSumAttrs;
    if (x.shape.length !== 2) throw new Error(`${ColumnSum}: expected a rank-2 input, got [${x.shape.join(',')}]`);
    const [rows, w] = x.shape as [number, number];
    if (a.offset < 0 || a.offset + a.width > w) throw new Error(`${ColumnSum}: columns [${a.offset}, ${a.offset + a.width}) outside width ${w}`);
    const blocks = Math.ceil(rows / a.rowsPerBlock);
    const uniforms: Uniform[] = [rows, w, a.offset, a.width, a.rowsPerBlock, blocks * a.width].map((v) => ({ type: 'int32', data: [v] }));
    return runProgram(backend, new ColumnSumProgram(blocks, a.width), [x], uniforms);
  },
};
