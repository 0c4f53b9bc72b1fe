/** `BatchNoise` (see ../names.ts) on the tfjs webgpu backend: validates, builds BatchNoiseProgram, runs it. */
import { defineKernel } from '../define.ts';
import { batchNoiseShape } from '../reference/batch-noise.ts';
import { BATCH_NOISE } from '../signatures.ts';
import { runProgram, type Uniform, type WebGPUBackendInternals } from './backend-internals.ts';
import { BatchNoiseProgram } from './batch-noise-webgpu.ts';

export const batchNoiseWebgpu = defineKernel(BATCH_NOISE, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: (_x, a, backend: WebGPUBackendInternals) => {
    const shape = batchNoiseShape(a);
    const uniforms: Uniform[] = [
      { type: 'uint32', data: [a.key0 >>> 0] },
      { type: 'uint32', data: [a.key1 >>> 0] },
      { type: 'uint32', data: [a.rowOffset >>> 0] },
      { type: 'int32', data: [a.dim] },
      { type: 'int32', data: [shape[0] * shape[1]] },
    ];
    return runProgram(backend, new BatchNoiseProgram(shape, a.part), [], uniforms);
  },
});
