import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import { ParamStore } from '../../../../src/nn/model/params.ts';
import { Dense } from '../../../../src/nn/blocks/dense.ts';
import { LayerNorm } from '../../../../src/nn/blocks/layer-norm.ts';
import { ResidualMlp } from '../../../../src/nn/blocks/residual-mlp.ts';
import { MultiHeadAttention, keyBiasFromMask } from '../../../../src/nn/blocks/attention.ts';
import {
  InducedSetAttentionBlock,
  MultiheadAttentionBlock,
  PoolingByMultiheadAttention,
  SetAttentionBlock,
} from '../../../../src/nn/blocks/mab.ts';
import { dropoutStream, INFERENCE, type ForwardContext } from '../../../../src/nn/blocks/context.ts';
import { DEFAULT_OPS } from '../../../../src/nn/ops/index.ts';
import { SetTransformer } from '../../../../src/nn/networks/set-transformer.ts';
import { FlowMatching } from '../../../../src/nn/networks/flow-matching.ts';
import { defaultNetworkConfig } from '../../../../src/nn/index.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

const rand = (shape: number[], seed: number): tf.Tensor => {
  const r = Rng.fromSeed(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()),
    shape,
  );
};
// `rows` is kept for the call sites' readability: masks are keyed by row position, not by stream.
const trainCtx = (_rows: number, seed = 1): ForwardContext => ({
  training: true,
  dropout: dropoutStream({ key0: seed, key1: 0, rowOffset: 0 }),
  ops: DEFAULT_OPS,
});
const o = { embedDim: 8, numHeads: 2, mlpWidths: [12, 10], dropout: 0.1 };

/** Every trainable variable gets a finite, not identically zero gradient of sum(out · w). */
async function expectUsefulGradients(store: ParamStore, forward: () => tf.Tensor): Promise<void> {
  const vars = store.variables;
  const probe = tf.tidy(() => rand(forward().shape, 99));
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(), probe)) as tf.Scalar, vars);
  expect(Number.isFinite((await value.data())[0])).toBe(true);
  for (const [i, v] of vars.entries()) {
    const g = await grads[v.name]!.data();
    expect(g.length, `grad ${i}`).toBe(v.size);
    expect(g.every(Number.isFinite), `grad ${store.sizes()[i]![0]} finite`).toBe(true);
    expect(
      g.some((x) => x !== 0),
      `grad ${store.sizes()[i]![0]} non-zero`,
    ).toBe(true);
  }
  tf.dispose([value, probe, ...Object.values(grads)]);
}

describe('output shapes and gradients of every block', () => {
  it('Dense on rank 2 and rank 3', async () => {
    const s = new ParamStore(1);
    const d = new Dense(s, 5, 7, { kernelInit: 'glorot_uniform' });
    expect(d.apply(rand([4, 5], 1), INFERENCE).shape).toEqual([4, 7]);
    expect(d.apply(rand([2, 3, 5], 2), INFERENCE).shape).toEqual([2, 3, 7]);
    expect(() => d.apply(rand([2, 4], 3), INFERENCE)).toThrow(/expected last dim 5/);
    await expectUsefulGradients(s, () => d.apply(rand([2, 3, 5], 2), INFERENCE));
    s.dispose();
  });

  it('LayerNorm normalises the last axis (eps 1e-3)', async () => {
    const s = new ParamStore(1);
    const ln = new LayerNorm(s, 6);
    const x = rand([2, 3, 6], 4);
    const y = ln.apply(x);
    expect(y.shape).toEqual([2, 3, 6]);
    const xv = await x.data();
    const yv = await y.data();
    // Row 0 by hand in float64.
    const row = [...xv.slice(0, 6)];
    const mu = row.reduce((a, b) => a + b, 0) / 6;
    const va = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 6;
    row.forEach((v, i) => expect(yv[i]).toBeCloseTo((v - mu) / Math.sqrt(va + 1e-3), 5));
    await expectUsefulGradients(s, () => ln.apply(x));
    s.dispose();
  });

  it('ResidualMlp', async () => {
    const s = new ParamStore(1);
    const m = new ResidualMlp(s, 5, { widths: [12, 10], activation: 'gelu', kernelInit: 'lecun_normal', dropout: 0.1 });
    expect(m.outDim).toBe(10);
    expect(m.apply(rand([4, 5], 1), INFERENCE).shape).toEqual([4, 10]);
    expect(m.apply(rand([2, 3, 5], 1), trainCtx(2)).shape).toEqual([2, 3, 10]);
    await expectUsefulGradients(s, () => m.apply(rand([2, 3, 5], 1), trainCtx(2)));
    s.dispose();
  });

  it('MultiHeadAttention (B, Nq, Fq) × (B, Nk, Fk) → (B, Nq, out)', async () => {
    const s = new ParamStore(1);
    const mha = new MultiHeadAttention(s, 5, 3, { numHeads: 2, keyDim: 4, outDim: 6, dropout: 0.1 });
    const q = rand([2, 7, 5], 1) as tf.Tensor3D;
    const kv = rand([2, 9, 3], 2) as tf.Tensor3D;
    expect(mha.apply(q, kv, null, INFERENCE).shape).toEqual([2, 7, 6]);
    // Q/K/V: F·(h·k) + h·k; output (h·k)·out + out.
    expect(s.sizes().map(([, n]) => n)).toEqual([5 * 8, 8, 3 * 8, 8, 3 * 8, 8, 8 * 6, 6]);
    await expectUsefulGradients(s, () => mha.apply(q, kv, null, trainCtx(2)));
    s.dispose();
  });

  it('MAB, SAB, ISAB, PMA', async () => {
    const s = new ParamStore(1);
    const x = rand([2, 6, 3], 1) as tf.Tensor3D;
    const y = rand([2, 5, 4], 2) as tf.Tensor3D;
    const mab = new MultiheadAttentionBlock(s.scope('mab'), 3, 4, o);
    const sab = new SetAttentionBlock(s.scope('sab'), 3, o);
    const isab = new InducedSetAttentionBlock(s.scope('isab'), 3, 4, o);
    const pma = new PoolingByMultiheadAttention(s.scope('pma'), 3, 3, o);
    expect(mab.apply(x, y, null, INFERENCE).shape).toEqual([2, 6, 8]);
    expect(sab.apply(x, null, INFERENCE).shape).toEqual([2, 6, 8]);
    expect(isab.apply(x, null, INFERENCE).shape).toEqual([2, 6, 8]);
    expect(pma.apply(x, null, INFERENCE).shape).toEqual([2, 3, 8]);
    await expectUsefulGradients(s, () =>
      tf.concat(
        [
          tf.reshape(mab.apply(x, y, null, trainCtx(2)), [2, -1]),
          tf.reshape(sab.apply(x, null, trainCtx(2)), [2, -1]),
          tf.reshape(isab.apply(x, null, trainCtx(2)), [2, -1]),
          tf.reshape(pma.apply(x, null, trainCtx(2)), [2, -1]),
        ],
        1,
      ),
    );
    s.dispose();
  });

  it('SetTransformer (SAB and ISAB) and FlowMatching', async () => {
    for (const numInducingPoints of [null, 3]) {
      const config = defaultNetworkConfig({
        ...o,
        numSeeds: 2,
        summaryDim: 5,
        numInducingPoints,
        flowWidths: [16, 16],
      });
      const s = new ParamStore(3);
      const st = new SetTransformer(s.scope('summary'), config);
      const fm = new FlowMatching(s.scope('inference'), config, 6);
      const x = rand([3, 11, 3], 5) as tf.Tensor3D;
      const mask = tf.tensor2d(
        Float32Array.from({ length: 33 }, (_, i) => (i % 11 < 8 ? 1 : 0)),
        [3, 11],
      );
      expect(st.apply(x, null, INFERENCE).shape).toEqual([3, 5]);
      expect(st.apply(x, mask, INFERENCE).shape).toEqual([3, 5]);
      expect(() => st.apply(rand([3, 11, 2], 1) as tf.Tensor3D, null, INFERENCE)).toThrow(/expected input/);
      const xt = rand([3, 6], 6) as tf.Tensor2D;
      const t = tf.fill([3, 1], 0.3) as tf.Tensor2D;
      const c = rand([3, 6], 7) as tf.Tensor2D;
      expect(fm.velocity(xt, t, c, INFERENCE).shape).toEqual([3, 6]);
      expect(fm.loss(xt, rand([3, 6], 8) as tf.Tensor2D, t, c, INFERENCE).shape).toEqual([]);
      await expectUsefulGradients(s, () =>
        tf.concat([st.apply(x, mask, trainCtx(3)), fm.velocity(xt, t, c, trainCtx(3))], 1),
      );
      s.dispose();
    }
  });
});

describe('gradients match central finite differences (float32, tiny case)', () => {
  /** Max relative error between tf.variableGrads and central differences over every entry. */
  async function fdCheck(store: ParamStore, f: () => tf.Scalar, h = 1e-2): Promise<number> {
    const vars = store.variables;
    const { grads, value } = tf.variableGrads(f, vars);
    value.dispose();
    let worst = 0;
    for (const v of vars) {
      const g = await grads[v.name]!.data();
      const base = Float32Array.from(await v.data());
      for (let i = 0; i < base.length; i++) {
        const eval_ = async (delta: number): Promise<number> => {
          const p = Float32Array.from(base);
          p[i] = base[i]! + delta;
          v.assign(tf.tensor(p, v.shape));
          const out = tf.tidy(f);
          const r = (await out.data())[0]!;
          out.dispose();
          return r;
        };
        const fd = ((await eval_(h)) - (await eval_(-h))) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        worst = Math.max(worst, Math.abs(fd - g[i]!) / Math.max(1, Math.abs(fd)));
      }
    }
    tf.dispose(Object.values(grads));
    return worst;
  }

  it('multi-head attention with a padding mask', async () => {
    const s = new ParamStore(11);
    const mha = new MultiHeadAttention(s, 3, 3, { numHeads: 2, keyDim: 2, outDim: 3, dropout: 0 });
    const q = rand([2, 3, 3], 1) as tf.Tensor3D;
    const kv = rand([2, 4, 3], 2) as tf.Tensor3D;
    const bias = keyBiasFromMask(tf.tensor2d([1, 1, 1, 0, 1, 1, 0, 0], [2, 4]));
    const w = rand([2, 3, 3], 3);
    const err = await fdCheck(s, () => tf.sum(tf.mul(mha.apply(q, kv, bias, INFERENCE), w)) as tf.Scalar);
    expect(err).toBeLessThan(2e-3);
    s.dispose();
  });

  it('layer norm (scale and offset)', async () => {
    const s = new ParamStore(12);
    const pre = new Dense(s.scope('pre'), 3, 5, { kernelInit: 'glorot_uniform' });
    const ln = new LayerNorm(s.scope('ln'), 5);
    const x = rand([4, 3], 1);
    const w = rand([4, 5], 2);
    // Non-trivial gamma/beta so their gradients are exercised away from the initial point.
    ln.gamma.assign(tf.tensor1d([0.5, 1.5, -1, 2, 1]));
    ln.beta.assign(tf.tensor1d([0.1, -0.2, 0.3, 0, 0.5]));
    const err = await fdCheck(s, () => tf.sum(tf.mul(ln.apply(pre.apply(x, INFERENCE)), w)) as tf.Scalar, 3e-3);
    expect(err).toBeLessThan(2e-3);
    s.dispose();
  });
});
