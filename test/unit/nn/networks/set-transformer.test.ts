import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import { Approximator, defaultNetworkConfig, type NetworkConfig } from '../../../../src/nn/index.ts';
import { maxAbsDiff, useWasm } from '../helpers.ts';

beforeAll(useWasm);

const small = (over: Partial<NetworkConfig> = {}): NetworkConfig =>
  defaultNetworkConfig({
    embedDim: 8,
    numHeads: 2,
    mlpWidths: [16, 16],
    numSeeds: 3,
    summaryDim: 5,
    flowWidths: [16],
    ...over,
  });

function randomSets(b: number, n: number, seed: number): Float32Array {
  const r = Rng.fromSeed(seed);
  return Float32Array.from({ length: b * n * 3 }, (_, i) => (i % 3 === 0 ? 0.3 + r.float() : r.float() < 0.5 ? 0 : 1));
}

async function summaries(
  a: Approximator,
  x: Float32Array,
  b: number,
  n: number,
  mask?: Float32Array,
): Promise<Float32Array> {
  return tf
    .tidy(() => a.summarize(tf.tensor3d(x, [b, n, 3]), mask ? tf.tensor2d(mask, [b, n]) : null))
    .data() as Promise<Float32Array>;
}

describe('SetTransformer parameter counts (docs/design/networks.md#set-transformer)', () => {
  it.each([
    [64, 428118],
    [128, 968854],
  ])('num_seeds 7, summary_dim 22, e = %i → %i; FlowMatching 543,750', (e, count) => {
    const a = new Approximator(defaultNetworkConfig({ embedDim: e, numSeeds: 7, summaryDim: 22 }), { seed: 1 });
    expect(a.parameterCounts).toEqual({ summary: count, inference: 543750, total: count + 543750 });
    a.dispose();
  });

  it('embedDim and dropout really act (the reference silently dropped them, docs/design/networks.md#hyperparameters-the-notebook-meant)', () => {
    const a = new Approximator(defaultNetworkConfig({ embedDim: 32, dropout: 0.2 }), { seed: 1 });
    expect(a.config.flowDropout).toBe(0.2);
    const b = new Approximator(defaultNetworkConfig({ embedDim: 64 }), { seed: 1 });
    expect(a.parameterCounts.summary).toBeLessThan(b.parameterCounts.summary);
    a.dispose();
    b.dispose();
  });
});

describe.each([
  ['SAB', null],
  ['ISAB', 4],
] as const)('summary invariances (%s)', (_label, numInducingPoints) => {
  it('permutation invariant over trials', async () => {
    const a = new Approximator(small({ numInducingPoints }), { seed: 3 });
    const b = 2;
    const n = 13;
    const x = randomSets(b, n, 1);
    const perm = Rng.fromSeed(9).shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const xp = new Float32Array(x.length);
    for (let s = 0; s < b; s++) {
      for (let k = 0; k < n; k++)
        xp.set(x.subarray((s * n + perm[k]!) * 3, (s * n + perm[k]! + 1) * 3), (s * n + k) * 3);
    }
    const s0 = await summaries(a, x, b, n);
    const s1 = await summaries(a, xp, b, n);
    expect(maxAbsDiff(s0, s1)).toBeLessThan(1e-5);
    // …but not invariant to changing the data: the summary does depend on the set.
    const s2 = await summaries(a, randomSets(b, n, 2), b, n);
    expect(maxAbsDiff(s0, s2)).toBeGreaterThan(1e-3);
    a.dispose();
  });

  it('padding never changes a summary (mask), whatever the padded rows contain', async () => {
    const a = new Approximator(small({ numInducingPoints }), { seed: 4 });
    const n = 9;
    const nMax = 16;
    const x = randomSets(1, n, 5);
    const alone = await summaries(a, x, 1, n);
    // Two sets in one batch: the 9-trial set padded to 16 with garbage, next to a full 16-trial set.
    const padded = randomSets(2, nMax, 6).map((v) => v * 50 - 7);
    padded.set(x, 0);
    const mask = new Float32Array(2 * nMax).fill(1);
    mask.fill(0, n, nMax);
    const both = await summaries(a, padded, 2, nMax, mask);
    expect(maxAbsDiff(both.subarray(0, 5), alone)).toBeLessThan(1e-5);
    // The full set is unaffected by its neighbour.
    const full = await summaries(a, padded.subarray(nMax * 3), 1, nMax);
    expect(maxAbsDiff(both.subarray(5), full)).toBeLessThan(1e-5);
    // Without the mask the padding would leak in (the test can fail).
    const leaked = await summaries(a, padded, 2, nMax);
    expect(maxAbsDiff(leaked.subarray(0, 5), alone)).toBeGreaterThan(1e-3);
    a.dispose();
  });
});
