/**
 * Reference implementations: the definition of every kernel in plain TypeScript over typed arrays. They
 * are the tests' oracle for the wasm and webgpu kernels and, registered for the cpu backend, its kernels.
 */
import type { DmcKernel } from '../types.ts';
import { dropoutCpuConfig } from './dropout.ts';
import { takeSliceCpuConfig } from './take-slice.ts';
import { columnSumCpuConfig, layerNormCpuConfig, layerNormGradCpuConfig, layerNormParamGradCpuConfig } from './layer-norm.ts';
import { biasActCpuConfig, biasActGradCpuConfig } from './bias-act.ts';
import { batchNoiseCpuConfig } from './batch-noise.ts';
import { attentionCpuConfig, attentionGradKVCpuConfig, attentionGradQCpuConfig } from './attention.ts';
import { matMulF16CpuConfig } from './matmul-f16.ts';
import { slicedMatMulCpuConfig } from './sliced-matmul.ts';

export { takeSliceReference } from './take-slice.ts';
export { slicedMatMulReference } from './sliced-matmul.ts';
export { dropoutConstants, dropoutMaskReference, dropoutValues } from './dropout.ts';
export { clipScaleReference, multiAdamHalted, multiAdamReference, multiAdamSegments, multiAdamStateSize } from './multi-adam.ts';
export { columnSumReference, layerNormGradReference, layerNormParamGradReference, layerNormReference } from './layer-norm.ts';
export { activationDerivative, activationValue, biasActGradReference, biasActReference, erfApprox, MISH_EXP_CAP } from './bias-act.ts';
export { batchNoiseReference, batchNoiseShape } from './batch-noise.ts';
export { attentionBackwardReference, attentionDims, attentionForwardReference, type AttentionDims } from './attention.ts';
export { F16_MAX, matMulF16Dims, matMulF16Reference, roundArrayToF16, roundToF16, type MatMulF16Dims } from './matmul-f16.ts';

export const CPU_KERNELS: readonly DmcKernel[] = [
  { config: takeSliceCpuConfig, dtypes: ['float32', 'int32', 'bool'] },
  { config: dropoutCpuConfig, dtypes: ['float32'] },
  { config: layerNormCpuConfig, dtypes: ['float32'] },
  { config: layerNormGradCpuConfig, dtypes: ['float32'] },
  { config: layerNormParamGradCpuConfig, dtypes: ['float32'] },
  { config: columnSumCpuConfig, dtypes: ['float32'] },
  { config: biasActCpuConfig, dtypes: ['float32'] },
  { config: biasActGradCpuConfig, dtypes: ['float32'] },
  { config: attentionCpuConfig, dtypes: ['float32'] },
  { config: attentionGradQCpuConfig, dtypes: ['float32'] },
  { config: attentionGradKVCpuConfig, dtypes: ['float32'] },
  { config: batchNoiseCpuConfig, dtypes: ['float32'] },
  { config: matMulF16CpuConfig, dtypes: ['float32'] },
  { config: slicedMatMulCpuConfig, dtypes: ['float32'] },
];
