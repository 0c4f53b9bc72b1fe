/** `BatchNoise` (see ../names.ts) on the tfjs webgpu backend: validates, builds BatchNoiseProgram, runs it. */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { BatchNoise, type BatchNoiseAttrs } from '../names.ts';
import { batchNoiseShape } from '../reference/batch-noise.ts';
import { BatchNoiseProgram } from './batch-noise-webgpu.ts';

type Uniform = { type: 'int32' | 'uint32'; data: number[] };

interface WebGPUBackendInternals {
  runWebGPUProgram(program: BatchNoiseProgram, inputs: TensorInfo[], dtype: 'float32', uniforms: Uniform[]): TensorInfo;
}

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
    return (backend as unknown as WebGPUBackendInternals).runWebGPUProgram(new BatchNoiseProgram(shape, a.part), [], 'float32', uniforms);
  },
};
