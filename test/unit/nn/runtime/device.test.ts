// The GPU error watch's per-trial semantics on a stand-in device (the real one is in
// test/browser/webgpu-limits.test.ts): a watch sees its own scopes and uncaptured errors from its
// start on, never one reported before it began or to a watch already disposed; a lost device fails
// every watch, also those made after the loss.
import { describe, expect, it } from 'vitest';
import { explainGpuError, GpuError, GpuErrorWatch } from '../../../../src/nn/runtime/device.ts';

class GPUValidationError {
  constructor(readonly message: string) {}
}

/** What GpuErrorWatch uses of a GPUDevice: error scopes, uncapturederror and lost. */
class FakeDevice {
  readonly limits = { maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 1 << 30 };
  readonly #listeners: ((e: { error: GPUValidationError }) => void)[] = [];
  readonly #scopes: (GPUValidationError | null)[] = [];
  #loseWith: (info: { reason?: string; message?: string }) => void = () => undefined;
  readonly lost = new Promise<{ reason?: string; message?: string }>((resolve) => (this.#loseWith = resolve));

  addEventListener(_type: 'uncapturederror', cb: (e: { error: GPUValidationError }) => void): void {
    this.#listeners.push(cb);
  }
  pushErrorScope(): void {
    this.#scopes.push(null);
  }
  popErrorScope(): Promise<GPUValidationError | null> {
    if (this.#scopes.length === 0) return Promise.reject(new Error('OperationError: empty error scope stack'));
    return Promise.resolve(this.#scopes.pop()!);
  }
  /** A validation error: into the innermost open scope (the first one there wins), else uncaptured. */
  fail(message: string): void {
    const error = new GPUValidationError(message);
    const top = this.#scopes.length - 1;
    if (top >= 0) this.#scopes[top] ??= error;
    else for (const cb of this.#listeners) cb({ error });
  }
  lose(message: string): void {
    this.#loseWith({ reason: 'unknown', message });
  }
  get openScopes(): number {
    return this.#scopes.length;
  }
}

const TOO_BIG =
  'Buffer size (1152000000) exceeds the max buffer size limit (1073741824).\n - While calling [Device].CreateBuffer';
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('GpuErrorWatch', () => {
  it('an error reported before a watch began, or to a disposed one, does not fail the next', async () => {
    const device = new FakeDevice();
    const first = new GpuErrorWatch(device);
    device.fail(TOO_BIG);
    expect(() => first.check()).toThrow(GpuError);
    first.dispose();
    const second = new GpuErrorWatch(device);
    await tick();
    expect(second.failed).toBe(false);
    expect(() => second.check()).not.toThrow();
    // An uncaptured error while it is live does fail it, with the GPU's message after the plain words.
    device.fail(TOO_BIG);
    expect(() => second.check()).toThrow(
      /^the GPU refused a buffer of 1\.15 GB \(its limit is 1\.07 GB\): use a smaller batch.*GPU error \(GPUValidationError\): Buffer size \(1152000000\)/s,
    );
  });

  it("an error in a watch's scopes is its own: scopes are balanced and other watches stay clean", async () => {
    const device = new FakeDevice();
    const a = new GpuErrorWatch(device);
    const b = new GpuErrorWatch(device);
    const close = a.scope();
    expect(device.openScopes).toBe(3);
    device.fail('Binding size (2000000000) is larger than the maximum storage buffer binding size (1073741824).');
    const judged = close();
    expect(device.openScopes).toBe(0);
    await judged;
    expect(() => a.check()).toThrow(/refused a buffer of 2\.00 GB \(its limit is 1\.07 GB\)/);
    expect(b.failed).toBe(false);
    // A scope that saw nothing records nothing.
    await b.scope()();
    expect(b.failed).toBe(false);
  });

  it('a lost device fails every watch, also one made after the loss', async () => {
    const device = new FakeDevice();
    const before = new GpuErrorWatch(device);
    before.dispose();
    device.lose('Device was destroyed.');
    await tick();
    expect(() => before.check()).toThrow(
      /device was lost.*restart.*GPU device lost \(unknown\): Device was destroyed\./,
    );
    let thrown: unknown;
    try {
      new GpuErrorWatch(device).check();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(GpuError);
    expect((thrown as GpuError).deviceLost).toBe(true);
  });

  it('off webgpu (no device) it never fails and its scopes are no-ops', async () => {
    const w = new GpuErrorWatch(null);
    await w.scope()();
    expect(w.failed).toBe(false);
    expect(() => w.check()).not.toThrow();
  });
});

describe('explainGpuError', () => {
  it('names the refused size and the limit, out of memory, or neither', () => {
    expect(explainGpuError('GPUValidationError', TOO_BIG)).toMatch(
      /^the GPU refused a buffer of 1\.15 GB \(its limit is 1\.07 GB\)/,
    );
    expect(explainGpuError('GPUOutOfMemoryError', 'Allocation failed')).toMatch(
      /^the GPU ran out of memory: use a smaller batch/,
    );
    expect(explainGpuError('GPUValidationError', 'Invalid bind group layout (12)')).toBe('the GPU rejected this step');
    // lavapipe's binding limit (128 MiB) is below its buffer limit: Dawn's binding message, a label in between.
    const binding =
      'Binding size (1128960000) of [Buffer (unlabeled)] is larger than the maximum storage buffer binding size (134217728).\n - While validating entries[0]';
    expect(explainGpuError('GPUValidationError', binding)).toMatch(
      /^the GPU refused a buffer of 1\.13 GB \(its limit is 0\.13 GB\): use a smaller batch/,
    );
  });
});
