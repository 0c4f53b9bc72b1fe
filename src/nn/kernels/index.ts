/**
 * This project's own tfjs kernels — the only code under src/ that reaches into a backend's internals.
 * names.ts declares each kernel's name, inputs and attributes; signatures.ts how a call is read and
 * which shapes are valid, shared by every backend through `defineKernel` (define.ts); reference/ holds
 * the plain-TS definitions (the tests' oracle), cpu/ the cpu backend's kernels over them, wasm/ and
 * webgpu/ the backend implementations; register.ts the one list that backend setup registers. The
 * differentiable ops that call these kernels live in ../ops/.
 */
export {
  Dropout,
  type DropoutAttrs,
  type DropoutInputs,
  TakeSlice,
  type TakeSliceAttrs,
  type TakeSliceInputs,
} from './names.ts';
export { SlicedMatMul, type SlicedMatMulInputs } from './names.ts';
export { KERNELS, registerKernels, hasKernel } from './register.ts';
export {
  dropoutConstants,
  dropoutMaskReference,
  dropoutValues,
  slicedMatMulReference,
  takeSliceReference,
} from './reference/index.ts';
export { PHILOX_WGSL } from './webgpu/index.ts';
export type { DmcKernel } from './types.ts';
export { KernelInputError } from './define.ts';
export { runKernel } from './run.ts';
export {
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
  MULTI_ADAM,
  SLICED_MATMUL,
  TAKE_SLICE,
} from './signatures.ts';
export { MultiAdam, packMultiAdamInputs, type MultiAdamAttrs, type MultiAdamInputs } from './names.ts';
export {
  clipScaleReference,
  multiAdamHalted,
  multiAdamReference,
  multiAdamSegments,
  multiAdamStateSize,
} from './reference/index.ts';
export {
  BiasAct,
  BiasActGrad,
  ColumnSum,
  LAYER_NORM_BLOCK_ROWS,
  LayerNorm,
  LayerNormGrad,
  LayerNormParamGrad,
  type BiasActAttrs,
  type BiasActGradInputs,
  type BiasActInputs,
  type BiasActivation,
  type ColumnSumAttrs,
  type ColumnSumInputs,
  type LayerNormAttrs,
  type LayerNormGradInputs,
  type LayerNormInputs,
  type LayerNormParamGradAttrs,
  type LayerNormParamGradInputs,
} from './names.ts';
export {
  activationDerivative,
  activationValue,
  biasActGradReference,
  biasActReference,
  columnSumReference,
  erfApprox,
  layerNormGradReference,
  layerNormParamGradReference,
  layerNormReference,
  MISH_EXP_CAP,
} from './reference/index.ts';
export {
  Attention,
  AttentionGradKV,
  AttentionGradQ,
  type AttentionAttrs,
  type AttentionGradInputs,
  type AttentionInputs,
} from './names.ts';
export {
  attentionBackwardReference,
  attentionDims,
  attentionForwardReference,
  type AttentionDims,
} from './reference/index.ts';
export { ATTENTION_MAX_DIM } from './webgpu/index.ts';
export { BatchNoise, type BatchNoiseAttrs } from './names.ts';
export { batchNoiseReference, batchNoiseShape } from './reference/index.ts';
export { variableGradsFreeing } from './tape.ts';
export { MatMulF16, type MatMulF16Attrs, type MatMulF16Inputs } from './names.ts';
export {
  F16_MAX,
  matMulF16Dims,
  matMulF16Reference,
  roundArrayToF16,
  roundToF16,
  type MatMulF16Dims,
} from './reference/index.ts';
export {
  hoistEnableDirectives,
  MATMUL_F16_TILE,
  matMulF16Wgsl,
  requestedFeatures,
  webgpuFeatures,
  type MatMulF16Layout,
  type MatMulF16Variant,
  type WebgpuFeatures,
} from './webgpu/index.ts';
