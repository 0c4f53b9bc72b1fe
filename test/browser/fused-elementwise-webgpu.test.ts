/**
 * The LayerNorm and bias + activation kernels on webgpu (SwiftShader) against the composite tfjs ops on
 * the same backend, in values and gradients; no leaked tensors; and what they save: programs
 * dispatched and bytes uploaded for one forward + backward, counted at the backend's own
 * `recordAndSubmit` and `uploadToGPU` (tfjs-backend-webgpu 4.22), with the composite's `ones` upload
 * (tfjs's Mean gradient) shown present before and absent after.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  layerNormGradReference,
  layerNormReference,
  registerKernels,
  type BiasActivation,
} from '../../src/nn/kernels/index.ts';
import {
  biasAct,
  biasActComposite,
  biasActFused,
  columnSum,
  DEFAULT_OPS,
  gelu,
  layerNorm,
  layerNormComposite,
  layerNormFused,
  type BiasActDropout,
} from '../../src/nn/ops/index.ts';
import { Dense } from '../../src/nn/blocks/dense.ts';
import { dropout, dropoutStream, type ForwardContext } from '../../src/nn/blocks/context.ts';
import { ParamStore } from '../../src/nn/model/params.ts';

/** Deterministic values in about [−2.5, 3.4], varied enough for statistics per row. */
function values(n: number, seed: number, scale = 1, shift = 0): Float32Array {
  return Float32Array.from(
    { length: n },
    (_, i) => shift + scale * ((((i + seed) * 7919) % 101) / 17 - 2.5 + Math.sin(i * 0.37 + seed)),
  );
}
const tensor = (shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor =>
  tf.tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
      scale,
      shift,
    ),
    shape,
  );

async function maxDiff(a: tf.Tensor, b: tf.Tensor, relative = false): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [av, bv] = [await a.data(), await b.data()];
  let m = 0;
  for (let i = 0; i < av.length; i++)
    m = Math.max(m, Math.abs(av[i]! - bv[i]!) / (relative ? Math.max(1, Math.abs(bv[i]!)) : 1));
  return m;
}

interface Counts {
  dispatches: string[];
  uploads: number[];
}

/** Programs dispatched and bytes uploaded while `fn` runs (its result disposed). */
async function count(fn: () => tf.Tensor | tf.Tensor[]): Promise<Counts> {
  const backend = tf.backend() as unknown as {
    recordAndSubmit(program: { shaderKey: string }, ...rest: unknown[]): void;
    uploadToGPU(dataId: object): void;
    tensorMap: { get(id: object): { resource: unknown; values: unknown; shape: number[] } };
  };
  const c: Counts = { dispatches: [], uploads: [] };
  const record = backend.recordAndSubmit.bind(backend);
  const upload = backend.uploadToGPU.bind(backend);
  backend.recordAndSubmit = (program, ...rest) => {
    c.dispatches.push(program.shaderKey.split('_')[0]!);
    record(program, ...rest);
  };
  backend.uploadToGPU = (id) => {
    const d = backend.tensorMap.get(id);
    if (d.resource == null && d.values != null) c.uploads.push(4 * d.shape.reduce((a, b) => a * b, 1));
    upload(id);
  };
  try {
    const out = fn();
    await Promise.all((Array.isArray(out) ? out : [out]).map((t) => t.data()));
    tf.dispose(out);
  } finally {
    backend.recordAndSubmit = record;
    backend.uploadToGPU = upload;
  }
  return c;
}

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

describe('LayerNorm on webgpu', () => {
  it('takes the kernel path', () => {
    expect(layerNormFused(tf.zeros([1, 2]))).toBe(true);
  });

  // 5 and 70 columns: fewer and not a multiple of the 64-wide workgroup; 130 rows: three 64-row
  // blocks in the parameter gradient, the last partial.
  for (const [shape, shift] of [
    [[7, 5], 0],
    [[2, 9, 70], 3],
    [[130, 33], -20],
  ] as [number[], number][]) {
    it(`kernels match the composite for x [${shape.join(',')}]: values, dx, dγ, dβ; no leak`, async () => {
      const d = shape[shape.length - 1]!;
      const x = tensor(shape, 1, 2, shift);
      const gamma = tensor([d], 2, 0.3, 1) as tf.Tensor1D;
      const beta = tensor([d], 3) as tf.Tensor1D;
      const dy = tensor(shape, 4);
      const before = tf.memory().numTensors;
      const fused = layerNorm(x, gamma, beta, 1e-3);
      const composite = layerNormComposite(x, gamma, beta, 1e-3);
      // Tolerances: float32 sums in other orders (a workgroup tree vs tfjs's reduction), values ≈ 1–10.
      expect(await maxDiff(fused, composite)).toBeLessThan(5e-5);
      const gf = tf.grads((a, g, b) => layerNorm(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3))([x, gamma, beta], dy);
      const gc = tf.grads((a, g, b) => layerNormComposite(a, g, b, 1e-3))([x, gamma, beta], dy);
      expect(await maxDiff(gf[0]!, gc[0]!)).toBeLessThan(1e-4);
      expect(await maxDiff(gf[1]!, gc[1]!)).toBeLessThan(5e-4); // sums over ≤ 130 rows
      expect(await maxDiff(gf[2]!, gc[2]!)).toBeLessThan(5e-4);
      tf.dispose([fused, composite, ...gf, ...gc]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, gamma, beta, dy]);
    });
  }

  it('more rows than workgroups (4,096, each taking every 4,096th row) normalise every row once', async () => {
    const shape = [4_500, 2]; // two turns, the second short
    const xv = values(4_500 * 2, 5);
    const x = tf.tensor(xv, shape);
    const gamma = tf.tensor1d([1.5, -0.5]);
    const beta = tf.tensor1d([0.25, 2]);
    const f = layerNorm(x, gamma, beta, 1e-3);
    const ref = layerNormReference(xv, Float32Array.of(1.5, -0.5), Float32Array.of(0.25, 2), 2, 1e-3);
    const fv = await f.data();
    let m = 0;
    for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(fv[i]! - ref[i]!));
    expect(m).toBeLessThan(1e-5);
    const dyv = values(4_500 * 2, 6);
    const dy = tf.tensor(dyv, shape);
    const dx = tf.grad((a: tf.Tensor) => layerNorm(a, gamma, beta, 1e-3))(x, dy);
    const dxRef = layerNormGradReference(dyv, xv, Float32Array.of(1.5, -0.5), 2, 1e-3);
    const dxv = await dx.data();
    m = 0;
    for (let i = 0; i < dxRef.length; i++) m = Math.max(m, Math.abs(dxv[i]! - dxRef[i]!));
    expect(m).toBeLessThan(1e-3); // rows of two values: r·(g − mean g − x̂·mean g·x̂) up to ≈ 30
    tf.dispose([x, gamma, beta, f, dy, dx]);
  });

  it('columnSum in two passes (1,000 rows) and in one (40) equals tf.sum over the rows', async () => {
    for (const rows of [1000, 40]) {
      const x = tensor([rows, 9], 14) as tf.Tensor2D;
      const s = columnSum(x, 2, 5);
      const ref = tf.sum(tf.slice(x, [0, 2], [rows, 5]), 0);
      expect(await maxDiff(s, ref)).toBeLessThan(2e-3); // sums of ≈ 1,000 values of size ≈ 2
      tf.dispose([x, s, ref]);
    }
  });

  it('one forward + backward: dispatches before/after, and no ones(x.shape) uploaded', async () => {
    const shape = [8, 50, 64];
    const xBytes = 4 * 8 * 50 * 64;
    const x = tensor(shape, 6);
    const gamma = tensor([64], 7, 0.2, 1) as tf.Tensor1D;
    const beta = tensor([64], 8) as tf.Tensor1D;
    const dy = tensor(shape, 9);
    const step = (f: typeof layerNorm) => () =>
      tf.grads((a, g, b) => f(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3))([x, gamma, beta], dy);
    await count(step(layerNormComposite)); // uploads the inputs, compiles the pipelines
    await count(step(layerNorm));
    const before = await count(step(layerNormComposite));
    const after = await count(step(layerNorm));
    console.log(
      `LayerNorm fwd+bwd [8,50,64]: composite ${before.dispatches.length} dispatches (${before.dispatches.join(' ')}), uploads ${JSON.stringify(before.uploads)} B; fused ${after.dispatches.length} (${after.dispatches.join(' ')}), uploads ${JSON.stringify(after.uploads)} B`,
    );
    expect(before.uploads).toContain(xBytes); // tfjs's Mean gradient: ones(x.shape) made in JS
    expect(after.uploads.every((b) => b < xBytes)).toBe(true);
    expect(after.dispatches).toEqual(['dmc', 'dmc', 'dmc', 'dmc', 'dmc']); // forward, dx, partials, 2 column sums
    expect(before.dispatches.length).toBeGreaterThan(15);
    tf.dispose([x, gamma, beta, dy]);
  });
});

describe('bias + activation on webgpu', () => {
  const drop: BiasActDropout = { rate: 0.3, key: { key0: 0xdeadbeef, key1: 5, rowOffset: 2 }, site: 3 };

  it('takes the kernel path', () => {
    expect(biasActFused(tf.zeros([1, 2]))).toBe(true);
  });

  for (const activation of ['identity', 'gelu', 'mish'] as BiasActivation[]) {
    it(`${activation}: kernels match the composite with and without dropout, incl. large |x|; no leak`, async () => {
      // Rows of 3·37 = 111 values end inside a group of 8; column 0 is large (mish's cap at 20, gelu's tails).
      const shape = [5, 3, 37];
      const v = values(5 * 3 * 37, 11, 1.5);
      const big = [-100, -40, -9, 9, 19.5, 20, 20.5, 30, 60, 100];
      for (let i = 0; i < 15; i++) v[i * 37] = big[i % big.length]! - 0.25;
      const x = tf.tensor(v, shape);
      const bias = tensor([37], 12, 0.3) as tf.Tensor1D;
      const dy = tensor(shape, 13);
      for (const d of [null, drop]) {
        const before = tf.memory().numTensors;
        const fused = biasAct(x, bias, activation, d);
        const composite = biasActComposite(x, bias, activation, d);
        // Same float32 operations in the same order; 2e-6 relative allows for another exp/erf rounding.
        expect(await maxDiff(fused, composite, true)).toBeLessThan(2e-6);
        const gf = tf.grads((a, b) => biasAct(a, b as tf.Tensor1D, activation, d))([x, bias], dy);
        const gc = tf.grads((a, b) => biasActComposite(a, b, activation, d))([x, bias], dy);
        // The composite's mish gradient loses ≈ 1e-6 to cancellation in tfjs's Div gradient at large x.
        expect(await maxDiff(gf[0]!, gc[0]!, true)).toBeLessThan(1e-5);
        expect(await maxDiff(gf[1]!, gc[1]!)).toBeLessThan(1e-4); // sums over 15 rows
        tf.dispose([fused, composite, ...gf, ...gc]);
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([x, bias, dy]);
    });
  }

  it('Dense + dropout + gelu, one forward + backward: the same gradients in fewer dispatches', async () => {
    const store = new ParamStore(3);
    const dense = new Dense(store.scope('d'), 32, 64, { kernelInit: 'he_normal' });
    const x = tensor([4, 20, 32], 21, 0.2);
    const dy = tensor([4, 20, 64], 22);
    const ctx = (): ForwardContext => ({
      training: true,
      dropout: dropoutStream({ key0: 77, key1: 1, rowOffset: 0 }),
      ops: DEFAULT_OPS,
    });
    const params = [x, dense.kernel, dense.bias!];
    // The ops Dense ran before the fused kernels (linear is tf.matMul on webgpu), and through the layer now.
    const oldDense = (): tf.Tensor =>
      tf.reshape(tf.add(tf.matMul(tf.reshape(x, [-1, 32]), dense.kernel), dense.bias!), [4, 20, 64]);
    // The variables are the same tensors the layer reads, so tf.grads differentiates with respect to them.
    const separate = () =>
      tf.grads(() => {
        const c = ctx();
        return gelu(dropout(oldDense(), 0.1, c));
      })(params, dy);
    const fused = () => tf.grads(() => dense.applyActivated(x, ctx(), 'gelu', 0.1))(params, dy);
    const plainBefore = () => tf.grads(oldDense)(params, dy);
    const plainAfter = () => tf.grads(() => dense.apply(x, ctx()))(params, dy);
    // First runs: upload the inputs, compile the pipelines, and compare.
    for (const [f, g] of [
      [separate, fused],
      [plainBefore, plainAfter],
    ]) {
      const [a, b] = [f!(), g!()];
      for (let i = 0; i < 3; i++) expect(await maxDiff(a[i]!, b[i]!, true)).toBeLessThan(1e-4);
      tf.dispose([...a, ...b]);
    }
    const before = await count(separate);
    const after = await count(fused);
    const plain = [await count(plainBefore), await count(plainAfter)];
    console.log(
      `Dense(32→64)+dropout+gelu fwd+bwd [4,20,32]: before ${before.dispatches.length} dispatches (${before.dispatches.join(' ')}); after ${after.dispatches.length} (${after.dispatches.join(' ')}); uploads ${JSON.stringify(before.uploads)} / ${JSON.stringify(after.uploads)} B`,
    );
    console.log(
      `Dense(32→64) alone fwd+bwd: before ${plain[0]!.dispatches.join(' ')}; after ${plain[1]!.dispatches.join(' ')}`,
    );
    expect(after.dispatches.length).toBeLessThan(before.dispatches.length);
    expect(plain[1]!.dispatches.length).toBeLessThanOrEqual(plain[0]!.dispatches.length);
    tf.dispose([x, dy]);
  });
});
