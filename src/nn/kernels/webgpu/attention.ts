/**
 * `Attention`, `AttentionGradQ` and `AttentionGradKV` (see ../names.ts) on the tfjs webgpu backend:
 * validate, build the program of ./attention-webgpu.ts or ./attention-grad-webgpu.ts, run it.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { Attention, AttentionGradKV, AttentionGradQ, type AttentionAttrs, type AttentionGradInputs, type AttentionInputs } from '../names.ts';
import { attentionDims, type AttentionDims } from '../reference/attention.ts';
import { runProgram, type Uniform } from './backend-internals.ts';
import { AttentionGradKVProgram, AttentionGradQProgram } from './attention-grad-webgpu.ts';
import { dropoutUniforms } from './dropout.ts';
import { ATTENTION_MAX_DIM, AttentionForwardProgram, type AttentionProgramBase, type AttentionVariant } from './attention-webgpu.ts';

function prepare(x: AttentionInputs, a: AttentionAttrs): { dims: AttentionDims; variant: AttentionVariant; uniforms: Uniform[]; inputs: TensorInfo[] } {
  const dims = attentionDims(x.q.shape, x.k.shape);
  if (dims.d > ATTENTION_MAX_DIM) throw new Error(`attention (webgpu): head dimension ${dims.d} > ${ATTENTION_MAX_DIM}`);
  if (x.v.shape.join(',') !== x.k.shape.join(',')) throw new Error(`attention: v [${x.v.shape.join(',')}] must have k's shape`);
  const mask = dropoutUniforms(a);
  const { b, h, nq, nk, d } = dims;
  const uniforms: Uniform[] = [
    { type: 'int32', data: [nq] },
    { type: 'int32', data: [nk] },
    { type: 'int32', data: [h] },
    { type: 'float32', data: [a.scale] },
    ...mask,
    { type: 'int32', data: [b * h * nq * d] },
    { type: 'int32', data: [b * h * nk * d] },
  ];
  const variant = { d, hasBias: x.bias !== undefined, hasDropout: a.rate > 0 };
  return { dims, variant, uniforms, inputs: [x.q, x.k, x.v, ...(x.bias === undefined ? [] : [x.bias])] };
}

export const attentionWebgpuConfig: KernelConfig = {
  kernelName: Attention,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const p = prepare(inputs as unknown as AttentionInputs, attrs as unknown as AttentionAttrs);
    const { b, h, nq } = p.dims;
    const program = new AttentionForwardProgram(p.variant, b, h, nq);
    return runProgram(backend, program, p.inputs, p.uniforms);
  },
};

/** The two gradient kernels differ only in their program: dQ walks query rows, dK/dV key rows. */
function gradConfig(kernelName: string, program: (v: AttentionVariant, dims: AttentionDims) => AttentionProgramBase): KernelConfig {
  return {
    kernelName,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs as unknown as AttentionGradInputs;
      const p = prepare(x, attrs as unknown as AttentionAttrs);
      return runProgram(backend, program(p.variant, p.dims), [...p.inputs, x.ol, x.dy], p.uniforms);
    },
  };
}

export const attentionGradQWebgpuConfig = gradConfig(AttentionGradQ, (v, { b, h, nq }) => new AttentionGradQProgram(v, b, h, nq));

export const attentionGradKVWebgpuConfig = gradConfig(AttentionGradKV, (v, { b, h, nk }) => new AttentionGradKVProgram(v, b, h, nk));
