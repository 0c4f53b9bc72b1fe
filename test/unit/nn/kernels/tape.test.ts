/**
 * variableGradsFreeing (src/nn/kernels/tape.ts) against tf.variableGrads on the training loss of the
 * notebook's network family: the same value and bit-identical gradients (same tape, same gradient
 * functions, same accumulation order), no tensor left behind, and a lower peak — what it exists for.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { variableGradsFreeing } from '../../../../src/nn/kernels/index.ts';
import {
  Approximator,
  DataSets,
  defaultNetworkConfig,
  fitStandardization,
  type NetworkConfig,
} from '../../../../src/nn/index.ts';
import { batchKeys, disposeLossInputs, uploadLossInputs } from '../../../../src/nn/training/batches.ts';
import { peakBytesDuring, randomBatch, useWasm } from '../helpers.ts';

beforeAll(useWasm);

interface Run {
  value: Float32Array;
  grads: Map<string, Float32Array>;
  peak: number;
}

async function run(
  config: NetworkConfig,
  sets: number,
  obs: number,
  freeing: boolean,
  ops?: Partial<Approximator['ops']>,
): Promise<Run> {
  const approx = new Approximator(config, { seed: 3, ...(ops ? { ops } : {}) });
  const data = DataSets.from(randomBatch(sets, obs, 7, config.paramDim));
  const keys = batchKeys(11, 12, 0);
  const inputs = uploadLossInputs(
    data,
    Int32Array.from({ length: sets }, (_, i) => i),
    0,
    sets,
    fitStandardization(data),
    keys,
  );
  const before = tf.memory().numTensors;
  let out: { value: tf.Scalar; grads: tf.NamedTensorMap } | null = null;
  const f = (): tf.Scalar => approx.loss(inputs, true, { ...keys.dropout, rowOffset: 0 });
  const peak = await peakBytesDuring(async () => {
    out = freeing ? variableGradsFreeing(f, approx.trainableVariables) : tf.variableGrads(f, approx.trainableVariables);
  });
  const { value, grads } = out!;
  const result: Run = { value: value.dataSync() as Float32Array, grads: new Map(), peak };
  // Keyed by position: each network's variables get names of their own.
  approx.trainableVariables.forEach((v, i) => {
    const g = grads[v.name];
    if (g !== undefined) result.grads.set(`${i}`, g.dataSync() as Float32Array);
  });
  // What the call leaves is exactly its outputs.
  expect(tf.memory().numTensors - before).toBe(1 + Object.keys(grads).length);
  tf.dispose([value, ...Object.values(grads)]);
  disposeLossInputs(inputs);
  approx.dispose();
  return result;
}

describe('variableGradsFreeing', () => {
  const small = defaultNetworkConfig({
    embedDim: 16,
    numHeads: 2,
    mlpWidths: [16, 16],
    numSeeds: 2,
    summaryDim: 6,
    flowWidths: [32, 32],
    paramDim: 5,
    dropout: 0.2,
  });

  it("gives tf.variableGrads's value and gradients bit for bit, and leaves nothing behind", async () => {
    const a = await run(small, 6, 40, false);
    const b = await run(small, 6, 40, true);
    expect(Array.from(b.value)).toEqual(Array.from(a.value));
    expect([...b.grads.keys()].sort()).toEqual([...a.grads.keys()].sort());
    expect(a.grads.size).toBeGreaterThan(50);
    for (const [k, g] of a.grads) expect(Array.from(b.grads.get(k)!), k).toEqual(Array.from(g));
  });

  it('the same on the untransposed wasm matmul path and the fused-attention reference', async () => {
    for (const ops of [
      { matmul: 'untransposed' as const, sliceMinMacs: 0 },
      { matmul: 'native' as const, sliceMinMacs: Infinity, attention: 'fused' as const },
    ]) {
      const a = await run(small, 3, 20, false, ops);
      const b = await run(small, 3, 20, true, ops);
      expect(Array.from(b.value)).toEqual(Array.from(a.value));
      for (const [k, g] of a.grads) expect(Array.from(b.grads.get(k)!), `${ops.matmul} ${k}`).toEqual(Array.from(g));
    }
  });

  it('peaks lower than tf.variableGrads on a pass dominated by activations', async () => {
    const config = defaultNetworkConfig({ embedDim: 32, numSeeds: 4, summaryDim: 8, paramDim: 5, dropout: 0.1 });
    const a = await run(config, 8, 100, false);
    const b = await run(config, 8, 100, true);
    expect(b.peak).toBeLessThan(0.75 * a.peak);
  });

  it('refuses a non-scalar and nested use, and skips variables the loss does not use', () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, 'tape-v');
    const unused = tf.variable(tf.tensor1d([3]), true, 'tape-unused');
    const count = tf.memory().numTensors;
    expect(() => variableGradsFreeing(() => tf.mul(v, 2) as unknown as tf.Scalar, [v])).toThrow(/scalar/);
    expect(tf.memory().numTensors).toBe(count);
    const { value, grads } = variableGradsFreeing(() => tf.sum(tf.square(v)), [v, unused]);
    expect(Object.keys(grads)).toEqual(['tape-v']);
    expect(Array.from(grads['tape-v']!.dataSync())).toEqual([2, 4]);
    expect(() =>
      tf.grad((x: tf.Tensor) => variableGradsFreeing(() => tf.sum(tf.mul(x, v)), [v]).value)(tf.scalar(1)),
    ).toThrow(/nested/);
    tf.dispose([value, ...Object.values(grads), v, unused]);
  });

  it('leaves no saved tensor behind when the forward or the backward pass throws', () => {
    const v = tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      true,
      'tape-throw',
    );
    const before = tf.memory().numTensors;
    expect(() =>
      variableGradsFreeing(() => {
        tf.matMul(v, v); // saves both operands
        throw new Error('forward failed');
      }, [v]),
    ).toThrow(/forward failed/);
    expect(tf.memory().numTensors).toBe(before);
    const broken = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([x]);
      return {
        value: tf.sum(x),
        gradFunc: (): tf.Tensor => {
          throw new Error('backward failed');
        },
      };
    }) as (x: tf.Tensor) => tf.Scalar;
    expect(() => variableGradsFreeing(() => broken(tf.matMul(v, v)), [v])).toThrow(/backward failed/);
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });
});
