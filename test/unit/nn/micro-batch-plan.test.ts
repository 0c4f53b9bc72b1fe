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
  microRanges,
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

describe('the plan with fused attention (webgpu)', () => {
  it('drops the score terms: a larger micro-batch, the wasm plan unchanged', () => {
    for (const e of [64, 128]) {
      const c = net(e);
      const plain = trainingPassBytes(c, 1000);
      expect(trainingPassBytes(c, 1000, { fusedAttention: false })).toEqual(plain);
      const fused = trainingPassBytes(c, 1000, { fusedAttention: true });
      expect(plain.perSet - fused.perSet).toBeCloseTo((c.numAttentionBlocks / 2) * 145 * c.numHeads * 1000 * 1000, -3);
      expect(fused.fixed).toBe(plain.fixed);
      // The wasm budget at N 1000: 1 set per pass unfused, 2 (e 128) to 4 (e 64) fused.
      expect(autoMicroBatchSize(c, 1000, { fusedAttention: true })).toBeGreaterThanOrEqual(2 * autoMicroBatchSize(c, 1000));
    }
  });

  it('bounds the largest tensor by the N · embed tensors, not N²', () => {
    const c = net(128);
    expect(largestTensorPerSet(c, 1000, { fusedAttention: true })).toBe(Math.max(2 * c.numHeads * 1000 * 128, 1000 * c.numHeads * 128));
    // 128 MiB bindings (WebGPU's default) and 8 GiB: the scores bound 8 sets unfused; fused, the bytes bound 15.
    const budget = { scores: (128 * 2 ** 20) / 4, bytes: 8 * 2 ** 30 };
    const unfused = autoMicroBatchSize(c, 1000, budget);
    expect(unfused).toBeLessThanOrEqual(Math.floor(budget.scores / (c.numHeads * 1000 * 1000)));
    expect(autoMicroBatchSize(c, 1000, { ...budget, fusedAttention: true })).toBeGreaterThanOrEqual(2 * unfused);
  });

  it('heads wider than the kernels take keep the unfused estimate', () => {
    const c = net(256);
    expect(trainingPassBytes(c, 500, { fusedAttention: true })).toEqual(trainingPassBytes(c, 500));
  });
});

describe('the webgpu plan (this project kernels: fused attention, LayerNorm, bias + activation)', () => {
  // Peak GPU buffer bytes in use of single-pass steps, measured with the Dawn profiler
  // (bench/nn-step.ts --counts compile-only --micro-batch M --batch M; SwiftShader, 7 seeds, summary 22).
  const measured: [embed: number, numObs: number, sets: number, bytes: number][] = [
    [64, 100, 64, 612_809_976],
    [64, 500, 64, 2_935_138_552],
    [64, 1000, 16, 1_474_139_128],
    [128, 100, 64, 1_046_278_648],
    [128, 500, 16, 1_281_104_628],
    [128, 1000, 4, 654_514_872],
  ];
  const webgpu = { fusedAttention: true, device: 'webgpu' } as const;

  it.each(measured)('e %i × N %i × %i sets: the fit (before its pool allowance) within 2 % of the measured peak', (e, n, sets, bytes) => {
    const c = defaultNetworkConfig({ embedDim: e, numSeeds: 7, summaryDim: 22, dropout: 0.1 });
    const { perSet, fixed } = trainingPassBytes(c, n, webgpu);
    expect(Math.abs((perSet / 1.2) * sets + fixed - bytes) / bytes).toBeLessThan(0.02);
  });

  it('batch 64 × N 500 × e 64 is one pass where the budget is 4 GiB or more, two under 2 GiB (SwiftShader)', () => {
    const c = defaultNetworkConfig({ embedDim: 64, numSeeds: 7, summaryDim: 22, dropout: 0.1 });
    expect(autoMicroBatchSize(c, 500, { ...webgpu, bytes: 4 * 2 ** 30, scores: 2 ** 30 })).toBeGreaterThanOrEqual(64);
    const swiftShader = autoMicroBatchSize(c, 500, { ...webgpu, bytes: 2 * 2 ** 30, scores: 241_591_910 });
    expect(Math.ceil(64 / swiftShader)).toBe(2);
    // The wasm fit would have split the same batch six ways.
    expect(Math.ceil(64 / autoMicroBatchSize(c, 500, { fusedAttention: true, bytes: 2 * 2 ** 30, scores: 241_591_910 }))).toBe(6);
  });
});

describe('microRanges', () => {
  it('covers the batch in the fewest slices of at most `micro`, sizes within one of each other', () => {
    for (let size = 1; size <= 70; size++) {
      for (const micro of [1, 2, 3, 7, 12, 35, 64, 100]) {
        const r = microRanges(size, micro);
        expect(r.length).toBe(Math.ceil(size / micro));
        expect(r[0]![0]).toBe(0);
        expect(r.at(-1)![1]).toBe(size);
        r.forEach(([a, b], k) => {
          if (k > 0) expect(a).toBe(r[k - 1]![1]);
          expect(b - a).toBeLessThanOrEqual(micro);
        });
        const sizes = r.map(([a, b]) => b - a);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
    expect(microRanges(64, 35)).toEqual([[0, 32], [32, 64]]);
  });
});
