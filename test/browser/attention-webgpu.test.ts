/**
 * The fused attention kernels in WGSL (SwiftShader here) against the composite ops on the same backend
 * and against the TypeScript reference: values and gradients w.r.t. q, k and v, padded keys, Nq ≠ Nk,
 * more keys and queries than one tile, the dropout mask bit-identical to dropoutOp's at the same site,
 * no leaked tensors; and one attention forward + backward's kernels and peak bytes either way.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { MASK_NEG } from '../../src/nn/blocks/attention.ts';
import {
  attentionBackwardReference,
  attentionForwardReference,
  dropoutMaskReference,
  registerKernels,
} from '../../src/nn/kernels/index.ts';
import { attentionOp, fusedAttentionAvailable, opsOptions, type AttentionDropout } from '../../src/nn/ops/index.ts';
import { Rng } from '../../src/shared/rng.ts';

const FUSED = opsOptions({ attention: 'fused' });
const COMPOSITE = opsOptions({ attention: 'composite' });

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

function randArray(n: number, seed: number): Float32Array {
  const r = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

function bias(nk: number, padded: number[]): tf.Tensor4D {
  const v = padded.flatMap((p) => Array.from({ length: nk }, (_, j) => (j >= nk - p ? MASK_NEG : 0)));
  return tf.tensor(v, [padded.length, 1, 1, nk]) as tf.Tensor4D;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!)));
  expect(worst, what).toBeLessThanOrEqual(1);
}

interface Case {
  dims: [number, number, number, number, number]; // B, h, Nq, Nk, k
  padded: number[] | null;
  rate: number;
  /** Also run the composite ops: slow on SwiftShader at N = 300 (≈ 10 s), where the reference alone is the oracle. */
  composite: boolean;
}

// Head width 16 throughout but once: SwiftShader compiles each (width, bias, dropout) variant's three
// pipelines in 1 s (width 16) to 4 s (width 128) each, which is most of this file's time.
const CASES: Case[] = [
  { dims: [2, 2, 5, 7, 16], padded: [7, 3], rate: 0.3, composite: true }, // data set 0: every key padded
  { dims: [2, 2, 3, 40, 16], padded: null, rate: 0, composite: true }, // PMA-like (few queries, keys in 3 tiles), inference
  { dims: [2, 4, 300, 300, 16], padded: [0, 57], rate: 0.2, composite: false }, // N > one tile of queries and of keys
  { dims: [1, 1, 9, 21, 128], padded: [5], rate: 0.25, composite: false }, // embed-wide heads: tiles of 8 keys
];

it.each(CASES)(
  'fused = reference (= composite), values and gradients: $dims, padded $padded, rate $rate',
  async ({ dims, padded, rate, composite }) => {
    const [b, h, nq, nk, d] = dims;
    const before = tf.memory().numTensors;
    const qa = randArray(b * h * nq * d, 1);
    const ka = randArray(b * h * nk * d, 2);
    const va = randArray(b * h * nk * d, 3);
    const dya = randArray(b * h * nq * d, 4);
    const q = tf.tensor(qa, [b, h, nq, d]) as tf.Tensor4D;
    const k = tf.tensor(ka, [b, h, nk, d]) as tf.Tensor4D;
    const v = tf.tensor(va, [b, h, nk, d]) as tf.Tensor4D;
    const dy = tf.tensor(dya, [b, h, nq, d]);
    const kb = padded === null ? null : bias(nk, padded);
    const scale = 1 / Math.sqrt(d);
    const key = { key0: 0x9e3779b9, key1: 3, rowOffset: 5 };
    const drop: AttentionDropout | null = rate === 0 ? null : { rate, key, site: 4 };
    const results = (composite ? [FUSED, COMPOSITE] : [FUSED]).map((ops) =>
      tf.tidy(() => {
        const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) =>
          tf.sum(
            tf.mul(attentionOp(qi as tf.Tensor4D, ki as tf.Tensor4D, vi as tf.Tensor4D, kb, scale, drop, ops), dy),
          );
        return [attentionOp(q, k, v, kb, scale, drop, ops), ...tf.grads(f)([q, k, v])];
      }),
    );
    const [fused, comp] = results as [tf.Tensor[], tf.Tensor[] | undefined];
    const names = ['O', 'dQ', 'dK', 'dV'];
    const got = await Promise.all(fused.map((t) => t.data()));
    if (comp !== undefined) {
      for (const [i, name] of names.entries())
        expectClose(got[i]!, await comp[i]!.data(), 1e-5, 1e-4, `${name} vs composite`);
    }
    const attrs = { scale, rate, key0: key.key0, key1: key.key1, site: 4, rowOffset: key.rowOffset };
    const biasValues = kb === null ? null : ((await kb.data()) as Float32Array);
    const shape = { b, h, nq, nk, d };
    const ol = attentionForwardReference(qa, ka, va, biasValues, shape, attrs);
    const g = attentionBackwardReference(qa, ka, va, biasValues, ol, dya, shape, attrs);
    for (const [i, ref] of [ol.subarray(0, b * h * nq * d), g.dq, g.dk, g.dv].entries()) {
      expectClose(got[i]!, ref, 1e-5, 1e-4, `${names[i]} vs reference`);
    }
    tf.dispose([q, k, v, dy, ...(kb === null ? [] : [kb]), ...results.flat()]);
    expect(tf.memory().numTensors).toBe(before);
  },
);

it('the fused kernel drops exactly the entries dropoutOp drops at the same site', async () => {
  // v = identity (Nk = k): O[i, j] is the dropped probability P_ij · mask_ij itself.
  const [b, h, nq, nk] = [2, 3, 5, 16];
  const q = tf.tensor(randArray(b * h * nq * nk, 7), [b, h, nq, nk]) as tf.Tensor4D;
  const k = tf.tensor(randArray(b * h * nk * nk, 8), [b, h, nk, nk]) as tf.Tensor4D;
  const v = tf.tidy(() => tf.tile(tf.reshape(tf.eye(nk), [1, 1, nk, nk]), [b, h, 1, 1])) as tf.Tensor4D;
  const drop: AttentionDropout = { rate: 0.4, key: { key0: 77, key1: 0xffffffff, rowOffset: 9 }, site: 6 };
  const kb = bias(nk, [0, 0]); // all keys real; a bias only to reuse the compiled variant of the cases above
  const o = attentionOp(q, k, v, kb, 0.25, drop, FUSED);
  const oc = attentionOp(q, k, v, kb, 0.25, drop, COMPOSITE);
  const mask = dropoutMaskReference([b, h, nq, nk], { rate: drop.rate, ...drop.key, site: drop.site });
  const values = await o.data();
  expect(Array.from(values, (x) => x === 0)).toEqual(Array.from(mask, (m) => m === 0));
  expect(mask.some((m) => m === 0)).toBe(true);
  expectClose(values, await oc.data(), 1e-6, 1e-5, 'dropped probabilities');
  tf.dispose([q, k, v, kb, o, oc]);
});

/** Kernels (all, and without Reshape) and peak bytes of one attention forward + backward. */
async function profileAttention(ops: typeof FUSED, [b, h, n, d]: [number, number, number, number]) {
  const q = tf.tensor(randArray(b * h * n * d, 1), [b, h, n, d]) as tf.Tensor4D;
  const k = tf.tensor(randArray(b * h * n * d, 2), [b, h, n, d]) as tf.Tensor4D;
  const v = tf.tensor(randArray(b * h * n * d, 3), [b, h, n, d]) as tf.Tensor4D;
  const kb = bias(n, [0, 20]);
  const drop: AttentionDropout = { rate: 0.1, key: { key0: 1, key1: 2, rowOffset: 0 }, site: 0 };
  const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) =>
    tf.sum(attentionOp(qi as tf.Tensor4D, ki as tf.Tensor4D, vi as tf.Tensor4D, kb, 0.25, drop, ops));
  const info = await tf.profile(() => tf.grads(f)([q, k, v]));
  tf.dispose([q, k, v, kb, ...(info.result as tf.Tensor[])]);
  const kernels = info.kernels.length;
  const dispatches = info.kernels.filter((kr) => kr.name !== 'Reshape' && kr.name !== 'Identity').length;
  return { kernels, dispatches, peakBytes: info.peakBytes, scoreBytes: b * h * n * n * 4 };
}

it('one attention forward + backward: fewer kernels, no B × h × N × N buffer', async () => {
  expect(fusedAttentionAvailable(opsOptions(), 16)).toBe(true); // 'auto' takes the fused kernels on webgpu
  const dims: [number, number, number, number] = [2, 4, 64, 16]; // B, h, N, head width
  const before = tf.memory().numTensors;
  const composite = await profileAttention(COMPOSITE, dims);
  const fused = await profileAttention(FUSED, dims);
  console.log(
    `attention fwd+bwd B, h, N, k = ${dims.join(', ')}: composite ${JSON.stringify(composite)}, fused ${JSON.stringify(fused)}`,
  );
  expect(fused.dispatches).toBeLessThan(composite.dispatches);
  // The composite holds scores, probabilities and dropped probabilities (and their gradients).
  expect(fused.peakBytes).toBeLessThan(composite.peakBytes - 2 * composite.scoreBytes);
  expect(tf.memory().numTensors).toBe(before);
});
