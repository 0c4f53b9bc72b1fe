/**
 * WebGPU limits and errors (SwiftShader: 1 GiB per buffer). The planner reads the adapter's limits, so
 * the notebook's largest configuration (batch 128 × N 1000 × embed 128) is planned into passes whose
 * every tensor fits; and a tensor over the limit — which WebGPU reports only as an asynchronous
 * validation error while tfjs carries on — is caught by the error watch that training checks after each
 * step, with the GPU's own message. Runs last on its device: the device keeps the error.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it, vi } from 'vitest';
import { registerKernels } from '../../src/nn/kernels/index.ts';
import { autoMicroBatchSize, backendMemoryBudget, defaultNetworkConfig, GpuError, GpuErrorWatch } from '../../src/nn/index.ts';
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
