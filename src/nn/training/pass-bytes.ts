/**
 * The micro-batch planner's memory model as a pure function (no tfjs), so the study configuration can
 * estimate a sampled network's memory before anything is built (src/study-config/budget.ts) with the
 * same figures the planner (./batches.ts) plans against.
 */
import type { NetworkConfig } from '../model/config.ts';

/**
 * Peak bytes of one training pass, per data set and fixed, for the notebook's architecture family:
 * per set, bytes per attention score entry (h·N·Nk, unfused attention only), per trial and embedding
 * unit (N·e), per trial, and per set, with 2 attention blocks, 4 heads and MLP widths (128, 128); fixed
 * ≈ 10.7 MB + 158 kB per embedding unit (weights, gradients, Adam moments). The terms scale with the
 * blocks, heads and MLP widths they come from, so other architectures get a proportional estimate.
 * Attention (N²) dominates at N = 1000 on the unfused path, the N·e projections below N ≈ 300, which a
 * score-count-only rule misses. The coefficients are measured, per backend, by `npm run bench -- memory`
 * (bench/memory.bench.ts: single passes over a grid of sizes, least squares in relative error).
 */
export function passBytes(
  config: NetworkConfig,
  numObs: number,
  pass: { fused: boolean; webgpu: boolean },
): { perSet: number; fixed: number } {
  const keys = config.numInducingPoints ?? numObs;
  const blocks = config.numAttentionBlocks / 2;
  const heads = config.numHeads / 4;
  const mlp = config.mlpWidths.reduce((a, b) => a + b, 0) / 256;
  const fit = pass.webgpu ? WEBGPU_FIT : WASM_FIT;
  const scores = pass.fused ? 0 : fit.perScore * (config.numHeads * numObs * keys);
  const perSet =
    blocks * (scores + fit.perTrialEmbed * heads * numObs * config.embedDim + fit.perTrial * mlp * numObs) + fit.perSet;
  const fixed = FIXED_BYTES.base + FIXED_BYTES.perEmbed * config.embedDim;
  return { perSet, fixed };
}

/** The fixed part of a pass: weights, gradients and Adam's moments (see passBytes). */
export const FIXED_BYTES = { base: 10.7e6, perEmbed: 158e3 } as const;

/** Bytes per set of a pass: per score entry, per trial and embedding unit, per trial, and per set (see passBytes). */
export interface PassFit {
  readonly perScore: number;
  readonly perTrialEmbed: number;
  readonly perTrial: number;
  readonly perSet: number;
}

/**
 * wasm: tfjs's peak tensor bytes of single passes (engine byte count after every kernel), 12 sizes
 * N 50 … 1000 × e 64 / 128, 2 … 96 sets, 8 seeds, summary 32, dropout 0.28; all within 4 % (2026-12-01,
 * after the backward pass began freeing gradients and saved tensors as it goes, ../kernels/tape.ts —
 * before it: 145 B per score, 3,040 per trial·embed, 113 kB per trial, 1.7 MB per set).
 */
export const WASM_FIT: PassFit = { perScore: 39.4, perTrialEmbed: 1174, perTrial: 38.2e3, perSet: 0.69e6 };

/**
 * webgpu with this project's kernels (fused attention, LayerNorm, bias + dropout + activation): the GPU
 * buffer bytes tfjs's buffer manager allocated in single-pass steps (the Dawn profiler, compile-only on
 * SwiftShader), 7 sizes N 100 … 1000 × e 64 / 128, all within 3.1 % (2026-12-01, with ../kernels/tape.ts;
 * before it the in-use peak of 64 sets × N 500 × e 64 was 2,935 MB, now 1,829 MB allocated). Allocated,
 * not in use: the pool keeps freed buffers for reuse, and equal passes (microRanges) reuse them. The
 * unfused attention path, off by default here, borrows wasm's bytes per score entry.
 */
const WEBGPU_FIT: PassFit = { perScore: WASM_FIT.perScore, perTrialEmbed: 647, perTrial: 15.6e3, perSet: 0.28e6 };
