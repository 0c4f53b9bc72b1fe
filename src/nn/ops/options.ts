/**
 * Which implementation an op runs: a kernel of ../kernels/, tfjs's native op, or a composite of tfjs
 * ops. Chosen per forward pass through `ForwardContext.ops` (or an Approximator's `ops`), never through
 * module state, so two networks, a test and a benchmark in one process cannot change each other's path.
 */

/**
 * 'auto': on wasm, untransposed Dense gradients and sliced attention products above `sliceMinMacs`;
 * tfjs's native products elsewhere. 'native': tfjs's products everywhere. 'untransposed': both wasm
 * paths on every backend and at every size (tests compare it with 'native').
 */
export type MatMulStrategy = 'auto' | 'native' | 'untransposed';

export interface OpsOptions {
  readonly matmul: MatMulStrategy;
  /**
   * Smallest per-slice product (multiply-adds) that 'auto' splits into slices on wasm; Infinity never
   * splits (benchmarks of the unsliced path).
   */
  readonly sliceMinMacs: number;
  /**
   * Attention (scores, softmax, dropout, product with V; ./attention.ts). 'auto': the fused kernels on
   * webgpu (head dimension ≤ ATTENTION_MAX_DIM), the composite ops elsewhere; 'fused': the kernels on any
   * backend that has them (the cpu reference in tests); 'composite': tfjs ops everywhere.
   */
  readonly attention?: AttentionStrategy;
  /**
   * Precision of the Dense layers' products (`linear`). 'f32' (default): tfjs's float32 products. 'f16':
   * the mixed-precision `MatMulF16` kernel (operands rounded to binary16, float32 accumulation; forward and
   * backward), on webgpu (and the cpu reference); any other backend throws. Attention stays float32.
   */
  readonly matmulPrecision?: MatMulPrecision;
}

export type MatMulPrecision = 'f32' | 'f16';

export type AttentionStrategy = 'auto' | 'fused' | 'composite';

/**
 * Default `sliceMinMacs`: 2^14. Measured on the 2-core development machine (Node 20, tfjs 4.22 wasm,
 * idle), one training step of 8 sets, ms, by threshold (never split / 2^22 / 2^18 / 2^14 / always):
 * N = 500, e = 64: 5662 / 1304 / 1175 / 1193 / 1192; e = 128: 9820 / 2084 / 2016 / 2081 / 2029;
 * N = 100, e = 64: 343 / 330 / 176 / 189 / 193; N = 50: 148 / 155 / 147 / 119 / 109. Below 2^14 a
 * slice's dispatch costs about what the scalar loop does.
 */
export const DEFAULT_SLICE_MIN_MACS = 1 << 14;

export const DEFAULT_OPS: OpsOptions = Object.freeze({ matmul: 'auto', sliceMinMacs: DEFAULT_SLICE_MIN_MACS });

/** DEFAULT_OPS with `overrides`; the error names a bad value. */
export function opsOptions(overrides: Partial<OpsOptions> = {}): OpsOptions {
  const o = { ...DEFAULT_OPS, ...overrides };
  if (o.matmul !== 'auto' && o.matmul !== 'native' && o.matmul !== 'untransposed') {
    throw new Error(`ops.matmul must be 'auto', 'native' or 'untransposed', got ${JSON.stringify(o.matmul)}`);
  }
  if (typeof o.sliceMinMacs !== 'number' || !(o.sliceMinMacs >= 0)) {
    throw new Error(
      `ops.sliceMinMacs must be a non-negative number (or Infinity), got ${JSON.stringify(o.sliceMinMacs)}`,
    );
  }
  if (o.attention !== undefined && o.attention !== 'auto' && o.attention !== 'fused' && o.attention !== 'composite') {
    throw new Error(`ops.attention must be 'auto', 'fused' or 'composite', got ${JSON.stringify(o.attention)}`);
  }
  if (o.matmulPrecision !== undefined && o.matmulPrecision !== 'f32' && o.matmulPrecision !== 'f16') {
    throw new Error(`ops.matmulPrecision must be 'f32' or 'f16', got ${JSON.stringify(o.matmulPrecision)}`);
  }
  return Object.freeze(o);
}
