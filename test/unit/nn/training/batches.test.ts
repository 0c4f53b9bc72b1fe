/**
 * The micro-batch planner: a pass's estimated peak stays inside the memory budget, its largest tensor
 * inside a GPU's buffer limit, and a data set that cannot fit even alone fails with a plain message
 * before anything is allocated. (The measured peaks are checked in wasm-memory-sweep.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { defaultNetworkConfig } from '../../../../src/nn/index.ts';
import {
  autoMicroBatchSize,
  largestTensorPerSet,
  MemoryBudgetError,
  trainingPassBytes,
  microRanges,
} from '../../../../src/nn/training/batches.ts';
import { DEFAULT_MEMORY_BUDGET } from '../../../../src/nn/runtime/memory-budget.ts';

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
    expect(() => autoMicroBatchSize(net(128), 5000)).toThrow(
      /one data set of 5000 trials needs about \d+\.\d+ GiB .* use fewer trials per data set or a smaller embed_dim/,
    );
    expect(() => autoMicroBatchSize(net(64), 3000, { scores: 2 ** 22, bytes: 64 * 2 ** 30 })).toThrow(
      /tensor \(attention scores\).*in one buffer/,
    );
  });
});

describe('the plan with fused attention (webgpu)', () => {
  it('drops the score terms: a larger micro-batch, the wasm plan unchanged', () => {
    for (const e of [64, 128]) {
      const c = net(e);
      const plain = trainingPassBytes(c, 1000);
      expect(trainingPassBytes(c, 1000, { fusedAttention: false })).toEqual(plain);
      const fused = trainingPassBytes(c, 1000, { fusedAttention: true });
      expect(plain.perSet - fused.perSet).toBeCloseTo((c.numAttentionBlocks / 2) * 39.4 * c.numHeads * 1000 * 1000, -3);
      expect(fused.fixed).toBe(plain.fixed);
      // The wasm budget at N 1000: 1 set per pass unfused, 2 (e 128) to 4 (e 64) fused.
      expect(autoMicroBatchSize(c, 1000, { fusedAttention: true })).toBeGreaterThanOrEqual(
        2 * autoMicroBatchSize(c, 1000),
      );
    }
  });

  it('bounds the largest tensor by the N · embed tensors, not N²', () => {
    const c = net(128);
    expect(largestTensorPerSet(c, 1000, { fusedAttention: true })).toBe(
      Math.max(2 * c.numHeads * 1000 * 128, 1000 * c.numHeads * 128),
    );
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
  // GPU buffer bytes allocated in single-pass steps: `npm run bench -- memory --backend webgpu`
  // (bench/nn-step.ts --counts compile-only --micro-batch M --batch M; SwiftShader, 8 seeds, summary 32,
  // dropout 0.28; 2026-12-01).
  const measured: [embed: number, numObs: number, sets: number, bytes: number][] = [
    [64, 100, 64, 404_853_484],
    [64, 500, 64, 1_829_353_452],
    [64, 1000, 16, 934_520_748],
    [64, 200, 32, 401_209_964],
    [128, 100, 64, 668_198_636],
    [128, 500, 16, 810_801_324],
    [128, 1000, 4, 439_174_620],
  ];
  const webgpu = { fusedAttention: true, device: 'webgpu' } as const;

  it.each(measured)('e %i × N %i × %i sets: the fit within 4 % of the measured peak', (e, n, sets, bytes) => {
    const c = defaultNetworkConfig({ embedDim: e, numSeeds: 8, summaryDim: 32, dropout: 0.28 });
    const { perSet, fixed } = trainingPassBytes(c, n, webgpu);
    expect(Math.abs(perSet * sets + fixed - bytes) / bytes).toBeLessThan(0.04);
  });

  it('batch 64 × N 500 × e 64 is one pass on SwiftShader (1 GiB buffers, a 2 GiB budget)', () => {
    const c = defaultNetworkConfig({ embedDim: 64, numSeeds: 7, summaryDim: 22, dropout: 0.1 });
    expect(autoMicroBatchSize(c, 500, { ...webgpu, bytes: 2 * 2 ** 30, scores: 241_591_910 })).toBeGreaterThanOrEqual(
      64,
    );
    // Half that budget: two passes.
    expect(Math.ceil(64 / autoMicroBatchSize(c, 500, { ...webgpu, bytes: 2 ** 30, scores: 241_591_910 }))).toBe(2);
    // The wasm fit would have split the same batch in two.
    expect(
      Math.ceil(64 / autoMicroBatchSize(c, 500, { fusedAttention: true, bytes: 2 * 2 ** 30, scores: 241_591_910 })),
    ).toBe(2);
  });
});

describe('the wasm plan', () => {
  // tfjs's peak tensor bytes of single passes: `npm run bench -- memory --backend wasm` (2026-12-01).
  const measured: [embed: number, numObs: number, sets: number, bytes: number][] = [
    [64, 50, 96, 661_713_468],
    [64, 100, 64, 910_982_716],
    [64, 200, 32, 988_968_764],
    [64, 500, 12, 1_156_169_244],
    [64, 1000, 3, 870_223_432],
    [64, 100, 8, 125_407_100],
    [128, 50, 64, 709_198_396],
    [128, 100, 32, 721_812_284],
    [128, 200, 16, 758_839_228],
    [128, 500, 6, 825_748_268],
    [128, 1000, 2, 716_707_376],
    [128, 500, 2, 289_637_004],
  ];
  it.each(measured)('e %i × N %i × %i sets: the fit within 4 % of the measured peak', (e, n, sets, bytes) => {
    const c = defaultNetworkConfig({ embedDim: e, numSeeds: 8, summaryDim: 32, dropout: 0.28 });
    const { perSet, fixed } = trainingPassBytes(c, n);
    expect(Math.abs(perSet * sets + fixed - bytes) / bytes).toBeLessThan(0.04);
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
    expect(microRanges(64, 35)).toEqual([
      [0, 32],
      [32, 64],
    ]);
  });
});
