/**
 * Kernels of the tfjs webgpu backend: `Dropout` (Philox masks computed in the shader); `MultiAdam`
 * (clipnorm + Adam over all variables in two dispatches); LayerNorm forward, dx and parameter-gradient
 * partials, `ColumnSum`; bias + dropout + activation and its gradient; fused attention (`Attention`
 * with its two gradient kernels, see attention-webgpu.ts); `BatchNoise` (a step's flow-matching
 * noise). Ops without a kernel here take their composite path (tfjs's own kernels) on webgpu.
 *
 * Layout, as tfjs-backend-webgpu 4.22 lays out its own kernels (there: `src/softmax_webgpu.ts` and
 * `src/kernels/Softmax.ts`, listed in `src/register_all_kernels.ts`), one pair per kernel:
 *
 * - `programs/<name>-webgpu.ts` — a class implementing tfjs's `WebGPUProgram`: `variableNames` (the
 *   inputs, in order), `outputShape`, `shaderKey` (everything that changes the WGSL text, since tfjs
 *   caches compiled pipelines by it), `dispatchLayout` and `dispatch` (from `computeDispatch` over the
 *   output shape and `workgroupSize`), `uniforms` (scalars that vary per call without recompiling) and
 *   `getUserCode()`, the WGSL body that tfjs wraps with its header, bindings and index helpers.
 * - `<name>.ts` — the kernel, registered with `defineKernel` under its signature (../signatures.ts,
 *   which reads and checks the call as on every backend): checks what only webgpu limits, builds the
 *   program and runs it with `backend.runWebGPUProgram(program, inputs, dtype, uniformData)`.
 *
 * Each kernel is added to WEBGPU_KERNELS below with the dtypes it handles, has its reference in
 * ../reference/ (which the tests compare it with), and gets its gradient in the op that calls it
 * (`tf.customGrad` in ../../ops/), not from a registered gradient. WGSL has no 64-bit integers, and
 * workgroup storage defaults to 16 KiB: programs must state the limits they rely on.
 */
import type { DmcKernel } from '../types.ts';
import { dropoutWebgpu } from './dropout.ts';
import { multiAdamWebgpu } from './multi-adam.ts';
import { columnSumWebgpu, layerNormGradWebgpu, layerNormParamGradWebgpu, layerNormWebgpu } from './layer-norm.ts';
import { biasActGradWebgpu, biasActWebgpu } from './bias-act.ts';
import { batchNoiseWebgpu } from './batch-noise.ts';
import { attentionGradKVWebgpu, attentionGradQWebgpu, attentionWebgpu } from './attention.ts';
import { matMulF16Webgpu } from './matmul-f16.ts';

export const WEBGPU_KERNELS: readonly DmcKernel[] = [
  dropoutWebgpu,
  multiAdamWebgpu,
  layerNormWebgpu,
  layerNormGradWebgpu,
  layerNormParamGradWebgpu,
  columnSumWebgpu,
  biasActWebgpu,
  biasActGradWebgpu,
  attentionWebgpu,
  attentionGradQWebgpu,
  attentionGradKVWebgpu,
  batchNoiseWebgpu,
  matMulF16Webgpu,
];
export { PHILOX_WGSL } from './dropout-webgpu.ts';
export { ATTENTION_MAX_DIM } from './attention-webgpu.ts';
export {
  hoistEnableDirectives,
  registerWebgpuFactory,
  requestedFeatures,
  webgpuFeatures,
  type WebgpuFeatures,
} from './device.ts';
export { MATMUL_F16_TILE, matMulF16Wgsl, type MatMulF16Layout, type MatMulF16Variant } from './matmul-f16-webgpu.ts';
