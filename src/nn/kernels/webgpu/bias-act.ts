/** `BiasAct` and `BiasActGrad` (see ../names.ts) on the tfjs webgpu backend. */
import type { TensorInfo } from '@tensorflow/tfjs';
import { defineKernel } from '../define.ts';
import type { BiasActAttrs } from '../names.ts';
import { rowLayout } from '../layout.ts';
import { BIAS_ACT, BIAS_ACT_GRAD } from '../signatures.ts';
import { runProgram, type Uniform, type WebGPUBackendInternals } from './backend-internals.ts';
import { BiasActGradProgram, BiasActProgram } from './bias-act-webgpu.ts';
import { dropoutUniforms } from './dropout.ts';

/** The programs' layout and uniforms (bias shape and activation are checked by the signatures). */
function layout(x: TensorInfo, a: BiasActAttrs): { rowSize: number; groups: number; uniforms: Uniform[] } {
  const cols = x.shape[x.shape.length - 1] ?? 1;
  const mask = dropoutUniforms(a);
  const { rows, rowSize } = rowLayout(x.shape);
  const groups = rows * Math.ceil(rowSize / 8);
  const uniforms: Uniform[] = [
    ...mask,
    { type: 'int32', data: [rowSize] },
    { type: 'int32', data: [groups] },
    { type: 'int32', data: [cols] },
  ];
  return { rowSize, groups, uniforms };
}

export const biasActWebgpu = defineKernel(BIAS_ACT, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ x, bias }, a, b: WebGPUBackendInternals) => {
    const { groups, uniforms } = layout(x, a);
    return runProgram(
      b,
      new BiasActProgram(x.shape, Math.max(1, groups), a.activation, a.rate > 0),
      [x, bias],
      uniforms,
    );
  },
});

export const biasActGradWebgpu = defineKernel(BIAS_ACT_GRAD, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ dy, x, bias }, a, b: WebGPUBackendInternals) => {
    const { groups, uniforms } = layout(x, a);
    return runProgram(
      b,
      new BiasActGradProgram(x.shape, Math.max(1, groups), a.activation, a.rate > 0),
      [dy, x, bias],
      uniforms,
    );
  },
});
