/** `BatchNoise` (see ../names.ts) on the tfjs webgpu backend: validates, builds BatchNoiseProgram, runs it. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { BatchNoise, type BatchNoiseAttrs } from '../names.ts';
import { batchNoiseShape } from '../reference/batch-noise.ts';
import { runProgram, type Uniform } from './backend-internals.ts';
import { BatchNoiseProgram } from './batch-noise-webgpu.ts';

export const batchNoiseWebgpuConfig: KernelConfig = {
  kernelName: BatchNoise,
  backendName: 'webgpu',
  kernelFunc: ({ attrs, backend }) => {
    const a = attrs as unknown as BatchNoiseAttrs;
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
};
