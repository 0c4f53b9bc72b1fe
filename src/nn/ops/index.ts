/**
 * Differentiable ops the network blocks are built from. Each chooses between a kernel of ../kernels/
 * and a composite of tfjs ops, by the active backend and the caller's explicit `OpsOptions`.
 */
export {
  DEFAULT_OPS,
  DEFAULT_SLICE_MIN_MACS,
  opsOptions,
  type AttentionStrategy,
  type MatMulStrategy,
  type OpsOptions,
} from './options.ts';
export type { MatMulPrecision } from './options.ts';
export { linearF16, matMulF16, matMulF16Available } from './matmul-f16.ts';
export { batchedMatMul, linear } from './matmul.ts';
export { slice2d } from './slice2d.ts';
export { dropoutOp, type DropoutKey } from './dropout.ts';
export { hasMultiAdam, multiAdamStep, type MultiAdamStep } from './multi-adam.ts';
export { activate, gelu, mish, type Activation } from './activations.ts';
export { layerNorm, layerNormComposite, layerNormFused } from './layer-norm.ts';
export { biasAct, biasActComposite, biasActFused, type BiasActDropout } from './bias-act.ts';
export { columnSum } from './column-sum.ts';
export { attentionOp, fusedAttentionAvailable, type AttentionDropout } from './attention.ts';
export { batchNoise, type NoiseKey } from './batch-noise.ts';
