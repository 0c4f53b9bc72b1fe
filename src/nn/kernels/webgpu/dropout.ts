/** `Dropout` (see ../names.ts) on the tfjs webgpu backend: validates, builds DropoutProgram, runs it. */
import { defineKernel } from '../define.ts';
import { rowLayout } from '../layout.ts';
import type { DropoutAttrs } from '../names.ts';
import { dropoutConstants } from '../reference/dropout.ts';
import { DROPOUT } from '../signatures.ts';
import { runProgram, type Uniform, type WebGPUBackendInternals } from './backend-internals.ts';
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

export const dropoutWebgpu = defineKernel(DROPOUT, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: ({ x }, a, backend: WebGPUBackendInternals) => {
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
});
