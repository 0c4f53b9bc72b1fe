/**
 * The bounds a training pass must stay within: what the device affords (runtime/device.ts measures it
 * on webgpu) and what the micro-batch planner (training/batches.ts) plans against. Its own module so
 * that the device, below training, need not import the planner above it.
 */

/**
 * Default bound on the floats of the largest single tensor of a pass (the attention scores, or the
 * projections at small N): 2^23 floats = 32 MiB, where the backend states no per-buffer limit of its own.
 */
export const DEFAULT_ATTENTION_BUDGET = 1 << 23;

/**
 * Bytes one training pass (forward + backward) may hold at its peak. The wasm heap cannot outgrow 4 GiB
 * and a failed allocation aborts the whole wasm instance ("Aborted()", then "memory access out of
 * bounds" for everything after it), so a pass must stay well inside it whatever the configuration;
 * 1.5 GiB leaves room for the allocator's fragmentation across trials of different sizes.
 */
export const DEFAULT_MEMORY_BUDGET = 1.5 * 2 ** 30;

/** How a pass computes, where that changes what it holds. */
export interface PassOptions {
  /**
   * The backend runs attention as the fused kernels (../ops/attention.ts; webgpu): no (B, h, N, Nk)
   * tensor exists, so the per-score term drops out. What the fused pass holds instead (O, LSE, dK/dV:
   * N · embed per head) is of the projections' size, inside their term; with `device` 'webgpu' the
   * fit is the webgpu one (../training/batches.ts). Applies only where the head width allows (≤ ATTENTION_MAX_DIM).
   */
  fusedAttention?: boolean;
  /** 'webgpu': the pass runs this project's webgpu kernels, whose memory has its own fit (WEBGPU_FIT). */
  device?: 'webgpu';
}

export interface MemoryBudget extends PassOptions {
  /** Floats allowed in one tensor (a GPU buffer binding); default DEFAULT_ATTENTION_BUDGET. */
  scores?: number;
  /** Peak bytes of a pass; default DEFAULT_MEMORY_BUDGET. */
  bytes?: number;
}
