/** `BiasAct` and `BiasActGrad` (see ../names.ts) on the tfjs webgpu backend. */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { BiasAct, BiasActGrad, type BiasActAttrs, type BiasActGradInputs, type BiasActInputs } from '../names.ts';
import { dropoutConstants } from '../reference/dropout.ts';
import { runProgram, type Uniform } from './backend-internals.ts';
import { BiasActGradProgram, BiasActProgram } from './bias-act-webgpu.ts';

const ACTIVATIONS = ['identity', 'gelu', 'mish'];

function layout(name: string, x: TensorInfo, bias: TensorInfo, a: BiasActAttrs): { rowSize: number; groups: number; uniforms: Uniform[] } {
  const cols = x.shape[x.shape.length - 1] ?? 1;
  if (bias.shape.length !== 1 || bias.shape[0] !== cols) throw new Error(`${name}: bias must have shape [${cols}], got [${bias.shape.join(',')}]`);
  if (!ACTIVATIONS.includes(a.activation)) throw new Error(`${name}: unknown activation ${JSON.stringify(a.activation)}`);
  const { threshold, scale } = dropoutConstants(a.rate);
  const size = x.shape.reduce((p, d) => p * d, 1);
  const rows = x.shape[0] ?? 1;
  const rowSize = rows === 0 ? 0 : size / rows;
  const groups = rows * Math.ceil(rowSize / 8);
  const uniforms: Uniform[] = [
    { type: 'uint32', data: [threshold] },
    { type: 'float32', data: [scale] },
    { type: 'uint32', data: [a.key0 >>> 0] },
    { type: 'uint32', data: [a.key1 >>> 0] },
    { type: 'uint32', data: [a.site >>> 0] },
    { type: 'uint32', data: [a.rowOffset >>> 0] },
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
