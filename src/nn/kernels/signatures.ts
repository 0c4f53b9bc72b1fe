/**
 * The signature of each kernel of names.ts: how its call is read (inputs by name, attributes by type)
 * and which shapes are valid. Every backend's implementation is registered against these through
 * `defineKernel`, so a wrong call gets the same KernelInputError, naming the kernel and the shapes, on
 * cpu, wasm and webgpu alike. Limits of one backend only (webgpu's head width, workgroup sizes) stay
 * in that backend's implementation.
 */
import { Identity, type TensorInfo } from '@tensorflow/tfjs';
import { describeShapes, KernelInputError, type AttrReader, type KernelSignature } from './define.ts';
import { sliceLayout, slicedMatMulDims } from './layout.ts';
import {
  Attention,
  AttentionGradKV,
  AttentionGradQ,
  BatchNoise,
  BiasAct,
  BiasActGrad,
  ColumnSum,
  Dropout,
  LayerNorm,
  LayerNormGrad,
  LayerNormParamGrad,
  MatMulF16,
  MultiAdam,
  SlicedMatMul,
  TakeSlice,
  packMultiAdamInputs,
  unpackMultiAdamInputs,
  type AttentionAttrs,
  type AttentionGradInputs,
  type AttentionInputs,
  type BatchNoiseAttrs,
  type BiasActAttrs,
  type BiasActGradInputs,
  type BiasActInputs,
  type ColumnSumAttrs,
  type ColumnSumInputs,
  type DropoutAttrs,
  type DropoutInputs,
  type LayerNormAttrs,
  type LayerNormGradInputs,
  type LayerNormInputs,
  type LayerNormParamGradAttrs,
  type LayerNormParamGradInputs,
  type MatMulF16Attrs,
  type MatMulF16Inputs,
  type MultiAdamAttrs,
  type MultiAdamInputs,
  type SlicedMatMulInputs,
  type TakeSliceAttrs,
  type TakeSliceInputs,
} from './names.ts';
import { attentionDims } from './reference/attention.ts';
import { batchNoiseShape } from './reference/batch-noise.ts';
import { dropoutConstants } from './reference/dropout.ts';
import { matMulF16Dims } from './reference/matmul-f16.ts';
import { errorMessage } from '../../shared/index.ts';

const sizeOf = (t: TensorInfo): number => t.shape.reduce((p, d) => p * d, 1);
const lastDim = (t: TensorInfo): number => t.shape[t.shape.length - 1] ?? 1;
const sameShape = (a: TensorInfo, b: TensorInfo): boolean =>
  a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

function fail(kernel: string, what: string, named: Record<string, TensorInfo | undefined>): never {
  throw new KernelInputError(`${kernel}: ${what} (${describeShapes(named)})`);
}

/** Runs a check of the reference (dims, layouts) and names the kernel in its error, in place of the check's own prefix. */
function asKernelError<T>(kernel: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof KernelInputError) throw err;
    const message = errorMessage(err);
    throw new KernelInputError(`${kernel}: ${message.replace(/^\w+: /, '')}`);
  }
}

/** x's last axis is D and every parameter is (D). */
function checkRowParams(kernel: string, x: TensorInfo, params: Record<string, TensorInfo>): void {
  const d = lastDim(x);
  for (const [name, p] of Object.entries(params)) {
    if (p.shape.length !== 1 || p.shape[0] !== d)
      fail(kernel, `${name} must have shape [${d}], x's last axis`, { x, [name]: p });
  }
}

function checkPositiveInteger(kernel: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0))
    throw new KernelInputError(`${kernel}: attribute '${name}' must be a positive integer, got ${v}`);
}

const dropoutAttrs = (r: AttrReader): DropoutAttrs => ({
  rate: r.number('rate'),
  key0: r.integer('key0'),
  key1: r.integer('key1'),
  site: r.integer('site'),
  rowOffset: r.integer('rowOffset'),
});

function checkRate(kernel: string, rate: number): void {
  asKernelError(kernel, () => dropoutConstants(rate));
}

export const TAKE_SLICE: KernelSignature<TakeSliceInputs, TakeSliceAttrs> = {
  name: TakeSlice,
  inputs: (r) => ({ x: r.tensor('x') }),
  attrs: (r) => ({ index: r.integer('index') }),
  check: ({ x }, { index }) => void asKernelError(TakeSlice, () => sliceLayout(x.shape, index)),
};

export const DROPOUT: KernelSignature<DropoutInputs, DropoutAttrs> = {
  name: Dropout,
  inputs: (r) => ({ x: r.tensor('x') }),
  attrs: dropoutAttrs,
  check: (_x, a) => checkRate(Dropout, a.rate),
};

export const LAYER_NORM: KernelSignature<LayerNormInputs, LayerNormAttrs> = {
  name: LayerNorm,
  inputs: (r) => ({ x: r.tensor('x'), gamma: r.tensor('gamma'), beta: r.tensor('beta') }),
  attrs: (r) => ({ epsilon: r.number('epsilon') }),
  check: ({ x, gamma, beta }) => checkRowParams(LayerNorm, x, { gamma, beta }),
};

export const LAYER_NORM_GRAD: KernelSignature<LayerNormGradInputs, LayerNormAttrs> = {
  name: LayerNormGrad,
  inputs: (r) => ({ dy: r.tensor('dy'), x: r.tensor('x'), gamma: r.tensor('gamma') }),
  attrs: (r) => ({ epsilon: r.number('epsilon') }),
  check: ({ dy, x, gamma }) => {
    if (!sameShape(dy, x)) fail(LayerNormGrad, "dy must have x's shape", { dy, x });
    checkRowParams(LayerNormGrad, x, { gamma });
  },
};

export const LAYER_NORM_PARAM_GRAD: KernelSignature<LayerNormParamGradInputs, LayerNormParamGradAttrs> = {
  name: LayerNormParamGrad,
  inputs: (r) => ({ dy: r.tensor('dy'), x: r.tensor('x') }),
  attrs: (r) => ({ epsilon: r.number('epsilon'), rowsPerBlock: r.integer('rowsPerBlock') }),
  check: ({ dy, x }, a) => {
    if (!sameShape(dy, x)) fail(LayerNormParamGrad, "dy must have x's shape", { dy, x });
    checkPositiveInteger(LayerNormParamGrad, 'rowsPerBlock', a.rowsPerBlock);
  },
};

export const COLUMN_SUM: KernelSignature<ColumnSumInputs, ColumnSumAttrs> = {
  name: ColumnSum,
  inputs: (r) => ({ x: r.tensor('x') }),
  attrs: (r) => ({ offset: r.integer('offset'), width: r.integer('width'), rowsPerBlock: r.integer('rowsPerBlock') }),
  check: ({ x }, a) => {
    if (x.shape.length !== 2) fail(ColumnSum, 'expected a rank-2 input', { x });
    if (a.offset < 0 || a.width < 0 || a.offset + a.width > x.shape[1]!) {
      fail(ColumnSum, `columns [${a.offset}, ${a.offset + a.width}) outside width ${x.shape[1]}`, { x });
    }
    checkPositiveInteger(ColumnSum, 'rowsPerBlock', a.rowsPerBlock);
  },
};

const biasActAttrs = (r: AttrReader): BiasActAttrs => ({
  ...dropoutAttrs(r),
  activation: r.oneOf('activation', ['identity', 'gelu', 'mish'] as const),
});

function checkBias(kernel: string, x: TensorInfo, bias: TensorInfo, a: BiasActAttrs): void {
  if (bias.shape.length !== 1 || bias.shape[0] !== lastDim(x))
    fail(kernel, `bias must have shape [${lastDim(x)}], x's last axis`, { x, bias });
  checkRate(kernel, a.rate);
}

export const BIAS_ACT: KernelSignature<BiasActInputs, BiasActAttrs> = {
  name: BiasAct,
  inputs: (r) => ({ x: r.tensor('x'), bias: r.tensor('bias') }),
  attrs: biasActAttrs,
  check: ({ x, bias }, a) => checkBias(BiasAct, x, bias, a),
};

export const BIAS_ACT_GRAD: KernelSignature<BiasActGradInputs, BiasActAttrs> = {
  name: BiasActGrad,
  inputs: (r) => ({ dy: r.tensor('dy'), x: r.tensor('x'), bias: r.tensor('bias') }),
  attrs: biasActAttrs,
  check: ({ dy, x, bias }, a) => {
    if (!sameShape(dy, x)) fail(BiasActGrad, "dy must have x's shape", { dy, x });
    checkBias(BiasActGrad, x, bias, a);
  },
};

const attentionAttrs = (r: AttrReader): AttentionAttrs => ({ scale: r.number('scale'), ...dropoutAttrs(r) });

function checkAttention(kernel: string, x: AttentionInputs, a: AttentionAttrs): void {
  const { b, nk } = asKernelError(kernel, () => attentionDims(x.q.shape, x.k.shape));
  if (!sameShape(x.v, x.k)) fail(kernel, "v must have k's shape", { k: x.k, v: x.v });
  if (x.bias !== undefined && x.bias.shape.join(',') !== `${b},1,1,${nk}`)
    fail(kernel, `bias must have shape [${b},1,1,${nk}]`, { k: x.k, bias: x.bias });
  checkRate(kernel, a.rate);
}

export const ATTENTION: KernelSignature<AttentionInputs, AttentionAttrs> = {
  name: Attention,
  inputs: (r) => ({ q: r.tensor('q'), k: r.tensor('k'), v: r.tensor('v'), bias: r.optional('bias') }),
  attrs: attentionAttrs,
  check: (x, a) => checkAttention(Attention, x, a),
};

function attentionGrad(name: string): KernelSignature<AttentionGradInputs, AttentionAttrs> {
  return {
    name,
    inputs: (r) => ({
      q: r.tensor('q'),
      k: r.tensor('k'),
      v: r.tensor('v'),
      bias: r.optional('bias'),
      ol: r.tensor('ol'),
      dy: r.tensor('dy'),
    }),
    attrs: attentionAttrs,
    check: (x, a) => {
      checkAttention(name, x, a);
      if (!sameShape(x.dy, x.q)) fail(name, "dy must have q's shape", { q: x.q, dy: x.dy });
      const rows = sizeOf(x.q) / (x.q.shape[3] || 1);
      if (sizeOf(x.ol) !== sizeOf(x.q) + 2 * rows)
        fail(name, `ol must hold O and two statistics per query row, ${sizeOf(x.q) + 2 * rows} values`, {
          q: x.q,
          ol: x.ol,
        });
    },
  };
}

export const ATTENTION_GRAD_Q = attentionGrad(AttentionGradQ);
export const ATTENTION_GRAD_KV = attentionGrad(AttentionGradKV);

export const BATCH_NOISE: KernelSignature<Record<string, never>, BatchNoiseAttrs> = {
  name: BatchNoise,
  inputs: () => ({}),
  attrs: (r) => ({
    rows: r.integer('rows'),
    dim: r.integer('dim'),
    part: r.oneOf('part', [0, 1] as const),
    key0: r.integer('key0'),
    key1: r.integer('key1'),
    rowOffset: r.integer('rowOffset'),
  }),
  check: (_x, a) => void asKernelError(BatchNoise, () => batchNoiseShape(a)),
};

export const MATMUL_F16: KernelSignature<MatMulF16Inputs, MatMulF16Attrs> = {
  name: MatMulF16,
  inputs: (r) => ({ a: r.tensor('a'), b: r.tensor('b') }),
  attrs: (r) => ({ transposeA: r.boolean('transposeA'), transposeB: r.boolean('transposeB') }),
  check: ({ a, b }, at) => void asKernelError(MatMulF16, () => matMulF16Dims(a.shape, b.shape, at)),
};

export const SLICED_MATMUL: KernelSignature<SlicedMatMulInputs, Record<string, never>> = {
  name: SlicedMatMul,
  inputs: (r) => ({ a: r.tensor('a'), b: r.tensor('b') }),
  attrs: () => ({}),
  check: ({ a, b }) => void asKernelError(SlicedMatMul, () => slicedMatMulDims(a.shape, b.shape)),
};

export const MULTI_ADAM: KernelSignature<MultiAdamInputs, MultiAdamAttrs> = {
  name: MultiAdam,
  pack: packMultiAdamInputs,
  inputs: (r) => {
    const x = asKernelError(MultiAdam, () => unpackMultiAdamInputs(r.list()));
    if (x.segments.dtype !== 'int32')
      throw new KernelInputError(`${MultiAdam}: segments must be int32, got ${x.segments.dtype}`);
    r.computes(x.state, x.loss, ...x.params, ...x.grads);
    return x;
  },
  attrs: (r) => ({
    alpha: r.number('alpha'),
    beta1: r.number('beta1'),
    beta2: r.number('beta2'),
    epsilon: r.number('epsilon'),
    clipNorm: r.number('clipNorm'),
  }),
  check: (x) => {
    const n = x.params.length;
    const sizes = x.params.map(sizeOf);
    const P = sizes.reduce((p, s) => p + s, 0);
    if (sizeOf(x.state) !== 3 * P + 1)
      throw new KernelInputError(`${MultiAdam}: state of ${sizeOf(x.state)} values for ${P} parameters`);
    if (sizeOf(x.loss) !== 1)
      throw new KernelInputError(`${MultiAdam}: loss must be a scalar, got [${x.loss.shape.join(',')}]`);
    if (sizeOf(x.segments) !== n + 1)
      throw new KernelInputError(`${MultiAdam}: segments must be (${n + 1},), got [${x.segments.shape.join(',')}]`);
    x.grads.forEach((g, k) => {
      if (sizes[k] !== sizeOf(g))
        throw new KernelInputError(`${MultiAdam}: gradient ${k} has ${sizeOf(g)} values, its variable ${sizes[k]}`);
    });
  },
};

/** tfjs's own Identity, which the wasm backend's override (wasm/identity.ts) implements. */
export const IDENTITY: KernelSignature<{ x: TensorInfo }, Record<string, never>> = {
  name: Identity,
  inputs: (r) => ({ x: r.tensor('x') }),
  attrs: () => ({}),
  check: () => {},
};
