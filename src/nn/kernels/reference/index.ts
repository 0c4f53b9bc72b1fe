/**
 * Reference implementations: the definition of every kernel in plain TypeScript over typed arrays. They
 * are the tests' oracle for the wasm and webgpu kernels and, registered for the cpu backend, its kernels.
 */
import type { DmcKernel } from '../types.ts';
import { dropoutCpuConfig } from './dropout.ts';
import { takeSliceCpuConfig } from './take-slice.ts';
import { attentionCpuConfig, attentionGradKVCpuConfig, attentionGradQCpuConfig } from './attention.ts';

export { takeSliceReference } from './take-slice.ts';
export { dropoutConstants, dropoutMaskReference, dropoutValues } from './dropout.ts';
export { attentionBackwardReference, attentionDims, attentionForwardReference, type AttentionDims } from './attention.ts';

export const CPU_KERNELS: readonly DmcKernel[] = [
  { config: takeSliceCpuConfig, dtypes: ['float32', 'int32', 'bool'] },
  { config: dropoutCpuConfig, dtypes: ['float32'] },
  { config: attentionCpuConfig, dtypes: ['float32'] },
  { config: attentionGradQCpuConfig, dtypes: ['float32'] },
  { config: attentionGradKVCpuConfig, dtypes: ['float32'] },
];
