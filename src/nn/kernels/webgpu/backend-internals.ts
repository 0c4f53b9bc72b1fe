/**
 * The part of tfjs-backend-webgpu 4.22's WebGPUBackend (backend_webgpu.ts) that every kernel of this
 * folder uses (the class is not exported as a type), declared once; a kernel that needs more extends it.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { DmcWebGPUProgram } from './dropout-webgpu.ts';

/** One of a program's uniforms, in the order of its `uniforms` declaration. */
export type Uniform = { type: 'float32' | 'int32' | 'uint32'; data: number[] };

export interface WebGPUBackendInternals {
  runWebGPUProgram(program: DmcWebGPUProgram, inputs: TensorInfo[], dtype: 'float32', uniforms: Uniform[]): TensorInfo;
}

/** Runs `program` on the backend a kernel function was given; its output is float32. */
export function runProgram(
  backend: WebGPUBackendInternals,
  program: DmcWebGPUProgram,
  inputs: TensorInfo[],
  uniforms: Uniform[],
): TensorInfo {
  return backend.runWebGPUProgram(program, inputs, 'float32', uniforms);
}
