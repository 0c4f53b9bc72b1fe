/**
 * What the active backend's device allows, and the GPU errors it reports.
 *
 * Memory: on wasm and cpu a pass is bounded by the planner's default budget (the wasm heap). On webgpu the
 * adapter's `maxStorageBufferBindingSize` / `maxBufferSize` bound every single tensor (a tensor over them
 * is a validation error, after which tfjs carries on with invalid buffers); WebGPU does not expose the
 * device's memory size, so the pass budget is a stated heuristic: twice the largest buffer, between 1.5
 * and 8 GiB.
 *
 * Errors: WebGPU reports validation and out-of-memory errors asynchronously and a lost device through
 * `device.lost`; none reaches tfjs's callers, and tfjs runs on with invalid buffers. A `GpuErrorWatch`
 * lives for one trial's fit (or one sampling run): `scope()` wraps a step's work in error scopes,
 * whose results arrive with the step's loss read (no wait on the GPU), and errors outside any scope
 * reach it through `uncapturederror` from the moment it was made. So an error fails the trial it
 * happened in and not the next one; a lost device fails every later watch on it too.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MEMORY_BUDGET, type MemoryBudget } from './memory-budget.ts';
import { DEFAULT_OPS, fusedAttentionAvailable, type OpsOptions } from '../ops/index.ts';

interface GpuErrorLike {
  message: string;
  constructor: { name: string };
}

type ErrorFilter = 'validation' | 'out-of-memory' | 'internal';

interface DeviceLike {
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  addEventListener(type: 'uncapturederror', cb: (e: { error: GpuErrorLike }) => void): void;
  lost: Promise<{ reason?: string; message?: string }>;
  pushErrorScope(filter: ErrorFilter): void;
  popErrorScope(): Promise<GpuErrorLike | null>;
}

function webgpuDevice(): DeviceLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: DeviceLike }).device ?? null;
}

/**
 * Tensor and pass bounds of the active backend for the micro-batch planner, for a network running
 * `ops` with attention heads of `headDim` (default: the default ops' fused kernels).
 */
export function backendMemoryBudget(ops: OpsOptions = DEFAULT_OPS, headDim = 1): MemoryBudget {
  const device = webgpuDevice();
  if (device === null) return {};
  const maxBuffer = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  // 10 % under the limit: tfjs rounds buffer sizes up.
  const scores = Math.floor((0.9 * maxBuffer) / 4);
  const bytes = Math.min(8 * 2 ** 30, Math.max(DEFAULT_MEMORY_BUDGET, 2 * maxBuffer));
  // Fused attention (ops 'auto' here) never writes the scores: the planner drops their terms. Forced
  // composite, or heads too wide for the kernel, write them, and the planner must count them.
  return { scores, bytes, fusedAttention: fusedAttentionAvailable(ops, headDim), device: 'webgpu' };
}

/** A GPU error as a trial failure: what to do, in plain words, then the GPU's own message. */
export class GpuError extends Error {
  override readonly name = 'GpuError';
  /** The device is gone (every later GPU op fails), as opposed to one refused step. */
  readonly deviceLost: boolean;

  constructor(message: string, deviceLost = false) {
    super(message);
    this.deviceLost = deviceLost;
  }
}

const GB = 1e9;

/** The plain-language part of a GPU error message, where the message lets us tell what happened. */
export function explainGpuError(kind: string, message: string): string {
  // Dawn: "Buffer size (N) exceeds the max buffer size limit (M)", "Binding size (N) of [Buffer (label)] is
  // larger than the maximum storage buffer binding size (M)" (the second where a device's binding limit is
  // below its buffer limit: lavapipe's 128 MiB, seen in the tests; the label's parentheses sit in between).
  const sizes = /size \((\d+)\)(.*?(?:limit|max)[^(]*)\((\d+)\)/i.exec(message);
  if (sizes !== null) {
    const [asked, limit] = [Number(sizes[1]), Number(sizes[3])];
    return `the GPU refused a buffer of ${(asked / GB).toFixed(2)} GB (its limit is ${(limit / GB).toFixed(2)} GB): use a smaller batch, fewer trials per data set or a smaller network`;
  }
  if (/out.?of.?memory/i.test(kind) || /out of memory/i.test(message)) {
    return 'the GPU ran out of memory: use a smaller batch, fewer trials per data set or a smaller network';
  }
  return 'the GPU rejected this step';
}

function errorText(e: GpuErrorLike): string {
  const kind = e.constructor.name;
  return `${explainGpuError(kind, e.message)}. GPU error (${kind}): ${e.message.trim()}`;
}

/** Per device: the live watches (uncapturederror goes to each) and, once it happened, the loss. */
interface DeviceState {
  watches: Set<GpuErrorWatch>;
  lost: string | null;
}

const devices = new WeakMap<object, DeviceState>();

function stateOf(device: DeviceLike): DeviceState {
  let state = devices.get(device);
  if (state === undefined) {
    const s: DeviceState = { watches: new Set(), lost: null };
    state = s;
    devices.set(device, s);
    device.addEventListener('uncapturederror', (e) => {
      for (const w of s.watches) w.record(errorText(e.error));
    });
    void device.lost.then((info) => {
      s.lost =
        `the GPU device was lost, so nothing more can run on it: restart the app (reload the page). ` +
        `GPU device lost${info.reason ? ` (${info.reason})` : ''}: ${info.message ?? ''}`;
    });
  }
  return state;
}

const FILTERS: readonly ErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/**
 * GPU errors of one trial's work, as a GpuError; no-op off webgpu. Sees errors of its own scopes, and
 * uncaptured errors from its creation until `dispose()`; never those reported before it began.
 */
export class GpuErrorWatch {
  readonly #device: DeviceLike | null;
  readonly #state: DeviceState | null;
  #message: string | null = null;

  /** Watches `device` (default: the active backend's, when it is webgpu). */
  constructor(device: object | null = webgpuDevice()) {
    this.#device = device as DeviceLike | null;
    this.#state = this.#device === null ? null : stateOf(this.#device);
    this.#state?.watches.add(this);
  }

  /** Keeps the first error this watch saw (later ones are usually its consequences). */
  record(message: string): void {
    this.#message ??= message;
  }

  /**
   * Opens error scopes around work about to be queued; the returned function closes them and must be
   * called once, after the work was submitted (a tensor read submits tfjs's pending commands). Its
   * promise settles when the GPU has judged the work — it never rejects; an error is recorded here.
   */
  scope(): () => Promise<void> {
    const device = this.#device;
    if (device === null) return () => Promise.resolve();
    for (const f of FILTERS) device.pushErrorScope(f);
    return () => {
      const popped = FILTERS.map(() => device.popErrorScope());
      return Promise.allSettled(popped).then((results) => {
        for (const r of results) {
          if (r.status === 'fulfilled' && r.value !== null) this.record(errorText(r.value));
          else if (r.status === 'rejected') this.record(`the GPU error scope failed: ${String(r.reason)}`);
        }
      });
    };
  }

  /** Throws this watch's first error, or the device's loss, if any. */
  check(): void {
    const lost = this.#state?.lost ?? null;
    if (lost !== null) throw new GpuError(lost, true);
    if (this.#message !== null) throw new GpuError(this.#message);
  }

  /** Whether check() would throw. */
  get failed(): boolean {
    return this.#message !== null || (this.#state?.lost ?? null) !== null;
  }

  /** Stops listening for uncaptured errors (call when the trial's work is over). */
  dispose(): void {
    this.#state?.watches.delete(this);
  }
}
