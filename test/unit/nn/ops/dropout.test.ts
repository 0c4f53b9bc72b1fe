/**
 * The Philox dropout kernel on wasm and cpu against its reference: bit-identical masks, the gradient
 * as the same mask on dy, masks keyed by batch position (micro-batch invariance), the keep rate, and no
 * leaked tensors. The webgpu kernel is compared with the same reference in test/browser.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropoutMaskReference, type DropoutAttrs } from '../../../../src/nn/kernels/index.ts';
import { dropoutOp } from '../../../../src/nn/ops/index.ts';
import { useWasm } from '../helpers.ts';
import { DROPOUT_MASK_CACHE_BYTES, dropoutMaskCacheSize } from '../../../../src/nn/kernels/wasm/dropout.ts';

const attrs: DropoutAttrs = { rate: 0.3, key0: 0xdeadbeef, key1: 7, site: 2, rowOffset: 0 };
const shape = [3, 5, 7]; // 35 values per row: rows end inside a group of 8

function values(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 101) / 17 - 2.5);
}

describe.each(['wasm', 'cpu'])('Dropout kernel on %s', (backend) => {
  beforeAll(async () => {
    await useWasm();
    expect(await tf.setBackend(backend)).toBe(true);
  });
  afterAll(useWasm);

  it('mask bit-identical to the reference; y = x · mask', async () => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(values(n), shape);
    const ones = tf.ones(shape);
    const mask = await dropoutOp(ones, attrs.rate, attrs, attrs.site).data();
    const ref = dropoutMaskReference(shape, attrs);
    expect(Array.from(mask)).toEqual(Array.from(ref));
    const y = await dropoutOp(x, attrs.rate, attrs, attrs.site).data();
    const xs = values(n);
    // A dropped element is written as +0 (not x · 0, which is −0 for negative x).
    for (let i = 0; i < n; i++) expect(y[i]).toBe(ref[i] === 0 ? 0 : Math.fround(xs[i]! * ref[i]!));
    tf.dispose([x, ones]);
  });

  it('gradient is dy · mask, recomputed (no mask tensor kept)', async () => {
    const x = tf.tensor(values(105), shape);
    const dy = tf.tensor(values(105).reverse(), shape);
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => dropoutOp(t, attrs.rate, attrs, attrs.site))(x, dy);
    const ref = dropoutMaskReference(shape, attrs);
    const dyv = await dy.data();
    const gv = await g.data();
    for (let i = 0; i < 105; i++) expect(gv[i]).toBe(ref[i] === 0 ? 0 : Math.fround(dyv[i]! * ref[i]!));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  it('rows are keyed by batch position: a micro-batch at rowOffset 2 gets rows 2.. of the whole batch', async () => {
    const whole = dropoutMaskReference([6, 40], attrs);
    const part = await dropoutOp(tf.ones([3, 40]), attrs.rate, { ...attrs, rowOffset: 2 }, attrs.site).data();
    expect(Array.from(part)).toEqual(Array.from(whole.subarray(80, 200)));
  });

  it('sites, steps and keys give different masks; the keep rate is 1 − rate', async () => {
    const m = (a: Partial<DropoutAttrs>) => Array.from(dropoutMaskReference([4, 1000], { ...attrs, ...a }));
    expect(m({ site: 3 })).not.toEqual(m({}));
    expect(m({ key1: 8 })).not.toEqual(m({}));
    expect(m({ key0: 1 })).not.toEqual(m({}));
    const big = await dropoutOp(tf.ones([8, 25000]), 0.3, attrs, 0).data();
    const kept = Array.from(big).filter((v) => v > 0).length / big.length;
    expect(Math.abs(kept - 0.7)).toBeLessThan(4 * Math.sqrt((0.7 * 0.3) / big.length));
    expect(big.every((v) => v === 0 || v === Math.fround(1 / 0.7))).toBe(true);
  });
});

describe('wasm Dropout: the forward mask is kept for the backward call', () => {
  beforeAll(useWasm);

  it('a second call with the same attributes takes the kept mask (same values) and frees it; other keys recompute', async () => {
    const a: DropoutAttrs = { ...attrs, key0: 0x1234, site: 9 };
    const x = tf.tensor(values(105), shape);
    const dy = tf.tensor(values(105).reverse(), shape);
    const held = dropoutMaskCacheSize().masks;
    const y = dropoutOp(x, a.rate, a, a.site);
    expect(dropoutMaskCacheSize().masks).toBe(held + 1);
    const other = dropoutOp(x, a.rate, { ...a, rowOffset: 1 }, a.site); // another key: its own mask
    expect(dropoutMaskCacheSize().masks).toBe(held + 2);
    const g = dropoutOp(dy, a.rate, a, a.site); // the backward's call: from the kept bytes
    expect(dropoutMaskCacheSize().masks).toBe(held + 1);
    const ref = dropoutMaskReference(shape, a);
    const dyv = await dy.data();
    const gv = await g.data();
    for (let i = 0; i < 105; i++) expect(gv[i]).toBe(ref[i] === 0 ? 0 : Math.fround(dyv[i]! * ref[i]!));
    const refOther = dropoutMaskReference(shape, { ...a, rowOffset: 1 });
    const ov = await other.data();
    const xv = await x.data();
    for (let i = 0; i < 105; i++) expect(ov[i]).toBe(refOther[i] === 0 ? 0 : Math.fround(xv[i]! * refOther[i]!));
    tf.dispose([x, dy, y, other, g, tf.tidy(() => dropoutOp(tf.ones(shape), a.rate, { ...a, rowOffset: 1 }, a.site))]);
    expect(dropoutMaskCacheSize().masks).toBe(held);
  });

  it('holds at most DROPOUT_MASK_CACHE_BYTES, dropping the oldest masks first', () => {
    const rows = 64;
    const rowSize = DROPOUT_MASK_CACHE_BYTES / rows / 4 + 8; // 4 such masks exceed the cap
    const made: tf.Tensor[] = [];
    for (let s = 0; s < 5; s++)
      made.push(tf.tidy(() => dropoutOp(tf.zeros([rows, rowSize]), 0.1, { ...attrs, key0: 77 }, 100 + s)));
    const { bytes, masks } = dropoutMaskCacheSize();
    expect(bytes).toBeLessThanOrEqual(DROPOUT_MASK_CACHE_BYTES);
    expect(masks).toBeLessThanOrEqual(3);
    tf.dispose(made);
  });
});
