/**
 * Several flow-matching draws per data set (FitOptions.flowDraws): the loss with K draws is the mean of
 * the K one-draw losses of the same sets (one summary pass serves all K), training with K draws is
 * independent of micro-batching (dropout rows numbered in the K-fold space), K = 1 is the plain path,
 * and a bad K is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Approximator, DataSets, defaultNetworkConfig, fit, fitStandardization } from '../../../../src/nn/index.ts';
import { batchKeys, uploadLossInputs } from '../../../../src/nn/training/batches.ts';
import { maxAbsDiff, randomBatch, useWasm } from '../helpers.ts';

beforeAll(useWasm);

const config = defaultNetworkConfig({
  embedDim: 8,
  numHeads: 2,
  mlpWidths: [8],
  numSeeds: 2,
  summaryDim: 4,
  flowWidths: [16, 16],
  paramDim: 3,
  dropout: 0.2,
});
const train = randomBatch(21, 6, 1, 3);
const val = randomBatch(10, 6, 2, 3);

describe('flow-matching draws per data set', () => {
  it('the K-draw loss is the mean of the K one-draw losses (inference mode)', async () => {
    const a = new Approximator(config, { seed: 3 });
    const sets = DataSets.from(train);
    const st = fitStandardization(train);
    const rows = Int32Array.from({ length: 6 }, (_, i) => i);
    const K = 4;
    const inputs = uploadLossInputs(sets, rows, 0, 6, st, batchKeys(11, 12, 0), K);
    expect(inputs.x0.shape).toEqual([6 * K, 3]);
    const all = (await a.loss(inputs, false).data())[0]!;
    // Draw k of every set: rows s·K + k of x0 and t.
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const pick = tf.tensor1d(
        Array.from({ length: 6 }, (_, s) => s * K + k),
        'int32',
      );
      const one = { ...inputs, x0: tf.gather(inputs.x0, pick), t: tf.gather(inputs.t, pick) };
      sum += (await a.loss(one, false).data())[0]!;
      tf.dispose([pick, one.x0, one.t]);
    }
    expect(Math.abs(all - sum / K) / Math.abs(all)).toBeLessThan(1e-5);
    for (const t of [inputs.summary, inputs.mask, inputs.sqrtNumObs, inputs.x1, inputs.x0, inputs.t]) t?.dispose();
    a.dispose();
  });

  it('training with K draws does not depend on micro-batching, differs from K = 1, and leaks nothing', async () => {
    const run = async (microBatchSize: number, flowDraws: number) => {
      const a = new Approximator(config, { seed: 3 });
      const h = await fit(a, train, val, { epochs: 2, batchSize: 8, lr: 1e-3, seed: 7, microBatchSize, flowDraws });
      const w = await a.getWeights();
      a.dispose();
      return { h, w };
    };
    const before = tf.memory().numTensors;
    const whole = await run(8, 5);
    const split = await run(3, 5);
    const plain = await run(8, 1);
    expect(tf.memory().numTensors).toBe(before);
    const rel = (x: number[], y: number[]) => maxAbsDiff(x, y) / Math.max(...x.map(Math.abs));
    expect(rel(whole.h.loss, split.h.loss)).toBeLessThan(1e-5);
    whole.w.forEach((w, i) => expect(maxAbsDiff(w.data, split.w[i]!.data)).toBeLessThan(1e-4));
    expect(rel(whole.h.loss, plain.h.loss)).toBeGreaterThan(1e-4);
  });

  it('refuses K outside 1..64', async () => {
    const a = new Approximator(config, { seed: 1 });
    for (const k of [0, 65, 1.5]) {
      await expect(fit(a, train, val, { epochs: 1, batchSize: 4, lr: 1e-3, seed: 1, flowDraws: k })).rejects.toThrow(
        /flowDraws/,
      );
    }
    a.dispose();
  });
});
