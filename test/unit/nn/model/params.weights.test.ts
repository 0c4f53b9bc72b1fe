import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Approximator,
  DataSets,
  WeightShapeError,
  defaultNetworkConfig,
  fitStandardization,
  type LossInputs,
} from '../../../../src/nn/index.ts';
import { batchKeys, disposeLossInputs, uploadLossInputs } from '../../../../src/nn/training/batches.ts';
import { randomBatch, useWasm } from '../helpers.ts';

beforeAll(useWasm);

const config = defaultNetworkConfig({
  embedDim: 8,
  numHeads: 2,
  mlpWidths: [8],
  numSeeds: 2,
  summaryDim: 4,
  flowWidths: [16],
  paramDim: 3,
  dropout: 0.3,
});
const batch = randomBatch(4, 5, 1, 3);

function inputs(): LossInputs {
  const sets = DataSets.from(batch);
  return uploadLossInputs(sets, Int32Array.from([0, 1, 2, 3]), 0, 4, fitStandardization(sets), batchKeys(1, 2, 0));
}

async function lossOf(a: Approximator, inp: LossInputs, training: boolean, rngSeed?: number): Promise<number> {
  const key = rngSeed === undefined ? undefined : { key0: rngSeed, key1: 0, rowOffset: 0 };
  const l = a.loss(inp, training, key);
  const v = (await l.data())[0]!;
  l.dispose();
  return v;
}

describe('weights: stable names, get/set round trip', () => {
  it('names are hierarchical and stable; setWeights reproduces the network exactly', async () => {
    const a = new Approximator(config, { seed: 1 });
    const b = new Approximator(config, { seed: 2 });
    const w = await a.getWeights();
    expect(w.map((x) => x.name)).toContain('summary/pma/seeds');
    expect(w.map((x) => x.name)).toContain('inference/output/kernel');
    expect(w.map((x) => x.name)).toContain('summary/sab_1/mab/ln_2/gamma');
    expect(new Set(w.map((x) => x.name)).size).toBe(w.length);
    expect(w.reduce((n, x) => n + x.data.length, 0)).toBe(a.parameterCounts.total);
    const inp = inputs();
    expect(await lossOf(a, inp, false)).not.toBe(await lossOf(b, inp, false));
    b.setWeights(w);
    expect(await lossOf(b, inp, false)).toBe(await lossOf(a, inp, false));
    // getWeights returns copies: mutating them does not touch the network.
    w[0]!.data.fill(123);
    expect((await a.getWeights())[0]!.data[0]).not.toBe(123);
    disposeLossInputs(inp);
    a.dispose();
    b.dispose();
  });

  it('setWeights rejects missing, extra, duplicated or mis-shaped weights, naming them', async () => {
    const a = new Approximator(config, { seed: 1 });
    const w = await a.getWeights();
    expect(() => a.setWeights(w.slice(1))).toThrow(new RegExp(`weight ${w[0]!.name} missing`));
    expect(() => a.setWeights([...w, { name: 'extra/kernel', shape: [1], data: new Float32Array(1) }])).toThrow(
      /unknown weights: extra\/kernel/,
    );
    expect(() => a.setWeights([...w, w[0]!])).toThrow(/given twice/);
    const bad = w.map((x, i) => (i === 2 ? { ...x, shape: [x.data.length], data: x.data } : x));
    expect(() => a.setWeights(bad)).toThrow(WeightShapeError);
    a.dispose();
  });

  it('dropout acts in training only; disposed networks refuse to run', async () => {
    const before = tf.memory().numTensors;
    const a = new Approximator(config, { seed: 3 });
    const inp = inputs();
    const eval1 = await lossOf(a, inp, false, 1);
    expect(await lossOf(a, inp, false, 2)).toBe(eval1);
    const t1 = await lossOf(a, inp, true, 1);
    expect(await lossOf(a, inp, true, 1)).toBe(t1); // same masks, same loss
    expect(await lossOf(a, inp, true, 2)).not.toBe(t1);
    expect(t1).not.toBe(eval1);
    disposeLossInputs(inp);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => a.getWeights()).toThrow(/after dispose/);
  });
});
