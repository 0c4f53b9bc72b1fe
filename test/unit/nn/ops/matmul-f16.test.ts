/**
 * The mixed-precision product's reference (the cpu backend's `MatMulF16` kernel and the oracle of the
 * webgpu kernel in test/browser/matmul-f16-webgpu.test.ts): binary16 rounding by known answers, the
 * product against tfjs's float32 matMul of the rounded operands, the op's gradients against the same
 * composite, options validation, the wasm error, and the generated WGSL of both variants.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import {
  F16_MAX,
  hoistEnableDirectives,
  matMulF16Reference,
  matMulF16Wgsl,
  requestedFeatures,
  roundArrayToF16,
  roundToF16,
} from '../../../../src/nn/kernels/index.ts';
import { linear, linearF16, matMulF16, opsOptions } from '../../../../src/nn/ops/index.ts';
import { maxAbsDiff, useWasm } from '../helpers.ts';

const randArray = (n: number, seed: number, scale = 1): Float32Array => {
  const r = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => scale * r.normal());
};

describe('roundToF16', () => {
  it.each([
    ['1 + 2^-11 (a tie) to even', 1 + 2 ** -11, 1],
    ['1 + 3·2^-11 (a tie) to even', 1 + 3 * 2 ** -11, 1 + 2 ** -9],
    ['just above the tie rounds up', 1 + 2 ** -11 + 2 ** -20, 1 + 2 ** -10],
    ['65504 (largest half)', 65504, 65504],
    ['65519 rounds down to 65504', 65519, 65504],
    ['65520 overflows', 65520, Infinity],
    ['-65520 overflows', -65520, -Infinity],
    ['2^-24 (smallest subnormal)', 2 ** -24, 2 ** -24],
    ['3·2^-25 (a subnormal tie) to even', 3 * 2 ** -25, 2 ** -23],
    ['2^-26 underflows', 2 ** -26, 0],
    ['2^-14 (smallest normal)', 2 ** -14, 2 ** -14],
    ['0.1', 0.1, 0.0999755859375],
    ['-1/3', -1 / 3, -0.333251953125],
    ['Infinity', Infinity, Infinity],
  ])('%s', (_name, x, want) => {
    expect(roundToF16(x)).toBe(want);
  });

  it('keeps NaN and the sign of zero', () => {
    expect(roundToF16(NaN)).toBeNaN();
    expect(Object.is(roundToF16(-(2 ** -26)), -0)).toBe(true);
    expect(Object.is(roundToF16(0), 0)).toBe(true);
  });

  it('is idempotent and lands on the binary16 grid', () => {
    const x = randArray(2000, 3, 300);
    const h = roundArrayToF16(x);
    for (let i = 0; i < x.length; i++) {
      expect(roundToF16(h[i]!)).toBe(h[i]);
      // 11 significant bits: |x − h| ≤ half an ulp, ulp = 2^(e − 10).
      const e = Math.floor(Math.log2(Math.abs(h[i]!)));
      expect(Math.abs(x[i]! - h[i]!)).toBeLessThanOrEqual(2 ** (e - 11) * (1 + 1e-12));
    }
    expect(F16_MAX).toBe((2 - 2 ** -10) * 2 ** 15);
  });
});

describe('MatMulF16 reference on cpu', () => {
  beforeAll(async () => {
    await useWasm();
    expect(await tf.setBackend('cpu')).toBe(true);
  });
  afterAll(useWasm);

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA %s, transposeB %s: equals tf.matMul of the rounded operands', async (ta, tb) => {
    const [m, k, n] = [7, 13, 5];
    const a = randArray(m * k, 1);
    const b = randArray(k * n, 2);
    const aShape = ta ? [k, m] : [m, k];
    const bShape = tb ? [n, k] : [k, n];
    const want = tf.tidy(() =>
      tf.matMul(tf.tensor(roundArrayToF16(a), aShape), tf.tensor(roundArrayToF16(b), bShape), ta, tb),
    );
    const ref = matMulF16Reference(a, aShape, b, bShape, { transposeA: ta, transposeB: tb });
    const viaKernel = matMulF16(
      tf.tensor2d(a, aShape as [number, number]),
      tf.tensor2d(b, bShape as [number, number]),
      ta,
      tb,
    );
    const w = await want.data();
    // Both accumulate exact products in float32 (orders may differ): a few float32 ulps of the sum.
    expect(maxAbsDiff(ref, w)).toBeLessThan(1e-5);
    expect(Array.from(await viaKernel.data())).toEqual(Array.from(ref));
    // And they are not float32's product: the rounding is visible.
    const f32 = await tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb)).data();
    expect(maxAbsDiff(ref, f32)).toBeGreaterThan(1e-4);
    tf.dispose([want, viaKernel]);
  });

  it('a leading batch axis is per-slice', () => {
    const a = randArray(2 * 3 * 4, 5);
    const b = randArray(2 * 4 * 6, 6);
    const both = matMulF16Reference(a, [2, 3, 4], b, [2, 4, 6], { transposeA: false, transposeB: false });
    for (let g = 0; g < 2; g++) {
      const one = matMulF16Reference(a.subarray(g * 12, g * 12 + 12), [3, 4], b.subarray(g * 24, g * 24 + 24), [4, 6], {
        transposeA: false,
        transposeB: false,
      });
      expect(Array.from(both.subarray(g * 18, g * 18 + 18))).toEqual(Array.from(one));
    }
  });

  it('rejects shapes that do not fit', () => {
    expect(() =>
      matMulF16Reference([1, 2], [1, 2], [1, 2, 3], [3, 1], { transposeA: false, transposeB: false }),
    ).toThrow(/inner sizes/);
    expect(() => matMulF16Reference([1], [1, 1], [1], [1, 1, 1], { transposeA: false, transposeB: false })).toThrow(
      /rank/,
    );
  });

  it('linearF16 gradients equal the composite of rounded products (dA = dC·Bᵀ, dB = Aᵀ·dC)', async () => {
    const [m, k, n] = [9, 6, 11];
    const x = tf.tensor2d(randArray(m * k, 7), [m, k]);
    const w = tf.tensor2d(randArray(k * n, 8), [k, n]);
    const probe = tf.tensor2d(randArray(m * n, 9), [m, n]);
    const before = tf.memory().numTensors;
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(linearF16(a as tf.Tensor2D, b as tf.Tensor2D), probe)),
    )([x, w]);
    expect(tf.memory().numTensors).toBe(before + 2);
    const h = (t: tf.Tensor): tf.Tensor => tf.tensor(roundArrayToF16(t.dataSync()), t.shape);
    const [wantX, wantW] = tf.tidy(() => [
      tf.matMul(h(probe), h(w), false, true),
      tf.matMul(h(x), h(probe), true, false),
    ]);
    expect(maxAbsDiff(await gx!.data(), await wantX!.data())).toBeLessThan(1e-5);
    expect(maxAbsDiff(await gw!.data(), await wantW!.data())).toBeLessThan(1e-5);
    // linear with matmulPrecision 'f16' is this op; 'f32' is tfjs's product.
    const y16 = linear(x, w, opsOptions({ matmulPrecision: 'f16' }));
    const y16ref = linearF16(x, w);
    expect(Array.from(await y16.data())).toEqual(Array.from(await y16ref.data()));
    tf.dispose([x, w, probe, gx!, gw!, wantX!, wantW!, y16, y16ref]);
  });
});

describe('options and backends', () => {
  beforeAll(useWasm);

  it('opsOptions validates matmulPrecision', () => {
    expect(opsOptions({ matmulPrecision: 'f16' }).matmulPrecision).toBe('f16');
    expect(opsOptions().matmulPrecision).toBeUndefined();
    expect(() => opsOptions({ matmulPrecision: 'bf16' as never })).toThrow(
      /ops.matmulPrecision must be 'f32' or 'f16', got "bf16"/,
    );
  });

  it("'f16' on wasm fails with a clear message instead of running float32", () => {
    expect(tf.getBackend()).toBe('wasm');
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    const w = tf.ones([3, 4]) as tf.Tensor2D;
    expect(() => linear(x, w, opsOptions({ matmulPrecision: 'f16' }))).toThrow(
      /matmulPrecision 'f16' needs the DmcMatMulF16 kernel, which the 'wasm' backend does not have/,
    );
    tf.dispose([x, w]);
  });
});

describe('generated WGSL and the webgpu device', () => {
  it('native: enable f16 and f16 tiles; packed: core WGSL, u32 tiles of packed halves', () => {
    const native = matMulF16Wgsl({ transposeA: false, transposeB: false, variant: 'native' });
    expect(native.startsWith('enable f16;\n')).toBe(true);
    expect(native).toContain('var<workgroup> tileA : array<array<f16, 16>, 64>;');
    expect(native).toContain('var<workgroup> tileB : array<array<f16, 64>, 16>;');
    expect(native).toContain('f32(tileA[ly + 16 * i][p]) * bv');
    expect(native).not.toContain('pack2x16float');
    const packed = matMulF16Wgsl({ transposeA: false, transposeB: false, variant: 'packed' });
    expect(packed).not.toContain('enable');
    expect(packed).not.toMatch(/\bf16\b/);
    expect(packed).toContain('var<workgroup> tileA : array<array<u32, 8>, 64>;');
    expect(packed).toContain('var<workgroup> tileB : array<array<u32, 64>, 8>;');
    expect(packed).toContain('pack2x16float(vec2<f32>(');
    expect(packed).toContain('unpack2x16float(tileA[ly + 16 * i][p])');
  });

  it('transpose flags change only the operand indexing', () => {
    const nn = matMulF16Wgsl({ transposeA: false, transposeB: false, variant: 'packed' });
    const tt = matMulF16Wgsl({ transposeA: true, transposeB: true, variant: 'packed' });
    expect(nn).toContain('row * uniforms.dimK + col]');
    expect(nn).toContain('row * uniforms.dimN + col]');
    expect(tt).toContain('col * uniforms.dimM + row]');
    expect(tt).toContain('col * uniforms.dimK + row]');
  });

  it('enable directives move to the top, once, the rest of the text unchanged', () => {
    const code = 'struct S { x : f32 };\n  enable f16;\nvar<private> s : S;\nenable f16;\nfn f() {}\n';
    const out = hoistEnableDirectives(code);
    expect(out.split('\n')[0]).toBe('enable f16;');
    expect(out.match(/enable f16;/g)).toHaveLength(1);
    expect(out.replace(/\s+/g, '')).toBe(`enablef16;${code.replace(/enable f16;/g, '')}`.replace(/\s+/g, ''));
    expect(hoistEnableDirectives('fn f() {}')).toBe('fn f() {}');
  });

  it("the device asks for tfjs's features plus shader-f16, where offered", () => {
    const has = (list: string[]) => ({ features: { has: (f: string) => list.includes(f) } });
    expect(requestedFeatures(has(['subgroups', 'timestamp-query']))).toEqual(['timestamp-query']);
    expect(requestedFeatures(has(['shader-f16', 'bgra8unorm-storage']))).toEqual(['bgra8unorm-storage', 'shader-f16']);
  });
});
