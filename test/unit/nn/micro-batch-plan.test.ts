/**
 * The micro-batch planner: a pass's estimated peak stays inside the memory budget, its largest tensor
 * inside a GPU's buffer limit, and a data set that cannot fit even alone fails with a plain message
 * before anything is allocated. (The measured peaks are checked in wasm-memory-sweep.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { defaultNetworkConfig } from '../../../src/nn/index.ts';
import {
  autoMicroBatchSize,
  DEFAULT_MEMORY_BUDGET,
  largestTensorPerSet,
  MemoryBudgetError,
  trainingPassBytes,
} from '../../../src/nn/training/batches.ts';

const net = (embedDim: number) => defaultNetworkConfig({ embedDim, numSeeds: 8, summaryDim: 32, dropout: 0.3 });

describe('autoMicroBatchSize', () => {
  it('the configuration that aborted wasm (e 128, N 200) gets a pass inside the budget, not 52 sets', () => {
    const c = net(128);
    const m = autoMicroBatchSize(c, 200);
    const { perSet, fixed } = trainingPassBytes(c, 200);
    expect(m).toBeLessThan(52);
    expect(fixed + m * perSet).toBeLessThanOrEqual(DEFAULT_MEMORY_BUDGET);
    expect(fixed + (m + 1) * perSet).toBeGreaterThan(DEFAULT_MEMORY_BUDGET / 1.1);
  });

  it.each([50, 200, 500, 1000])('N %i: the estimate of a planned pass fits the budget at e 64 and 128', (n) => {
    for (const e of [64, 128]) {
      const c = net(e);
      const m = autoMicroBatchSize(c, n);
      const { perSet, fixed } = trainingPassBytes(c, n);
      expect(m).toBeGreaterThanOrEqual(1);
      expect(fixed + m * perSet).toBeLessThanOrEqual(DEFAULT_MEMORY_BUDGET);
    }
  });

  it('a GPU buffer limit bounds the largest tensor of the pass', () => {
    const c = net(128);
    const limitFloats = (128 * 2 ** 20) / 4; // WebGPU's default maxStorageBufferBindingSize, 128 MiB
    const m = autoMicroBatchSize(c, 1000, { scores: limitFloats, bytes: 8 * 2 ** 30 });
    expect(m * largestTensorPerSet(c, 1000)).toBeLessThanOrEqual(limitFloats);
    expect(m).toBeGreaterThanOrEqual(1);
  });

  it('a data set too large for the backend fails with a message naming sizes and what to change', () => {
    expect(() => autoMicroBatchSize(net(128), 5000)).toThrow(MemoryBudgetError);
    expect(() => autoMicroBatchSize(net(128), 5000)).toThrow(/one data set of 5000 trials needs about \d+\.\d+ GiB .* use fewer trials per data set or a smaller embed_dim/);
    expect(() => autoMicroBatchSize(net(64), 3000, { scores: 2 ** 22, bytes: 64 * 2 ** 30 })).toThrow(/tensor \(attention scores\).*in one buffer/);
  });
});
