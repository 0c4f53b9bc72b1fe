/**
 * `Attention`, `AttentionGradQ` and `AttentionGradKV` (see ../names.ts) on the tfjs webgpu backend:
 * validate, build the program of ./attention-webgpu.ts or ./attention-grad-webgpu.ts, run it.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { defineKernel, type KernelSignature } from '../define.ts';
import type { AttentionAttrs, AttentionGradInputs, AttentionInputs } from '../names.ts';
import { attentionDims, type AttentionDims } from '../reference/attention.ts';
import { ATTENTION, ATTENTION_GRAD_KV, ATTENTION_GRAD_Q } from '../signatures.ts';
import type { DmcKernel } from '../types.ts';
import { runProgram, type Uniform, type WebGPUBackendInternals } from './backend-internals.ts';
import { AttentionGradKVProgram, AttentionGradQProgram } from './attention-grad-webgpu.ts';
import { dropoutUniforms } from './dropout.ts';
import {
  ATTENTION_MAX_DIM,
  AttentionForwardProgram,
  type AttentionProgramBase,
  type AttentionVariant,
} from './attention-webgpu.ts';

function prepare(
  x: AttentionInputs,
  a: AttentionAttrs,
): { dims: AttentionDims; variant: AttentionVariant; uniforms: Uniform[]; inputs: TensorInfo[] } {
  const dims = attentionDims(x.q.shape, x.k.shape);
  if (dims.d > ATTENTION_MAX_DIM)
    throw new Error(`attention (webgpu): head dimension ${dims.d} > ${ATTENTION_MAX_DIM}`);
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

export const attentionWebgpu = defineKernel(ATTENTION, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: (x, a, backend: WebGPUBackendInternals) => {
    const p = prepare(x, a);
    const { b, h, nq } = p.dims;
    return runProgram(backend, new AttentionForwardProgram(p.variant, b, h, nq), p.inputs, p.uniforms);
  },
});

/** The two gradient kernels differ only in their program: dQ walks query rows, dK/dV key rows. */
function gradKernel(
  sig: KernelSignature<AttentionGradInputs, AttentionAttrs>,
  program: (v: AttentionVariant, dims: AttentionDims) => AttentionProgramBase,
): DmcKernel {
  return defineKernel(sig, {
    backend: 'webgpu',
    dtypes: ['float32'],
    run: (x, a, backend: WebGPUBackendInternals) => {
      const p = prepare(x, a);
      return runProgram(backend, program(p.variant, p.dims), [...p.inputs, x.ol, x.dy], p.uniforms);
    },
  });
}

export const attentionGradQWebgpu = gradKernel(
  ATTENTION_GRAD_Q,
  (v, { b, h, nq }) => new AttentionGradQProgram(v, b, h, nq),
);

export const attentionGradKVWebgpu = gradKernel(
  ATTENTION_GRAD_KV,
  (v, { b, h, nk }) => new AttentionGradKVProgram(v, b, h, nk),
);
