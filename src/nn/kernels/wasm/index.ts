/** Kernels of the tfjs wasm backend, with the dtypes each handles (see ../register.ts). */
import type { KernelConfig } from '@tensorflow/tfjs';
import type { DmcKernel } from '../types.ts';
import { dropoutWasmConfig } from './dropout.ts';
import { takeSliceWasmConfig } from './take-slice.ts';
import { batchNoiseWasmConfig } from './batch-noise.ts';
import { slicedMatMulWasmConfig } from './sliced-matmul.ts';
import { identityWasmConfig } from './identity.ts';

export const WASM_KERNELS: readonly DmcKernel[] = [
  { config: takeSliceWasmConfig, dtypes: ['float32'] },
  { config: dropoutWasmConfig, dtypes: ['float32'] },
  { config: batchNoiseWasmConfig, dtypes: ['float32'] },
  { config: slicedMatMulWasmConfig, dtypes: ['float32'] },
];

/** Replacements of tfjs's own wasm kernels (registered over them; see ../register.ts). */
export const WASM_OVERRIDES: readonly KernelConfig[] = [identityWasmConfig];
