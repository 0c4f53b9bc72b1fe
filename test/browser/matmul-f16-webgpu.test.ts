/**
 * The mixed-precision product on webgpu (SwiftShader here, whose adapter has no 'shader-f16', so the
 * packed variant runs): WGSL's pack2x16float rounding against roundToF16, the kernel and its gradients
 * against the TypeScript reference at sizes that do not divide the tile, and loss parity of a small
 * network trained with matmulPrecision 'f16' against 'f32'. Where the adapter offers 'shader-f16' the
 * same tests run the native variant (the kernel picks it from the device).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { Approximator, defaultNetworkConfig, fit, registerKernels, type SimBatch } from '../../src/nn/index.ts';
import { matMulF16Reference, matMulF16Wgsl, roundToF16, webgpuFeatures } from '../../src/nn/kernels/index.ts';
import { linearF16, matMulF16 } from '../../src/nn/ops/index.ts';
import { Rng } from '../../src/shared/rng.ts';

let adapterHasF16 = false;

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
  adapterHasF16 = (await navigator.gpu.requestAdapter())!.features.has('shader-f16');
});

const randArray = (n: number, seed: number, scale = 1): Float32Array<ArrayBuffer> => {
  const r = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => scale * r.normal());
};

/** Runs `body` (WGSL statements over in : array<f32>, out : array<f32>) on a raw device of its own. */
async function runRaw(input: Float32Array<ArrayBuffer>, body: string, header = ''): Promise<Float32Array> {
  const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
  const code = `${header}
@group(0) @binding(0) var<storage, read> src : array<f32>;
@group(0) @binding(1) var<storage, read_write> dst : array<f32>;
@compute @workgroup_size(1) fn main() {
  for (var i = 0u; i < arrayLength(&src); i++) {
    ${body}
  }
}`;
  const bytes = input.byteLength;
  const inBuf = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(inBuf, 0, input);
  const outBuf = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: inBuf } },
        { binding: 1, resource: { buffer: outBuf } },
      ],
    }),
  );
  pass.dispatchWorkgroups(1);
  pass.end();
  enc.copyBufferToBuffer(outBuf, 0, read, 0, bytes);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(read.getMappedRange().slice(0));
  device.destroy();
  return out;
}

it('WGSL unpack2x16float(pack2x16float(x)) equals roundToF16 on in-range values', async () => {
  // In range only: WGSL leaves the packing of values beyond ±65504 to the implementation.
  const x = Float32Array.from([
    1 + 2 ** -11,
    1 + 3 * 2 ** -11,
    1 + 2 ** -11 + 2 ** -20,
    65504,
    65519,
    2 ** -24,
    3 * 2 ** -25,
    2 ** -14,
    0.1,
    -1 / 3,
    0,
    -2.5,
    ...randArray(500, 11, 100),
  ]);
  const got = await runRaw(x, 'dst[i] = unpack2x16float(pack2x16float(vec2<f32>(src[i], 0.0))).x;');
  const want = Float32Array.from(x, roundToF16);
  expect(Array.from(got)).toEqual(Array.from(want));
});

it("the backend's device comes from this project's factory and has shader-f16 exactly when the adapter offers it", () => {
  expect(webgpuFeatures()).toEqual({ shaderF16: adapterHasF16 });
  // Only our factory's device moves `enable` directives up, by wrapping createShaderModule.
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  expect(device.createShaderModule).not.toBe(GPUDevice.prototype.createShaderModule);
});

it('native variant: enable f16 compiles and f16(x) rounds like roundToF16 (needs shader-f16)', async (ctx) => {
  // SwiftShader has no 'shader-f16'; the packed variant, tested below, is what runs there.
  if (!adapterHasF16) ctx.skip('this adapter does not offer shader-f16');
  const x = randArray(200, 12, 100);
  const got = await runRaw(x, 'dst[i] = f32(f16(src[i]));', 'enable f16;');
  expect(Array.from(got)).toEqual(Array.from(x, roundToF16));
  expect(matMulF16Wgsl({ transposeA: false, transposeB: false, variant: 'native' })).toContain('enable f16;');
});

it.each([
  [17, 33, 19, false, false],
  [17, 33, 19, true, false],
  [17, 33, 19, false, true],
  [17, 33, 19, true, true],
  [1, 1, 1, false, false],
  [40, 7, 3, true, true],
])('kernel (M %i, K %i, N %i, transposeA %s, transposeB %s) equals the reference', async (m, k, n, ta, tb) => {
  const aShape: [number, number] = ta ? [k, m] : [m, k];
  const bShape: [number, number] = tb ? [n, k] : [k, n];
  const a = randArray(m * k, m + k, 3);
  const b = randArray(k * n, n + 100, 3);
  const before = tf.memory().numTensors;
  const ta2 = tf.tensor2d(a, aShape);
  const tb2 = tf.tensor2d(b, bShape);
  const c = matMulF16(ta2, tb2, ta, tb);
  expect(c.shape).toEqual([m, n]);
  // Same exact products summed in the same k order: equal to the last bit.
  expect(Array.from(await c.data())).toEqual(
    Array.from(matMulF16Reference(a, aShape, b, bShape, { transposeA: ta, transposeB: tb })),
  );
  tf.dispose([ta2, tb2, c]);
  expect(tf.memory().numTensors).toBe(before);
});

it('a leading batch axis', async () => {
  const a = randArray(3 * 5 * 9, 21);
  const b = randArray(3 * 9 * 18, 22);
  const c = matMulF16(tf.tensor3d(a, [3, 5, 9]), tf.tensor3d(b, [3, 9, 18]));
  expect(Array.from(await c.data())).toEqual(
    Array.from(matMulF16Reference(a, [3, 5, 9], b, [3, 9, 18], { transposeA: false, transposeB: false })),
  );
});

it('linearF16 gradients equal the reference products dC·Bᵀ and Aᵀ·dC', async () => {
  const [m, k, n] = [21, 18, 35];
  const xv = randArray(m * k, 31);
  const wv = randArray(k * n, 32);
  const dv = randArray(m * n, 33);
  const x = tf.tensor2d(xv, [m, k]);
  const w = tf.tensor2d(wv, [k, n]);
  const probe = tf.tensor2d(dv, [m, n]);
  const before = tf.memory().numTensors;
  const [gx, gw] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
    tf.sum(tf.mul(linearF16(p as tf.Tensor2D, q as tf.Tensor2D), probe)),
  )([x, w]);
  expect(tf.memory().numTensors).toBe(before + 2);
  expect(Array.from(await gx!.data())).toEqual(
    Array.from(matMulF16Reference(dv, [m, n], wv, [k, n], { transposeA: false, transposeB: true })),
  );
  expect(Array.from(await gw!.data())).toEqual(
    Array.from(matMulF16Reference(xv, [m, k], dv, [m, n], { transposeA: true, transposeB: false })),
  );
  tf.dispose([x, w, probe, gx!, gw!]);
});

const config = defaultNetworkConfig({
  embedDim: 16,
  numHeads: 1,
  mlpWidths: [16],
  numSeeds: 1,
  summaryDim: 4,
  flowWidths: [16, 16],
  paramDim: 3,
  dropout: 0.05,
});

function sets(count: number, numObs: number, seed: number): SimBatch {
  const r = Rng.fromSeed(seed);
  return {
    n: count,
    numObs,
    paramNames: ['A', 'tau', 'b'],
    params: Float64Array.from({ length: count * 3 }, () => r.normal()),
    rt: Float32Array.from({ length: count * numObs }, () => 0.25 + r.float()),
    accuracy: Float32Array.from({ length: count * numObs }, () => (r.float() < 0.9 ? 1 : 0)),
    conditions: Float32Array.from({ length: count * numObs }, (_, i) => i % 2),
  };
}

/** The step losses of 2 optimizer steps (batch 8, N 50) from seed 5, and the tensors left afterwards. */
async function trainLosses(matmulPrecision: 'f32' | 'f16'): Promise<{ losses: number[]; leaked: number }> {
  const before = tf.memory().numTensors;
  const a = new Approximator(config, { seed: 5, ops: { matmulPrecision } });
  const losses: number[] = [];
  await fit(a, sets(16, 50, 6), sets(2, 50, 7), {
    epochs: 1,
    batchSize: 8,
    lr: 1e-3,
    seed: 5,
    onBatch: (p) => losses.push(p.loss),
  });
  a.dispose();
  return { losses, leaked: tf.memory().numTensors - before };
}

// Measured on SwiftShader: losses 21.8645, 11.1494 (f32) vs 21.8620, 11.1461 (f16), 1e-4 and 3e-4 apart.
it('loss parity: the same network trained 2 steps in f16 and f32 agrees to 1e-2 relative, not identically', async () => {
  const f32 = await trainLosses('f32');
  const f16 = await trainLosses('f16');
  expect(f32.leaked).toBe(0);
  expect(f16.leaked).toBe(0);
  expect(f16.losses).toHaveLength(2);
  for (let i = 0; i < 2; i++) {
    expect(Number.isFinite(f16.losses[i])).toBe(true);
    expect(Math.abs(f16.losses[i]! - f32.losses[i]!) / Math.abs(f32.losses[i]!)).toBeLessThan(1e-2);
  }
  // binary16 operands change the numbers: had the f16 path not run, the losses would be equal.
  expect(f16.losses).not.toEqual(f32.losses);
}, 60_000);
