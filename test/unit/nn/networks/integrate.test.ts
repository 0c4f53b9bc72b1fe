import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Approximator, defaultNetworkConfig, fitStandardization, samplePosterior } from '../../../../src/nn/index.ts';
import { integrate } from '../../../../src/nn/networks/integrate.ts';
import { maxAbsDiff, randomBatch, useWasm } from '../helpers.ts';

beforeAll(useWasm);

describe('fixed-step integrators on fields with known solutions', () => {
  const x0 = () => tf.tensor2d([[1, -2]]);

  it('dx/dt = x: Euler gives (1 + 1/n)^n, RK4 (1 + h + h²/2 + h³/6 + h⁴/24)^n, both → e·x0', async () => {
    const f = (x: tf.Tensor2D) => x;
    const euler = await integrate(f, x0(), 'euler', 100).data();
    const rk4 = await integrate(f, x0(), 'rk4', 10).data();
    const h = 0.1;
    const rkFactor = (1 + h + (h * h) / 2 + h ** 3 / 6 + h ** 4 / 24) ** 10;
    expect(euler[0]).toBeCloseTo(1.01 ** 100, 4);
    expect(rk4[0]).toBeCloseTo(rkFactor, 5);
    expect(rk4[1]).toBeCloseTo(-2 * rkFactor, 5);
    // RK4 with 10 steps is far closer to e than Euler with 100.
    expect(Math.abs(rk4[0]! - Math.E)).toBeLessThan(1e-5);
    expect(Math.abs(euler[0]! - Math.E)).toBeGreaterThan(1e-2);
  });

  it('dx/dt = 2t: Euler uses t_k = k·Δt (x0 + (n−1)/n), RK4 is exact (x0 + 1)', async () => {
    const f = (x: tf.Tensor2D, t: number) => tf.fill(x.shape, 2 * t) as tf.Tensor2D;
    const euler = await integrate(f, x0(), 'euler', 100).data();
    const rk4 = await integrate(f, x0(), 'rk4', 3).data();
    expect(euler[0]).toBeCloseTo(1 + 0.99, 5);
    expect(rk4[0]).toBeCloseTo(2, 5);
    expect(rk4[1]).toBeCloseTo(-1, 5);
  });

  it('does not leak across steps and rejects bad arguments', () => {
    const before = tf.memory().numTensors;
    const x = x0();
    const out = integrate((v) => tf.mul(v, 0.5) as tf.Tensor2D, x, 'rk4', 7);
    tf.dispose([x, out]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => integrate((v) => v, x0(), 'euler', 0)).toThrow(/steps/);
  });
});

describe('samplePosterior', () => {
  const config = defaultNetworkConfig({
    embedDim: 8,
    numHeads: 2,
    mlpWidths: [8],
    numSeeds: 2,
    summaryDim: 4,
    flowWidths: [16, 16],
    paramDim: 3,
    dropout: 0.3,
  });
  const short = randomBatch(3, 6, 1, 3);
  const long = randomBatch(2, 10, 2, 3);

  it('shape n×S×P, deterministic for a seed, independent of chunking and padding, dropout off', async () => {
    const a = new Approximator(config, { seed: 5 });
    const st = fitStandardization([short, long]);
    const before = tf.memory().numTensors;
    const opts = { numSamples: 7, steps: 5, seed: 11 };
    const all = await samplePosterior(a, [short, long], st, opts);
    expect(all.length).toBe(5 * 7 * 3);
    expect(all.every(Number.isFinite)).toBe(true);
    // Chunks of one data set: no padding at all; same draws.
    const single = await samplePosterior(a, [short, long], st, { ...opts, chunkSize: 1 });
    expect(maxAbsDiff(all, single)).toBeLessThan(1e-4);
    // Same call again: identical (no dropout randomness in sampling).
    expect(maxAbsDiff(all, await samplePosterior(a, [short, long], st, opts))).toBe(0);
    // Another seed gives other draws.
    expect(maxAbsDiff(all, await samplePosterior(a, [short, long], st, { ...opts, seed: 12 }))).toBeGreaterThan(1e-2);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('draws are on the original scale: x = z·std + mean', async () => {
    const a = new Approximator(config, { seed: 6 });
    const st1 = { mean: Float64Array.from([0, 0, 0]), std: Float64Array.from([1, 1, 1]) };
    const st2 = { mean: Float64Array.from([10, -5, 300]), std: Float64Array.from([2, 0.5, 40]) };
    const opts = { numSamples: 4, steps: 3, seed: 1, method: 'rk4' as const };
    const z = await samplePosterior(a, short, st1, opts);
    const x = await samplePosterior(a, short, st2, opts);
    z.forEach((v, i) => expect(x[i]).toBeCloseTo(v * st2.std[i % 3]! + st2.mean[i % 3]!, 3));
    a.dispose();
  });

  it('runs the summary network once per data set, not once per draw or step', async () => {
    const a = new Approximator(config, { seed: 7 });
    const spy = vi.spyOn(a.summaryNetwork, 'apply');
    const st = fitStandardization(short);
    await samplePosterior(a, short, st, { numSamples: 50, steps: 20, seed: 1 });
    const rows = spy.mock.calls.reduce((acc, [x]) => acc + x.shape[0], 0);
    expect(rows).toBe(3);
    a.dispose();
  });

  it('reports progress in at least 20 steps by default, so a progress bar moves during the diagnostics', async () => {
    const a = new Approximator(config, { seed: 9 });
    const sets = randomBatch(100, 6, 3, 3);
    const seen: number[] = [];
    await samplePosterior(a, sets, fitStandardization(sets), {
      numSamples: 5,
      steps: 2,
      seed: 1,
      onProgress: (d) => seen.push(d),
    });
    expect(seen.length).toBeGreaterThanOrEqual(20);
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    a.dispose();
  });

  it('validates its options', async () => {
    const a = new Approximator(config, { seed: 8 });
    const st = fitStandardization(short);
    await expect(samplePosterior(a, short, st, { numSamples: 0, seed: 1 })).rejects.toThrow(/numSamples/);
    await expect(samplePosterior(a, randomBatch(2, 4, 1, 6), st, { numSamples: 2, seed: 1 })).rejects.toThrow(
      /expects 3/,
    );
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(samplePosterior(a, short, st, { numSamples: 2, seed: 1, signal: ctrl.signal })).rejects.toThrow();
    a.dispose();
  });
});
