/** `Dropout` (see ../names.ts) on the tfjs webgpu backend: validates, builds DropoutProgram, runs it. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { rowLayout } from '../layout.ts';
import { Dropout, type DropoutAttrs, type DropoutInputs } from '../names.ts';
import { dropoutConstants } from '../reference/dropout.ts';
import { runProgram, type Uniform } from './backend-internals.ts';
import { DropoutProgram } from './dropout-webgpu.ts';

export const dropoutWebgpuConfig: KernelConfig = {
  kernelName: Dropout,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x } = inputs as unknown as DropoutInputs;
    const a = attrs as unknown as DropoutAttrs;
    const { threshold, scale } = dropoutConstants(a.rate);
    const { rows, rowSize } = rowLayout(x.shape);
    const groups = rows * Math.ceil(rowSize / 8);
    const program = new DropoutProgram(x.shape, Math.max(1, groups));
    const uniforms: Uniform[] = [
      { type: 'uint32', data: [threshold] },
      { type: 'float32', data: [scale] },
      { type: 'uint32', data: [a.key0 >>> 0] },
      { type: 'uint32', data: [a.key1 >>> 0] },
      { type: 'uint32', data: [a.site >>> 0] },
      { type: 'uint32', data: [a.rowOffset >>> 0] },
      { type: 'int32', data: [rowSize] },
      { type: 'int32', data: [groups] },
    ];
    return runProgram(backend, program, [x], uniforms);
  },
};
