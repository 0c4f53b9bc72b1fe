/**
 * Shared setup for the nn unit tests: the tfjs wasm backend in Node (≈ 20× faster than 'cpu',
 * docs/design/gpu-path.md#backend-selection), plus small DmcBatch-shaped data built by hand.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../../src/shared/rng.ts';
import { registerKernels } from '../../../src/nn/kernels/index.ts';
import type { SimBatch } from '../../../src/nn/index.ts';

/** The wasm backend with this project's kernels, as selectBackend('wasm') would set it up. */
export async function useWasm(): Promise<void> {
  registerKernels();
  if (tf.getBackend() !== 'wasm') {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tfjs wasm backend failed to initialise in Node');
  }
  await tf.ready();
}

export const PARAM_NAMES = ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'] as const;

/** Random data sets in the DmcBatch layout (not DMC dynamics; for shape/invariance tests). */
export function randomBatch(n: number, numObs: number, seed: number, paramDim = 6): SimBatch {
  const r = Rng.fromSeed(seed);
  return {
    n,
    numObs,
    paramNames: PARAM_NAMES.slice(0, paramDim),
    params: Float64Array.from({ length: n * paramDim }, () => r.normal()),
    rt: Float32Array.from({ length: n * numObs }, () => (r.float() < 0.02 ? -1 : 0.25 + r.float())),
    accuracy: Float32Array.from({ length: n * numObs }, () => (r.float() < 0.9 ? 1 : 0)),
    conditions: Float32Array.from({ length: n * numObs }, (_, i) => (i % numObs < Math.ceil(numObs / 2) ? 0 : 1)),
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * tfjs's peak tensor bytes over `fn`, as tf.profile computes it (the engine's byte count after every
 * kernel), without tf.profile's `Math.max(...records)`, which overflows the call stack past ~10^5 kernels
 * (one training step of 128 sets at N = 1000 runs more). Uses the engine's profiling switch directly.
 */
export async function peakBytesDuring(fn: () => Promise<void>): Promise<number> {
  const state = (
    tf.engine() as unknown as {
      state: { profiling: boolean; numBytes: number; activeProfile: { kernels: unknown } };
    }
  ).state;
  let peak = state.numBytes;
  const saved = state.activeProfile.kernels;
  state.activeProfile.kernels = {
    push: (k: { totalBytesSnapshot: number }) => void (peak = Math.max(peak, k.totalBytesSnapshot)),
  };
  state.profiling = true;
  try {
    await fn();
  } finally {
    state.profiling = false;
    state.activeProfile.kernels = saved;
  }
  return peak;
}
