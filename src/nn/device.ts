/**
 * What the active backend's device allows, and the GPU errors it reports.
 *
 * Memory: on wasm and cpu a pass is bounded by the planner's default budget (the wasm heap). On webgpu the
 * adapter's `maxStorageBufferBindingSize` / `maxBufferSize` bound every single tensor (a tensor over them
 * is a validation error, after which tfjs carries on with invalid buffers); WebGPU does not expose the
 * device's memory size, so the pass budget is a stated heuristic: twice the largest buffer, between 1.5
 * and 8 GiB.
 *
 * Errors: WebGPU reports validation and out-of-memory errors asynchronously (`uncapturederror`) and a lost
 * device through `device.lost`; neither reaches tfjs's callers. `GpuErrorWatch` records the first one,
 * and training checks it after every step — no wait on the GPU — and fails the trial with its message.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MEMORY_BUDGET, type MemoryBudget } from './training/batches.ts';
import { DEFAULT_OPS, fusedAttentionAvailable } from './ops/index.ts';

interface DeviceLike {
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  addEventListener(type: 'uncapturederror', cb: (e: { error: { message: string; constructor: { name: string } } }) => void): void;
  lost: Promise<{ reason?: string; message?: string }>;
}

function webgpuDevice(): DeviceLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return ((tf.backend() as unknown as { device?: DeviceLike }).device ?? null);
}

/** Tensor and pass bounds of the active backend for the micro-batch planner. */
export function backendMemoryBudget(): MemoryBudget {
  const device = webgpuDevice();
  if (device === null) return {};
  const maxBuffer = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  // 10 % under the limit: tfjs rounds buffer sizes up.
  const scores = Math.floor((0.9 * maxBuffer) / 4);
  const bytes = Math.min(8 * 2 ** 30, Math.max(DEFAULT_MEMORY_BUDGET, 2 * maxBuffer));
  // Attention runs fused here by default (ops 'auto'): the planner drops the score terms.
  return { scores, bytes, fusedAttention: fusedAttentionAvailable(DEFAULT_OPS, 1), device: 'webgpu' };
}

export class GpuError extends Error {
  override readonly name = 'GpuError';
}

const firstError = new WeakMap<object, { message: string | null }>();

/** The device's first reported error since the watch began, as a GpuError; no-op off webgpu. */
export class GpuErrorWatch {
  readonly #state: { message: string | null } | null;

  constructor() {
    const device = webgpuDevice();
    if (device === null) {
      this.#state = null;
      return;
    }
    let state = firstError.get(device);
    if (state === undefined) {
      const s: { message: string | null } = { message: null };
      state = s;
      firstError.set(device, s);
      device.addEventListener('uncapturederror', (e) => {
        s.message ??= `GPU error (${e.error.constructor.name}): ${e.error.message}`;
      });
      void device.lost.then((info) => {
        s.message ??= `GPU device lost${info.reason ? ` (${info.reason})` : ''}: ${info.message ?? ''}`;
      });
    }
    this.#state = state;
  }

  /** Throws the recorded error, if any. */
  check(): void {
    const m = this.#state?.message;
    if (m !== null && m !== undefined) throw new GpuError(m);
  }

  /** For tests: whether an error was recorded. */
  get failed(): boolean {
    return (this.#state?.message ?? null) !== null;
  }
}
