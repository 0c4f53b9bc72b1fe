/**
 * Differentiable ops the network blocks are built from. Each chooses between a kernel of ../kernels/
 * and a composite of tfjs ops, by the active backend and the caller's explicit `OpsOptions`.
 */
export { DEFAULT_OPS, DEFAULT_SLICE_MIN_MACS, opsOptions, type AttentionStrategy, type MatMulStrategy, type OpsOptions } from './options.ts';
export { batchedMatMul, linear } from './matmul.ts';
export { slice2d } from './slice2d.ts';
export { dropoutOp, type DropoutKey } from './dropout.ts';
export { attentionOp, fusedAttentionAvailable, type AttentionDropout } from './attention.ts';
