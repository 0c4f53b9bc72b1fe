/** Kernels of the tfjs wasm backend, with the dtypes each handles (see ../register.ts). */
import type { DmcKernel } from '../types.ts';
import { dropoutWasm } from './dropout.ts';
import { takeSliceWasm } from './take-slice.ts';
import { batchNoiseWasm } from './batch-noise.ts';
import { slicedMatMulWasm } from './sliced-matmul.ts';
import { identityWasm } from './identity.ts';

export const WASM_KERNELS: readonly DmcKernel[] = [takeSliceWasm, dropoutWasm, batchNoiseWasm, slicedMatMulWasm];

/** Replacements of tfjs's own wasm kernels (registered over them; see ../register.ts). */
export const WASM_OVERRIDES: readonly DmcKernel[] = [identityWasm];
