/**
 * The kernel registry (src/nn/kernels/): one list registered once, reference implementations as the
 * oracle of the backend kernels, and ops that choose kernel or composite path by backend, dtype and
 * the caller's explicit OpsOptions.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../../src/shared/rng.ts';
import {
  hasKernel,
  KERNELS,
  registerKernels,
  SlicedMatMul,
  slicedMatMulReference,
  TakeSlice,
  takeSliceReference,
} from '../../../src/nn/kernels/index.ts';
import { batchedMatMul, opsOptions, slice2d } from '../../../src/nn/ops/index.ts';
import {
  Approximator,
  DataSets,
  defaultNetworkConfig,
  fitStandardization,
  validationLoss,
} from '../../../src/nn/index.ts';
import { randomBatch, useWasm } from './helpers.ts';

beforeAll(useWasm);
afterEach(async () => {
  if (tf.getBackend() !== 'wasm') await useWasm();
});

const values = (n: number, seed: number): Float32Array => {
  const r = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => r.normal());
};

describe('registry', () => {
  it('lists each (kernel, backend) once, and registering again changes nothing and warns nothing', () => {
    const keys = KERNELS.map((k) => `${k.config.kernelName}/${k.config.backendName}`);
    expect(new Set(keys).size).toBe(keys.length);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerKernels();
    registerKernels();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    for (const k of KERNELS) expect(tf.getKernel(k.config.kernelName, k.config.backendName)).toBeDefined();
  });

  it('hasKernel: by backend and dtype (wasm float32 only, cpu numeric dtypes, no webgpu kernel yet)', () => {
    expect(hasKernel(TakeSlice, 'wasm', 'float32')).toBe(true);
    expect(hasKernel(TakeSlice, 'wasm', 'int32')).toBe(false);
    expect(hasKernel(TakeSlice, 'cpu', 'int32')).toBe(true);
    expect(hasKernel(TakeSlice, 'webgpu', 'float32')).toBe(false);
    expect(hasKernel('NoSuchKernel', 'wasm', 'float32')).toBe(false);
  });
});

describe('TakeSlice', () => {
  it('reference: slice g of a (G, M, K) array, copied; the error names a bad index or rank', () => {
    const x = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i);
    const s = takeSliceReference(x, [2, 3, 2], 1);
    expect(Array.from(s)).toEqual([6, 7, 8, 9, 10, 11]);
    s[0] = -1;
    expect(x[6]).toBe(6);
    expect(() => takeSliceReference(x, [2, 3, 2], 2)).toThrow('takeSlice: index must be an integer in [0, 2), got 2');
    expect(() => takeSliceReference(x, [12], 0)).toThrow('expected a rank-3 tensor, got shape [12]');
  });

  it.each(['wasm', 'cpu'] as const)(
    'the %s kernel equals the reference for every slice, without leaks',
    async (backend) => {
      await tf.setBackend(backend);
      const shape = [4, 5, 3];
      const v = values(60, 11);
      const x = tf.tensor3d(v, shape as [number, number, number]);
      const before = tf.memory().numTensors;
      for (let g = 0; g < 4; g++) {
        const s = tf.engine().runKernel(TakeSlice, { x }, { index: g }) as tf.Tensor2D;
        expect(s.shape).toEqual([5, 3]);
        expect(Array.from(await s.data())).toEqual(Array.from(takeSliceReference(v, shape, g)));
        s.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    },
  );

  it('slice2d takes the kernel on cpu for int32 too (same values as the composite gather)', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const s = slice2d(x, 1);
    expect(s.dtype).toBe('int32');
    expect(Array.from(await s.data())).toEqual([5, 6, 7, 8]);
    tf.dispose([x, s]);
  });
});

describe('SlicedMatMul', () => {
  it('reference: slice-by-slice products; the error names shapes that do not multiply', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // (2, 2, 2)
    const b = Float32Array.from([1, 0, 0, 1, 2, 0, 0, 2]); // (2, 2, 2): I, then 2·I
    expect(Array.from(slicedMatMulReference(a, [2, 2, 2], b, [2, 2, 2]))).toEqual([1, 2, 3, 4, 10, 12, 14, 16]);
    expect(() => slicedMatMulReference(a, [2, 2, 2], b, [1, 2, 4])).toThrow('do not multiply slice by slice');
  });

  it.each(['wasm', 'cpu'] as const)(
    'the %s kernel equals the reference (and tf.matMul), without leaks, also for empty slices',
    async (backend) => {
      await tf.setBackend(backend);
      for (const [g, m, k, n] of [
        [6, 7, 5, 9],
        [3, 33, 16, 1],
        [2, 4, 0, 3],
        [0, 4, 2, 3],
      ] as const) {
        const av = values(g * m * k, 3);
        const bv = values(g * k * n, 4);
        const a = tf.tensor3d(av, [g, m, k]);
        const b = tf.tensor3d(bv, [g, k, n]);
        const before = tf.memory().numTensors;
        const out = tf.engine().runKernel(SlicedMatMul, { a, b }) as tf.Tensor3D;
        expect(out.shape).toEqual([g, m, n]);
        const got = await out.data();
        const ref = slicedMatMulReference(av, [g, m, k], bv, [g, k, n]);
        for (let i = 0; i < ref.length; i++)
          expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(ref[i]!)));
        out.dispose();
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([a, b]);
      }
    },
  );

  it('wasm: batchedMatMul through the kernel has the gradients of the native product', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor4d(values(2 * 3 * 5 * 4, 5), [2, 3, 5, 4]);
    const b = tf.tensor4d(values(2 * 3 * 6 * 4, 6), [2, 3, 6, 4]);
    const w = tf.tensor4d(values(2 * 3 * 5 * 6, 7), [2, 3, 5, 6]);
    const loss = (ops: ReturnType<typeof opsOptions>) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(batchedMatMul(x as tf.Tensor4D, y as tf.Tensor4D, true, ops), w));
    const viaKernel = tf.grads(loss(opsOptions({ matmul: 'untransposed', sliceMinMacs: 0 })))([a, b]);
    const native = tf.grads(loss(opsOptions({ matmul: 'native' })))([a, b]);
    for (let i = 0; i < 2; i++) {
      const got = await viaKernel[i]!.data();
      const ref = await native[i]!.data();
      for (let j = 0; j < ref.length; j++)
        expect(Math.abs(got[j]! - ref[j]!)).toBeLessThan(1e-5 * (1 + Math.abs(ref[j]!)));
    }
    tf.dispose([a, b, w, ...viaKernel, ...native]);
  });
});

describe('Identity on wasm (an alias, not a copy)', () => {
  it('tf.clone shares the bytes, survives the original and frees them with the last holder', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d(values(12, 8), [3, 4]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers); // no new buffer
    const xv = Array.from(await x.data());
    x.dispose();
    expect(Array.from(await y.data())).toEqual(xv);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });
});

describe('OpsOptions', () => {
  it('rejects bad values by name', () => {
    expect(() => opsOptions({ matmul: 'fast' as 'auto' })).toThrow(
      `ops.matmul must be 'auto', 'native' or 'untransposed', got "fast"`,
    );
    expect(() => opsOptions({ sliceMinMacs: -1 })).toThrow(
      'ops.sliceMinMacs must be a non-negative number (or Infinity), got -1',
    );
    expect(opsOptions({ sliceMinMacs: Infinity }).sliceMinMacs).toBe(Infinity);
  });

  it("an Approximator's ops choose the path of all its forward passes; every path gives the same loss", async () => {
    const config = defaultNetworkConfig({
      embedDim: 8,
      numHeads: 2,
      mlpWidths: [8],
      numSeeds: 2,
      summaryDim: 4,
      flowWidths: [16],
      paramDim: 3,
    });
    const val = DataSets.from(randomBatch(6, 9, 3, 3));
    const standardization = fitStandardization(DataSets.from(randomBatch(8, 9, 4, 3)));
    const losses: number[] = [];
    for (const matmul of ['native', 'untransposed', 'auto'] as const) {
      const a = new Approximator(config, { seed: 2, ops: { matmul, sliceMinMacs: 0 } });
      expect(a.inference.ops.matmul).toBe(matmul);
      losses.push(await validationLoss(a, val, standardization, { batchSize: 4, seed: 1, epoch: 0 }));
      a.dispose();
    }
    expect(Math.abs(losses[1]! - losses[0]!)).toBeLessThan(1e-5 * Math.abs(losses[0]!));
    expect(Math.abs(losses[2]! - losses[0]!)).toBeLessThan(1e-5 * Math.abs(losses[0]!));
  });
});
