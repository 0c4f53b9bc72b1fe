/**
 * WebGPU limits and errors (SwiftShader: 1 GiB per buffer). The planner reads the adapter's limits, so
 * the notebook's largest configuration (batch 128 × N 1000 × embed 128) is planned into passes whose
 * every tensor fits; and a tensor over the limit — which WebGPU reports only as an asynchronous
 * validation error while tfjs carries on — is caught by the error watch that training checks after each
 * step, with the GPU's own message. A watch sees only errors from its own start (or its scopes), so a
 * later trial on the same device is not failed by an earlier one's error; a lost device fails all.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it, vi } from 'vitest';
import { registerKernels } from '../../src/nn/kernels/index.ts';
import {
  autoMicroBatchSize,
  backendMemoryBudget,
  DEFAULT_OPS,
  defaultNetworkConfig,
  GpuError,
  GpuErrorWatch,
} from '../../src/nn/index.ts';
import { largestTensorPerSet } from '../../src/nn/training/batches.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

it('plans batch 128 × N 1000 × embed 128 within the adapter buffer limit', () => {
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const budget = backendMemoryBudget();
  expect(budget.scores! * 4).toBeLessThanOrEqual(limit);
  const config = defaultNetworkConfig({ embedDim: 128, numSeeds: 8, summaryDim: 32, dropout: 0.3 });
  const micro = autoMicroBatchSize(config, 1000, budget);
  expect(micro).toBeGreaterThanOrEqual(1);
  expect(micro * largestTensorPerSet(config, 1000) * 4).toBeLessThanOrEqual(limit);
  // The whole batch in one pass would need a 2 GB score tensor: over the limit.
  expect(128 * largestTensorPerSet(config, 1000) * 4).toBeGreaterThan(limit);
});

it('with attention forced composite the planner counts the scores, and refuses before training what cannot fit', () => {
  expect(backendMemoryBudget().fusedAttention).toBe(true);
  const composite = backendMemoryBudget({ ...DEFAULT_OPS, attention: 'composite' }, 4);
  expect(composite.fusedAttention).toBe(false);
  // 1 set × 64 heads × 2100² scores = 1.13 GB: over the 1 GiB limit even for one set.
  const config = defaultNetworkConfig({ embedDim: 4, numHeads: 64 });
  expect(() => autoMicroBatchSize(config, 2100, composite)).toThrow(/one data set of 2100 trials needs about/);
  expect(autoMicroBatchSize(config, 2100, backendMemoryBudget())).toBeGreaterThanOrEqual(1);
});

it('a tensor over the buffer limit surfaces as a GpuError with the GPU message', async () => {
  const watch = new GpuErrorWatch();
  expect(() => watch.check()).not.toThrow();
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const floats = Math.floor(device.limits.maxBufferSize / 4) + 2 ** 20;
  const before = tf.memory().numBytes;
  const big = tf.fill([floats], 1);
  try {
    await big.data();
  } catch {
    // Reading an invalid buffer may reject too; the watch is what training relies on.
  }
  big.dispose();
  await vi.waitFor(() => expect(watch.failed).toBe(true), { timeout: 20_000 });
  expect(() => watch.check()).toThrow(GpuError);
  expect(() => watch.check()).toThrow(/GPU error .*(size|limit)/i);
  expect(tf.memory().numBytes).toBe(before);
}, 60_000);

it('per trial on a real device: an earlier error does not fail a later watch, its own scope does, a loss fails all', async () => {
  // A device of its own (default limits: 256 MiB per buffer), so destroying it leaves tfjs's alone.
  const adapter = await navigator.gpu.requestAdapter();
  const device = await adapter!.requestDevice();
  const tooBig = (): GPUBuffer =>
    device.createBuffer({ size: device.limits.maxBufferSize + 4, usage: GPUBufferUsage.STORAGE });
  const first = new GpuErrorWatch(device);
  tooBig().destroy();
  // The browser forwards the call (and returns its error) when the queue is flushed.
  await device.queue.onSubmittedWorkDone();
  await vi.waitFor(() => expect(first.failed).toBe(true), { timeout: 20_000 });
  expect(() => first.check()).toThrow(
    /^the GPU refused a buffer of 0\.27 GB \(its limit is 0\.27 GB\).*GPU error \(GPUValidationError\)/s,
  );
  first.dispose();

  const second = new GpuErrorWatch(device);
  await device.queue.onSubmittedWorkDone();
  expect(second.failed).toBe(false);
  const third = new GpuErrorWatch(device);
  const close = second.scope();
  tooBig().destroy();
  await close();
  expect(() => second.check()).toThrow(/Buffer size \(\d+\) exceeds the max buffer size limit/);
  // Caught by second's scope, it never reached uncapturederror: the other live watch stays clean.
  await device.queue.onSubmittedWorkDone();
  expect(third.failed).toBe(false);

  device.destroy();
  await vi.waitFor(() => expect(third.failed).toBe(true), { timeout: 20_000 });
  expect(() => third.check()).toThrow(/^the GPU device was lost/);
  expect(() => new GpuErrorWatch(device).check()).toThrow(GpuError);
  second.dispose();
  third.dispose();
}, 60_000);
