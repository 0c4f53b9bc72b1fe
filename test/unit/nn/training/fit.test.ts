import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Approximator,
  DataSets,
  TrainingDivergedError,
  defaultNetworkConfig,
  fit,
  fitStandardization,
  validationLoss,
  type BatchProgress,
  type SimBatch,
} from '../../../../src/nn/index.ts';
import { learningRateAt, scheduleShape } from '../../../../src/nn/training/schedule.ts';
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
const train = randomBatch(21, 6, 1, 3); // 21 sets, batch 8 → 3 batches, the last one partial (5)
const val = randomBatch(10, 6, 2, 3);

describe('fit: loop mechanics', () => {
  it('batches per epoch (last partial kept), lr per step follows the schedule, history per epoch', async () => {
    const a = new Approximator(config, { seed: 1 });
    const seen: BatchProgress[] = [];
    const epochs: number[] = [];
    const h = await fit(a, train, val, {
      epochs: 3,
      batchSize: 8,
      lr: 1e-3,
      seed: 4,
      onBatch: (p) => seen.push(p),
      onEpoch: (r) => void epochs.push(r.epoch),
    });
    expect(seen.length).toBe(9);
    expect(seen.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.every((p) => p.numBatches === 3 && p.totalSteps === 9)).toBe(true);
    const shape = scheduleShape(3, 3);
    seen.forEach((p) => expect(p.lr).toBe(learningRateAt(p.step, 1e-3, shape)));
    expect(epochs).toEqual([0, 1, 2]);
    expect(h.loss.length).toBe(3);
    expect(h.valLoss.length).toBe(3);
    expect(h.steps).toBe(9);
    expect(h.stoppedBy).toBe('completed');
    // Epoch loss = batch-size-weighted mean of the batch losses (8, 8, 5).
    const e0 = seen.slice(0, 3);
    expect(h.loss[0]).toBeCloseTo((e0[0]!.loss * 8 + e0[1]!.loss * 8 + e0[2]!.loss * 5) / 21, 5);
    expect(a.standardization).toEqual(fitStandardization(train));
    a.dispose();
  });

  it('reproducible from (weights, data, seed); another seed trains differently', async () => {
    const run = async (seed: number) => {
      const a = new Approximator(config, { seed: 2 });
      const h = await fit(a, train, val, { epochs: 2, batchSize: 8, lr: 1e-3, seed });
      const w = await a.getWeights();
      a.dispose();
      return { h, w };
    };
    const [r1, r2, r3] = [await run(5), await run(5), await run(6)];
    expect(r1.h.loss).toEqual(r2.h.loss);
    expect(r1.h.valLoss).toEqual(r2.h.valLoss);
    r1.w.forEach((w, i) => expect(w.data).toEqual(r2.w[i]!.data));
    expect(r1.h.loss).not.toEqual(r3.h.loss);
  });

  it('micro-batching (gradient accumulation) gives the same training as whole batches', async () => {
    const run = async (microBatchSize: number) => {
      const a = new Approximator(config, { seed: 3 });
      const h = await fit(a, train, val, { epochs: 2, batchSize: 8, lr: 1e-3, seed: 7, microBatchSize });
      const w = await a.getWeights();
      a.dispose();
      return { h, w };
    };
    const whole = await run(8);
    const split = await run(3);
    // Float32 summation order differs (sum of weighted micro-batch losses), so compare relatively.
    const rel = (a: number[], b: number[]) => maxAbsDiff(a, b) / Math.max(...a.map(Math.abs));
    expect(rel(whole.h.loss, split.h.loss)).toBeLessThan(1e-5);
    expect(rel(whole.h.valLoss, split.h.valLoss)).toBeLessThan(1e-5);
    whole.w.forEach((w, i) => expect(maxAbsDiff(w.data, split.w[i]!.data)).toBeLessThan(1e-4));
  });

  it('validation has no dropout: deterministic per epoch and equal to loss(training = false)', async () => {
    const a = new Approximator(defaultNetworkConfig({ ...config, dropout: 0.5 }), { seed: 4 });
    const sets = DataSets.from(val);
    const st = fitStandardization(train);
    const opts = { batchSize: 4, seed: 1, epoch: 0 };
    const v1 = await validationLoss(a, sets, st, opts);
    const v2 = await validationLoss(a, sets, st, { ...opts, microBatchSize: 1 });
    expect(Math.abs(v1 - v2)).toBeLessThan(1e-5);
    expect(await validationLoss(a, sets, st, opts)).toBe(v1);
    // A different epoch draws other noise/times (the reference's val_loss is noisy too).
    expect(await validationLoss(a, sets, st, { ...opts, epoch: 1 })).not.toBe(v1);
    a.dispose();
  });
});

describe('fit: stopping, errors and tensor leaks', () => {
  it('numTensors is unchanged after several consecutive fits (incl. validation)', async () => {
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const a = new Approximator(config, { seed: k });
      await fit(a, train, val, { epochs: 2, batchSize: 8, lr: 1e-3, seed: k, microBatchSize: k === 1 ? 3 : 8 });
      a.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with a live approximator, only its own variables remain after fit', async () => {
    const before = tf.memory().numTensors;
    const a = new Approximator(config, { seed: 1 });
    const withNet = tf.memory().numTensors;
    expect(withNet - before).toBe(a.trainableVariables.length);
    await fit(a, train, val, { epochs: 1, batchSize: 8, lr: 1e-3, seed: 1 });
    expect(tf.memory().numTensors).toBe(withNet);
    a.dispose();
  });

  it('cancellation via AbortSignal stops between steps, rejects with the reason, leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const a = new Approximator(config, { seed: 1 });
    const ctrl = new AbortController();
    let steps = 0;
    const p = fit(a, train, val, {
      epochs: 5,
      batchSize: 8,
      lr: 1e-3,
      seed: 1,
      signal: ctrl.signal,
      onBatch: () => {
        if (++steps === 4) ctrl.abort(new Error('user cancelled'));
      },
    });
    await expect(p).rejects.toThrow('user cancelled');
    expect(steps).toBe(4);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('onEpoch returning true stops early (pruner); throwing propagates after cleanup', async () => {
    const before = tf.memory().numTensors;
    const a = new Approximator(config, { seed: 1 });
    const h = await fit(a, train, val, {
      epochs: 5,
      batchSize: 8,
      lr: 1e-3,
      seed: 1,
      onEpoch: async (r) => r.epoch === 1,
    });
    expect(h.stoppedBy).toBe('callback');
    expect(h.loss.length).toBe(2);
    class Pruned extends Error {}
    await expect(
      fit(a, train, val, {
        epochs: 5,
        batchSize: 8,
        lr: 1e-3,
        seed: 1,
        onEpoch: () => {
          throw new Pruned('pruned at epoch 0');
        },
      }),
    ).rejects.toBeInstanceOf(Pruned);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a NaN loss stops with TrainingDivergedError naming epoch and step; the bad update is not applied', async () => {
    const before = tf.memory().numTensors;
    const a = new Approximator(config, { seed: 1 });
    // Data set 0 has a NaN RT: every batch that contains it has a NaN loss.
    const bad: SimBatch = { ...train, rt: Float32Array.from(train.rt, (v, i) => (i === 0 ? NaN : v)) };
    const w0 = await a.getWeights();
    const seen: number[] = [];
    const err = await fit(a, bad, val, {
      epochs: 2,
      batchSize: 21,
      lr: 1e-3,
      seed: 1,
      onBatch: (p) => seen.push(p.step),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    const d = err as TrainingDivergedError;
    expect(d.epoch).toBe(0);
    expect(d.step).toBe(0);
    expect(d.stage).toBe('training');
    expect(d.message).toMatch(/loss NaN at epoch 0 \(0-based\), optimizer step 0/);
    expect(seen).toEqual([]);
    const w1 = await a.getWeights();
    w0.forEach((w, i) => expect(w1[i]!.data).toEqual(w.data));
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and mismatched data', async () => {
    const a = new Approximator(config, { seed: 1 });
    await expect(fit(a, train, val, { epochs: 1, batchSize: 0, lr: 1e-3, seed: 1 })).rejects.toThrow(/batchSize/);
    await expect(fit(a, train, val, { epochs: 1, batchSize: 4, lr: -1, seed: 1 })).rejects.toThrow(/lr/);
    await expect(fit(a, train, val, { epochs: 0, batchSize: 4, lr: 1e-3, seed: 1 })).rejects.toThrow(/epochs/);
    await expect(fit(a, randomBatch(4, 3, 1, 6), val, { epochs: 1, batchSize: 4, lr: 1e-3, seed: 1 })).rejects.toThrow(
      /train data has 6 parameters, network expects 3/,
    );
    a.dispose();
  });
});
