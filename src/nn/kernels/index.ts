/**
 * This project's own tfjs kernels — the only code under src/ that reaches into a backend's internals.
 * names.ts declares each kernel's name, inputs and attributes; reference/ holds the plain-TS
 * definitions (the cpu backend's kernels and the tests' oracle); wasm/ and webgpu/ the backend
 * implementations; register.ts the one list that backend setup registers. The differentiable ops that
 * call these kernels live in ../ops/.
 */
export { Dropout, type DropoutAttrs, type DropoutInputs, TakeSlice, type TakeSliceAttrs, type TakeSliceInputs } from './names.ts';
export { KERNELS, registerKernels, hasKernel } from './register.ts';
export { dropoutConstants, dropoutMaskReference, dropoutValues, takeSliceReference } from './reference/index.ts';
export { PHILOX_WGSL } from './webgpu/index.ts';
export type { DmcKernel } from './types.ts';
export {
  Attention,
  AttentionGradKV,
  AttentionGradQ,
  type AttentionAttrs,
  type AttentionGradInputs,
  type AttentionInputs,
} from './names.ts';
export { attentionBackwardReference, attentionDims, attentionForwardReference, type AttentionDims } from './reference/index.ts';
export { ATTENTION_MAX_DIM } from './webgpu/index.ts';
