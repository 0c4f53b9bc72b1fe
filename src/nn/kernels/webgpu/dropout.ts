/** `Dropout` (see ../names.ts) on the tfjs webgpu backend: validates, builds DropoutProgram, runs it. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { rowLayout } from '../layout.ts';
import { Dropout, type DropoutAttrs, type DropoutInputs } from '../names.ts';
import { dropoutConstants } from '../reference/dropout.ts';
import { runProgram, type Uniform } from './backend-internals.ts';
import { DropoutProgram } from './dropout-webgpu.ts';

/**
 * The mask's uniforms, in the order every dropping program declares them first (threshold, scale, key0,
 * key1, site, rowOffset). Validates the rate.
 */
export function dropoutUniforms(a: DropoutAttrs): Uniform[] {
  const { threshold, scale } = dropoutConstants(a.rate);
  return [
    { type: 'uint32', data: [threshold] },
    { type: 'float32', data: [scale] },
    { type: 'uint32', data: [a.key0 >>> 0] },
    { type: 'uint32', data: [a.key1 >>> 0] },
    { type: 'uint32', data: [a.site >>> 0] },
    { type: 'uint32', data: [a.rowOffset >>> 0] },
  ];
}

export const dropoutWebgpuConfig: KernelConfig = {
  kernelName: Dropout,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as DropoutInputs;
    const a = attrs as unknown as DropoutAttrs;
    const { rows, rowSize } = rowLayout(x.shape);
    const groups = rows * Math.ceil(rowSize / 8);
    const program = new DropoutProgram(x.shape, Math.max(1, groups));
    const uniforms: Uniform[] = [
      ...dropoutUniforms(a),
      { type: 'int32', data: [rowSize] },
      { type: 'int32', data: [groups] },
    ];
    return runProgram(backend, program, [x], uniforms);
  },
};
