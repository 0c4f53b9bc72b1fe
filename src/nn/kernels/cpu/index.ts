/**
 * The cpu backend's kernels: each runs its reference (../reference/) over the backend's host arrays.
 * Registered through `defineKernel`, so a call is read and checked by the kernel's signature
 * (../signatures.ts) exactly as on wasm and webgpu.
 */
import type { TensorInfo, TypedArray } from '@tensorflow/tfjs';
import type { CpuBackendInternals } from '../backend-internals.ts';
import { defineKernel } from '../define.ts';
import { rowLayout, sliceLayout, slicedMatMulDims } from '../layout.ts';
import {
  ATTENTION,
  ATTENTION_GRAD_KV,
  ATTENTION_GRAD_Q,
  BATCH_NOISE,
  BIAS_ACT,
  BIAS_ACT_GRAD,
  COLUMN_SUM,
  DROPOUT,
  LAYER_NORM,
  LAYER_NORM_GRAD,
  LAYER_NORM_PARAM_GRAD,
  MATMUL_F16,
  SLICED_MATMUL,
  TAKE_SLICE,
} from '../signatures.ts';
import type { DmcKernel } from '../types.ts';
import { attentionBackwardReference, attentionDims, attentionForwardReference } from '../reference/attention.ts';
import { batchNoiseReference, batchNoiseShape } from '../reference/batch-noise.ts';
import { biasActGradReference, biasActReference } from '../reference/bias-act.ts';
import { dropoutValues } from '../reference/dropout.ts';
import {
  columnSumReference,
  layerNormGradReference,
  layerNormParamGradReference,
  layerNormReference,
} from '../reference/layer-norm.ts';
import { matMulF16Dims, matMulF16Reference } from '../reference/matmul-f16.ts';
import { slicedMatMulReference } from '../reference/sliced-matmul.ts';
import { takeSliceReference } from '../reference/take-slice.ts';

/** A tensor's host array (the backend holds float32 inputs as Float32Array). */
function values<T extends TypedArray = Float32Array>(b: CpuBackendInternals, t: TensorInfo): T {
  return b.data.get(t.dataId)?.values as T;
}

const lastDim = (shape: readonly number[]): number => shape[shape.length - 1] ?? 1;
const FLOAT = ['float32'] as const;

const takeSlice = defineKernel(TAKE_SLICE, {
  backend: 'cpu',
  dtypes: ['float32', 'int32', 'bool'],
  run: ({ x }, { index }, b: CpuBackendInternals) => {
    const { m, k } = sliceLayout(x.shape, index);
    return b.makeTensorInfo([m, k], x.dtype, takeSliceReference(values<TypedArray>(b, x), x.shape, index));
  },
});

const dropout = defineKernel(DROPOUT, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ x }, a, b: CpuBackendInternals) => {
    const xs = values(b, x);
    const out = new Float32Array(xs.length);
    const { rows, rowSize } = rowLayout(x.shape);
    dropoutValues(xs, out, rows, rowSize, a);
    return b.makeTensorInfo(x.shape, 'float32', out);
  },
});

const layerNorm = defineKernel(LAYER_NORM, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ x, gamma, beta }, { epsilon }, b: CpuBackendInternals) =>
    b.makeTensorInfo(
      x.shape,
      'float32',
      layerNormReference(values(b, x), values(b, gamma), values(b, beta), lastDim(x.shape), epsilon),
    ),
});

const layerNormGrad = defineKernel(LAYER_NORM_GRAD, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ dy, x, gamma }, { epsilon }, b: CpuBackendInternals) =>
    b.makeTensorInfo(
      x.shape,
      'float32',
      layerNormGradReference(values(b, dy), values(b, x), values(b, gamma), lastDim(x.shape), epsilon),
    ),
});

const layerNormParamGrad = defineKernel(LAYER_NORM_PARAM_GRAD, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ dy, x }, { epsilon, rowsPerBlock }, b: CpuBackendInternals) => {
    const d = lastDim(x.shape);
    const out = layerNormParamGradReference(values(b, dy), values(b, x), d, epsilon, rowsPerBlock);
    return b.makeTensorInfo([out.length / (2 * d), 2 * d], 'float32', out);
  },
});

const columnSum = defineKernel(COLUMN_SUM, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ x }, a, b: CpuBackendInternals) => {
    const out = columnSumReference(values(b, x), lastDim(x.shape), a);
    return b.makeTensorInfo([out.length / a.width, a.width], 'float32', out);
  },
});

const biasAct = defineKernel(BIAS_ACT, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ x, bias }, a, b: CpuBackendInternals) =>
    b.makeTensorInfo(x.shape, 'float32', biasActReference(values(b, x), values(b, bias), x.shape, a)),
});

const biasActGrad = defineKernel(BIAS_ACT_GRAD, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ dy, x, bias }, a, b: CpuBackendInternals) =>
    b.makeTensorInfo(
      x.shape,
      'float32',
      biasActGradReference(values(b, dy), values(b, x), values(b, bias), x.shape, a),
    ),
});

const optional = (b: CpuBackendInternals, t: TensorInfo | undefined): Float32Array | null =>
  t === undefined ? null : values<Float32Array>(b, t);

const attention = defineKernel(ATTENTION, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: (x, a, b: CpuBackendInternals) => {
    const dims = attentionDims(x.q.shape, x.k.shape);
    const out = attentionForwardReference(values(b, x.q), values(b, x.k), values(b, x.v), optional(b, x.bias), dims, a);
    return b.makeTensorInfo([out.length], 'float32', out);
  },
});

const attentionGradQ = defineKernel(ATTENTION_GRAD_Q, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: (x, a, b: CpuBackendInternals) => {
    const dims = attentionDims(x.q.shape, x.k.shape);
    const g = attentionBackwardReference(
      values(b, x.q),
      values(b, x.k),
      values(b, x.v),
      optional(b, x.bias),
      values(b, x.ol),
      values(b, x.dy),
      dims,
      a,
    );
    return b.makeTensorInfo([dims.b, dims.h, dims.nq, dims.d], 'float32', g.dq);
  },
});

const attentionGradKV = defineKernel(ATTENTION_GRAD_KV, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: (x, a, b: CpuBackendInternals) => {
    const dims = attentionDims(x.q.shape, x.k.shape);
    const g = attentionBackwardReference(
      values(b, x.q),
      values(b, x.k),
      values(b, x.v),
      optional(b, x.bias),
      values(b, x.ol),
      values(b, x.dy),
      dims,
      a,
    );
    const out = new Float32Array(g.dk.length * 2);
    out.set(g.dk);
    out.set(g.dv, g.dk.length);
    return b.makeTensorInfo([out.length], 'float32', out);
  },
});

const batchNoise = defineKernel(BATCH_NOISE, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: (_x, a, b: CpuBackendInternals) => b.makeTensorInfo(batchNoiseShape(a), 'float32', batchNoiseReference(a)),
});

const matMulF16 = defineKernel(MATMUL_F16, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ a, b: bt }, at, b: CpuBackendInternals) => {
    const { outShape } = matMulF16Dims(a.shape, bt.shape, at);
    return b.makeTensorInfo(
      outShape,
      'float32',
      matMulF16Reference(values(b, a), a.shape, values(b, bt), bt.shape, at),
    );
  },
});

const slicedMatMul = defineKernel(SLICED_MATMUL, {
  backend: 'cpu',
  dtypes: FLOAT,
  run: ({ a, b: bt }, _attrs, b: CpuBackendInternals) => {
    const { g, m, n } = slicedMatMulDims(a.shape, bt.shape);
    return b.makeTensorInfo(
      [g, m, n],
      'float32',
      slicedMatMulReference(values(b, a), a.shape, values(b, bt), bt.shape),
    );
  },
});

export const CPU_KERNELS: readonly DmcKernel[] = [
  takeSlice,
  dropout,
  layerNorm,
  layerNormGrad,
  layerNormParamGrad,
  columnSum,
  biasAct,
  biasActGrad,
  attention,
  attentionGradQ,
  attentionGradKV,
  batchNoise,
  matMulF16,
  slicedMatMul,
];
