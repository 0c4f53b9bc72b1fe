/** `BiasAct` and `BiasActGrad` (see ../names.ts) on the tfjs webgpu backend. */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { BiasAct, BiasActGrad, type BiasActAttrs, type BiasActGradInputs, type BiasActInputs } from '../names.ts';
import { rowLayout } from '../layout.ts';
import { runProgram, type Uniform } from './backend-internals.ts';
import { BiasActGradProgram, BiasActProgram } from './bias-act-webgpu.ts';
import { dropoutUniforms } from './dropout.ts';

const ACTIVATIONS = ['identity', 'gelu', 'mish'];

function layout(name: string, x: TensorInfo, bias: TensorInfo, a: BiasActAttrs): { rowSize: number; groups: number; uniforms: Uniform[] } {
  const cols = x.shape[x.shape.length - 1] ?? 1;
  if (bias.shape.length !== 1 || bias.shape[0] !== cols) throw new Error(`${name}: bias must have shape [${cols}], got [${bias.shape.join(',')}]`);
  if (!ACTIVATIONS.includes(a.activation)) throw new Error(`${name}: unknown activation ${JSON.stringify(a.activation)}`);
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

export const biasActWebgpuConfig: KernelConfig = {
  kernelName: BiasAct,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, bias } = inputs as unknown as BiasActInputs;
    const a = attrs as unknown as BiasActAttrs;
    const { groups, uniforms } = layout(BiasAct, x, bias, a);
    return runProgram(backend, new BiasActProgram(x.shape, Math.max(1, groups), a.activation, a.rate > 0), [x, bias], uniforms);
  },
};

export const biasActGradWebgpuConfig: KernelConfig = {
  kernelName: BiasActGrad,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x, bias } = inputs as unknown as BiasActGradInputs;
    const a = attrs as unknown as BiasActAttrs;
    const { groups, uniforms } = layout(BiasActGrad, x, bias, a);
    return runProgram(backend, new BiasActGradProgram(x.shape, Math.max(1, groups), a.activation, a.rate > 0), [dy, x, bias], uniforms);
  },
};
