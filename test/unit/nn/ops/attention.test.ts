/**
 * The fused attention reference (the cpu backend's `Attention` kernels, and the oracle of the webgpu
 * kernels in test/browser/attention-webgpu.test.ts) against the composite ops it replaces, on tfjs cpu:
 * values, the log-sum-exp it keeps, and gradients w.r.t. q, k and v through attentionOp's customGrad,
 * with and without padded keys, with and without dropout (the masks dropoutOp applies to the
 * probabilities at the same site), Nq ≠ Nk. Also: MultiHeadAttention takes one dropout site either way.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK_NEG, MultiHeadAttention } from '../../../../src/nn/blocks/attention.ts';
import { dropoutStream, type ForwardContext } from '../../../../src/nn/blocks/context.ts';
import { attentionForwardReference, type AttentionAttrs } from '../../../../src/nn/kernels/index.ts';
import { attentionOp, opsOptions, type AttentionDropout } from '../../../../src/nn/ops/index.ts';
import { ParamStore } from '../../../../src/nn/model/params.ts';
import { Rng } from '../../../../src/shared/rng.ts';
import { useWasm } from '../helpers.ts';

const FUSED = opsOptions({ attention: 'fused' });
const COMPOSITE = opsOptions({ attention: 'composite' });

function rand(shape: number[], seed: number, sd = 1): tf.Tensor4D {
  const r = Rng.fromSeed(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => sd * r.normal()),
    shape as [number, number, number, number],
  );
}

/** (B, 1, 1, Nk) bias: data set b has its last `padded[b]` keys padded. */
function bias(nk: number, padded: number[]): tf.Tensor4D {
  const v = padded.flatMap((p) => Array.from({ length: nk }, (_, j) => (j >= nk - p ? MASK_NEG : 0)));
  return tf.tensor(v, [padded.length, 1, 1, nk]) as tf.Tensor4D;
}

/** |a − b| ≤ atol + rtol · |b| everywhere; returns the worst relative excess for the message. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!)));
  expect(worst).toBeLessThanOrEqual(1);
}

interface Case {
  name: string;
  dims: [number, number, number, number, number]; // B, h, Nq, Nk, k
  padded: number[] | null;
  rate: number;
}

const CASES: Case[] = [
  { name: 'no padding, no dropout', dims: [2, 2, 6, 6, 4], padded: null, rate: 0 },
  { name: 'padded keys, Nq ≠ Nk', dims: [2, 3, 4, 9, 5], padded: [0, 4], rate: 0 },
  { name: 'dropout, rows not a multiple of 8', dims: [3, 2, 5, 7, 3], padded: null, rate: 0.3 },
  { name: 'padding and dropout, Nq < Nk (PMA)', dims: [2, 2, 3, 11, 4], padded: [5, 0], rate: 0.171 },
  // Uniform weights over padded keys, as the composite's softmax gives; m ≈ −1e9 must not swallow log l.
  { name: 'a data set with every key padded', dims: [2, 2, 3, 6, 4], padded: [6, 1], rate: 0.2 },
];

describe('fused attention reference on cpu vs the composite ops', () => {
  beforeAll(async () => {
    await useWasm();
    expect(await tf.setBackend('cpu')).toBe(true);
  });
  afterAll(useWasm);

  it.each(CASES)('$name: values, LSE and gradients', async ({ dims: [b, h, nq, nk, d], padded, rate }) => {
    const before = tf.memory().numTensors;
    const q = rand([b, h, nq, d], 1);
    const k = rand([b, h, nk, d], 2);
    const v = rand([b, h, nk, d], 3);
    const dy = rand([b, h, nq, d], 4);
    const kb = padded === null ? null : bias(nk, padded);
    const scale = 1 / Math.sqrt(d);
    const drop: AttentionDropout | null =
      rate === 0 ? null : { rate, key: { key0: 0xdeadbeef, key1: 11, rowOffset: 2 }, site: 3 };
    const paths = [COMPOSITE, FUSED].map((ops) =>
      tf.tidy(() => {
        const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) =>
          tf.sum(
            tf.mul(attentionOp(qi as tf.Tensor4D, ki as tf.Tensor4D, vi as tf.Tensor4D, kb, scale, drop, ops), dy),
          );
        return [attentionOp(q, k, v, kb, scale, drop, ops), ...tf.grads(f)([q, k, v])];
      }),
    );
    for (let i = 0; i < 4; i++) expectClose(await paths[1]![i]!.data(), await paths[0]![i]!.data(), 1e-5, 1e-4);
    if (rate > 0) {
      // Dropout really acts: without it the output differs.
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(attentionOp(q, k, v, kb, scale, null, FUSED), paths[1]![0]!))));
      expect(diff.dataSync()[0]).toBeGreaterThan(1e-3);
      diff.dispose();
    }
    // The row statistics the backward reads: m + log l = log Σ exp of the composite's scores.
    const attrs: AttentionAttrs = { scale, rate: 0, key0: 0, key1: 0, site: 0, rowOffset: 0 };
    const ol = attentionForwardReference(
      q.dataSync() as Float32Array,
      k.dataSync() as Float32Array,
      v.dataSync() as Float32Array,
      kb === null ? null : (kb.dataSync() as Float32Array),
      { b, h, nq, nk, d },
      attrs,
    );
    const scores = tf.tidy(() => {
      const s = tf.matMul(tf.mul(q, scale), k, false, true);
      return tf.logSumExp(kb === null ? s : tf.add(s, kb), -1);
    });
    const stats = ol.subarray(b * h * nq * d);
    expectClose(
      Array.from({ length: stats.length / 2 }, (_, r) => stats[2 * r]! + stats[2 * r + 1]!),
      await scores.data(),
      1e-5,
      1e-5,
    );
    tf.dispose([q, k, v, dy, ...(kb === null ? [] : [kb]), scores, ...paths.flat()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('MultiHeadAttention: same output and one dropout site on either path', () => {
    const s = new ParamStore(1);
    const mha = new MultiHeadAttention(s, 5, 3, { numHeads: 2, keyDim: 4, outDim: 6, dropout: 0.25 });
    const q = tf.tensor3d(
      Float32Array.from({ length: 2 * 4 * 5 }, (_, i) => Math.sin(i)),
      [2, 4, 5],
    );
    const kv = tf.tensor3d(
      Float32Array.from({ length: 2 * 7 * 3 }, (_, i) => Math.cos(i)),
      [2, 7, 3],
    );
    const kb = bias(7, [0, 3]);
    const run = (ops: typeof FUSED) => {
      const stream = dropoutStream({ key0: 5, key1: 6, rowOffset: 0 });
      const ctx: ForwardContext = { training: true, dropout: stream, ops };
      const y = mha.apply(q, kv, kb, ctx);
      return { y: y.dataSync(), next: stream.nextSite(), t: y };
    };
    const a = run(COMPOSITE);
    const f = run(FUSED);
    expect(f.next).toBe(1);
    expect(a.next).toBe(1);
    expectClose(f.y, a.y, 1e-5, 1e-4);
    tf.dispose([q, kv, kb, a.t, f.t]);
    s.dispose();
  });
});
