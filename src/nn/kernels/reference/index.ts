/**
 * Reference implementations: the definition of every kernel in plain TypeScript over typed arrays. They
 * are the tests' oracle for the wasm and webgpu kernels and, registered for the cpu backend, its kernels.
 */
import type { DmcKernel } from '../types.ts';
import { dropoutCpuConfig } from './dropout.ts';
import { takeSliceCpuConfig } from './take-slice.ts';

export { takeSliceReference } from './take-slice.ts';
export { dropoutConstants, dropoutMaskReference, dropoutValues } from './dropout.ts';
export { clipScaleReference, multiAdamHalted, multiAdamReference, multiAdamSegments, multiAdamStateSize } from './multi-adam.ts';

export const CPU_KERNELS: readonly DmcKernel[] = [
  { config: takeSliceCpuConfig, dtypes: ['float32', 'int32', 'bool'] },
  { config: dropoutCpuConfig, dtypes: ['float32'] },
];
