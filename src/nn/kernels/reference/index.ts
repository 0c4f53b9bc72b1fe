/**
 * Reference implementations: the definition of every kernel in plain TypeScript over typed arrays. They
 * are the tests' oracle for the wasm and webgpu kernels and the cpu backend's kernels (../cpu/).
 */
export { takeSliceReference } from './take-slice.ts';
export { slicedMatMulReference } from './sliced-matmul.ts';
export { dropoutConstants, dropoutMaskReference, dropoutValues } from './dropout.ts';
export {
  clipScaleReference,
  multiAdamHalted,
  multiAdamReference,
  multiAdamSegments,
  multiAdamStateSize,
} from './multi-adam.ts';
export {
  columnSumReference,
  layerNormGradReference,
  layerNormParamGradReference,
  layerNormReference,
} from './layer-norm.ts';
export {
  activationDerivative,
  activationValue,
  biasActGradReference,
  biasActReference,
  erfApprox,
  MISH_EXP_CAP,
} from './bias-act.ts';
export { batchNoiseReference, batchNoiseShape } from './batch-noise.ts';
export {
  attentionBackwardReference,
  attentionDims,
  attentionForwardReference,
  type AttentionDims,
} from './attention.ts';
export {
  F16_MAX,
  matMulF16Dims,
  matMulF16Reference,
  roundArrayToF16,
  roundToF16,
  type MatMulF16Dims,
} from './matmul-f16.ts';
