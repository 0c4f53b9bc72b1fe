/**
 * The LayerNorm and bias + activation kernels' references (the cpu backend's kernels) against the
 * composite tfjs ops they replace, in values and in gradients (tf.grads through the ops' custom
 * gradients vs tfjs's own differentiation of the composite), on the cpu backend. The webgpu kernels
 * are compared with the composite in test/browser/fused-elementwise-webgpu.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import { columnSumReference, type BiasActivation } from '../../../../src/nn/kernels/index.ts';
import {
  biasAct,
  biasActComposite,
  biasActFused,
  columnSum,
  DEFAULT_OPS,
  layerNorm,
  layerNormComposite,
  layerNormFused,
  type BiasActDropout,
} from '../../../../src/nn/ops/index.ts';
import { Dense } from '../../../../src/nn/blocks/dense.ts';
import { activate } from '../../../../src/nn/blocks/activations.ts';
import { dropout, dropoutStream, type ForwardContext } from '../../../../src/nn/blocks/context.ts';
import { ParamStore } from '../../../../src/nn/model/params.ts';
import { maxAbsDiff, useWasm } from '../helpers.ts';

function normalValues(n: number, seed: number, scale = 1, shift = 0): Float32Array {
  const r = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => shift + scale * r.normal());
}

function normal(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  return tf.tensor(
    normalValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
      scale,
      shift,
    ),
    shape,
  );
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  return maxAbsDiff(await a.data(), await b.data());
}

beforeAll(async () => {
  await useWasm(); // registers the kernels
  expect(await tf.setBackend('cpu')).toBe(true);
});
afterAll(useWasm);

describe('LayerNorm kernels (cpu reference) vs the composite', () => {
  it('takes the kernel path on cpu', () => {
    expect(layerNormFused(tf.zeros([1, 2]))).toBe(true);
  });

  // Rows of 5 and 70 (more than one 64-row block in the parameter gradient; 70 > 64 columns).
  for (const [shape, shift] of [
    [[7, 5], 0],
    [[3, 50, 70], 3],
    [[2, 33, 16], -20],
  ] as [number[], number][]) {
    it(`values and gradients match for x of shape [${shape.join(',')}] (offset ${shift})`, async () => {
      const d = shape[shape.length - 1]!;
      const x = normal(shape, 1, 2, shift);
      const gamma = normal([d], 2, 0.5, 1) as tf.Tensor1D;
      const beta = normal([d], 3) as tf.Tensor1D;
      const dy = normal(shape, 4);
      const before = tf.memory().numTensors;
      const fused = layerNorm(x, gamma, beta, 1e-3);
      const composite = layerNormComposite(x, gamma, beta, 1e-3);
      expect(await maxDiff(fused, composite)).toBeLessThan(2e-5);
      const gf = tf.grads((a, g, b) => layerNorm(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3))([x, gamma, beta], dy);
      const gc = tf.grads((a, g, b) => layerNormComposite(a, g, b, 1e-3))([x, gamma, beta], dy);
      // dx: ≈ 1 in size; dγ and dβ are sums over up to 150 rows.
      expect(await maxDiff(gf[0]!, gc[0]!)).toBeLessThan(5e-5);
      expect(await maxDiff(gf[1]!, gc[1]!)).toBeLessThan(2e-4);
      expect(await maxDiff(gf[2]!, gc[2]!)).toBeLessThan(2e-4);
      tf.dispose([fused, composite, ...gf, ...gc]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, gamma, beta, dy]);
    });
  }

  it('columnSum in two passes (more than 256 rows) and in one equals tf.sum over the rows', async () => {
    for (const rows of [300, 40]) {
      const x = normal([rows, 9], 14) as tf.Tensor2D;
      const s = columnSum(x, 2, 5);
      const ref = tf.sum(tf.slice(x, [0, 2], [rows, 5]), 0);
      expect(await maxDiff(s, ref)).toBeLessThan(1e-4);
      tf.dispose([x, s, ref]);
    }
  });

  it('column sums over blocks add up to the plain column sum', () => {
    const r = Rng.fromSeed(9);
    const x = Float32Array.from({ length: 13 * 6 }, () => r.normal());
    const whole = columnSumReference(x, 6, { offset: 2, width: 3, rowsPerBlock: 100 });
    const blocks = columnSumReference(x, 6, { offset: 2, width: 3, rowsPerBlock: 4 });
    expect(blocks.length).toBe(4 * 3);
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let row = 0; row < 13; row++) s += x[row * 6 + 2 + c]!;
      expect(whole[c]).toBeCloseTo(s, 5);
      expect(blocks[c]! + blocks[3 + c]! + blocks[6 + c]! + blocks[9 + c]!).toBeCloseTo(s, 5);
    }
  });
});

describe('bias + activation kernels (cpu reference) vs the composite', () => {
  const drop: BiasActDropout = { rate: 0.3, key: { key0: 0xdeadbeef, key1: 5, rowOffset: 2 }, site: 3 };

  it('takes the kernel path on cpu', () => {
    expect(biasActFused(tf.zeros([1, 2]))).toBe(true);
  });

  for (const activation of ['identity', 'gelu', 'mish'] as BiasActivation[]) {
    for (const d of [null, drop]) {
      it(`${activation}${d === null ? '' : ' with dropout'}: values and gradients match, incl. large |x|`, async () => {
        // Column 0 carries large pre-activations: mish's exponent cap (20) from both sides, gelu's tails.
        const big = [-100, -40, -9, -5, 5, 9, 19.5, 20, 20.5, 30, 60, 100];
        const values = normalValues(4 * 3 * 12, 11, 1.5);
        big.forEach((v, i) => (values[i * 12] = v - 0.25));
        const x = tf.tensor(values, [4, 3, 12]);
        const bias = normal([12], 12, 0.3) as tf.Tensor1D;
        const dy = normal([4, 3, 12], 13);
        const before = tf.memory().numTensors;
        const fused = biasAct(x, bias, activation, d);
        const composite = biasActComposite(x, bias, activation, d);
        const fv = await fused.data();
        const cv = await composite.data();
        for (let i = 0; i < fv.length; i++)
          expect(Math.abs(fv[i]! - cv[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cv[i]!)));
        const gf = tf.grads((a, b) => biasAct(a, b as tf.Tensor1D, activation, d))([x, bias], dy);
        const gc = tf.grads((a, b) => biasActComposite(a, b, activation, d))([x, bias], dy);
        const gfv = await gf[0]!.data();
        const gcv = await gc[0]!.data();
        // The composite's mish gradient loses ~1e-6 to cancellation in tfjs's Div gradient at large x.
        for (let i = 0; i < gfv.length; i++)
          expect(Math.abs(gfv[i]! - gcv[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(gcv[i]!)));
        expect(await maxDiff(gf[1]!, gc[1]!)).toBeLessThan(1e-4);
        tf.dispose([fused, composite, ...gf, ...gc]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, bias, dy]);
      });
    }
  }

  it('Dense.applyActivated is dense → dropout → activation with the same dropout sites', async () => {
    const store = new ParamStore(3);
    const dense = new Dense(store.scope('d'), 6, 10, { kernelInit: 'he_normal' });
    const b = store.scope('d').add('bias_shift', [10], 'glorot_uniform');
    dense.bias!.assign(b);
    const ctx = (): ForwardContext => ({
      training: true,
      dropout: dropoutStream({ key0: 77, key1: 1, rowOffset: 4 }),
      ops: DEFAULT_OPS,
    });
    const x = normal([3, 9, 6], 21);
    for (const activation of ['gelu', 'mish'] as const) {
      const c1 = ctx();
      const c2 = ctx();
      c1.dropout!.nextSite(); // a site before this one
      c2.dropout!.nextSite();
      const fused = dense.applyActivated(x, c1, activation, 0.25);
      const separate = activate(activation, dropout(dense.apply(x, c2), 0.25, c2));
      expect(await maxDiff(fused, separate)).toBeLessThan(1e-5);
      expect(c1.dropout!.nextSite()).toBe(c2.dropout!.nextSite());
      tf.dispose([fused, separate]);
    }
    tf.dispose(x);
  });
});
