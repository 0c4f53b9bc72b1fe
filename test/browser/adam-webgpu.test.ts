/**
 * The multi-tensor Adam kernel on webgpu (SwiftShader here): the same parameters as the per-variable
 * tfjs path and the TypeScript reference over three steps, a non-finite loss leaving everything
 * untouched, two GPU dispatches per update whatever the number of variables, and no tensor or GPU
 * buffer left behind.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { multiAdamReference, multiAdamStateSize, registerKernels } from '../../src/nn/kernels/index.ts';
import { Approximator, defaultNetworkConfig } from '../../src/nn/index.ts';
import { Adam, REFERENCE_ADAM } from '../../src/nn/training/adam.ts';
import { Rng } from '../../src/shared/rng.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

const SHAPES = [[1], [7], [3, 4], [2, 3, 5], [300], [17, 3], [16, 16], [1, 9], [64, 32], [5]];
const LRS = [1e-2, 3e-3, 1e-3];
const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

function problem(shapes: number[][], steps: number): { init: Float32Array[]; grads: Float32Array[][] } {
  const r = Rng.fromSeed(3);
  const init = shapes.map((s) => Float32Array.from({ length: size(s) }, () => r.normal()));
  // Every third gradient has a norm far above the clip norm 1.5, the rest below it.
  const grads = Array.from({ length: steps }, (_, t) =>
    shapes.map((s, k) => Float32Array.from({ length: size(s) }, () => ((k + t) % 3 === 0 ? 1 : 0.02) * r.normal())),
  );
  return { init, grads };
}

/** Trains the problem's variables with `losses` as guards; returns the final parameters. */
async function run(multiTensor: boolean, losses: number[]): Promise<{ params: Float32Array[]; halted: boolean }> {
  const { init, grads } = problem(SHAPES, losses.length);
  const vars = init.map((v, k) => tf.tidy(() => tf.variable(tf.tensor(v, SHAPES[k]))));
  const adam = new Adam(vars, REFERENCE_ADAM, { multiTensor });
  expect(adam.guardsOnDevice).toBe(multiTensor);
  for (let t = 0; t < losses.length; t++) {
    const g = Object.fromEntries(vars.map((x, k) => [x.name, tf.tensor(grads[t]![k]!, SHAPES[k])]));
    const loss = tf.scalar(losses[t]!);
    await adam.applyIfFinite(g, LRS[t]!, loss);
    tf.dispose([...Object.values(g), loss]);
  }
  const params = await Promise.all(vars.map(async (x) => (await x.data()) as Float32Array));
  const halted = await adam.halted();
  adam.dispose();
  tf.dispose(vars);
  return { params, halted };
}

function reference(losses: number[]): Float32Array[] {
  const { init, grads } = problem(SHAPES, losses.length);
  let params: Float32Array[] = init;
  let state: Float32Array = new Float32Array(multiAdamStateSize(init.reduce((p, v) => p + v.length, 0)));
  losses.forEach((loss, t) => {
    const { beta1, beta2, epsilon } = REFERENCE_ADAM;
    const alpha = (LRS[t]! * Math.sqrt(1 - beta2 ** (t + 1))) / (1 - beta1 ** (t + 1));
    ({ params, state } = multiAdamReference(params, grads[t]!, state, loss, {
      alpha,
      beta1,
      beta2,
      epsilon,
      clipNorm: 1.5,
    }));
  });
  return params;
}

function maxRel(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, k) =>
    x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[k]![i]!) / (1 + Math.abs(b[k]![i]!))))),
  );
  return worst;
}

it('multi-tensor Adam on webgpu = the per-variable path = the reference, over 3 steps with clipping', async () => {
  const multi = await run(true, [1, 1, 1]);
  const perVar = await run(false, [1, 1, 1]);
  const ref = reference([1, 1, 1]);
  const [vsPerVar, vsRef] = [maxRel(multi.params, perVar.params), maxRel(multi.params, ref)];
  console.log(`multi-tensor vs per-variable ${vsPerVar.toExponential(2)}, vs reference ${vsRef.toExponential(2)}`);
  expect(vsPerVar).toBeLessThanOrEqual(1e-6);
  expect(vsRef).toBeLessThanOrEqual(1e-6);
  expect(multi.halted).toBe(false);
  // The steps moved every variable.
  const init = problem(SHAPES, 3).init;
  multi.params.forEach((p, k) => expect(maxRel([p], [init[k]!])).toBeGreaterThan(1e-4));
});

it('a non-finite loss (also with NaN gradients, as NaN data gives) leaves the parameters untouched, bit for bit, and halts every later step', async () => {
  for (const bad of [NaN, Infinity]) {
    const got = await run(true, [1, bad, 1]);
    const ref = reference([1, bad, 1]);
    const one = reference([1]);
    expect(got.halted).toBe(true);
    // After the first step nothing moved: the guard (and the halt) on the GPU, bit for bit.
    expect(maxRel(ref, one)).toBe(0);
    expect(maxRel(got.params, (await run(true, [1])).params)).toBe(0);
  }
  // NaN gradients under a NaN loss.
  const vars = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 5))));
  const before = await Promise.all(vars.map(async (x) => (await x.data()) as Float32Array));
  const adam = new Adam(vars);
  const g = Object.fromEntries(vars.map((x) => [x.name, tf.fill(x.shape, NaN)]));
  const loss = tf.scalar(NaN);
  await adam.applyIfFinite(g, 1e-2, loss);
  const after = await Promise.all(vars.map(async (x) => (await x.data()) as Float32Array));
  expect(maxRel(after, before)).toBe(0);
  expect(await adam.halted()).toBe(true);
  tf.dispose([...Object.values(g), loss, ...vars]);
  adam.dispose();
});

/** GPU dispatches (programs recorded by tfjs) and buffer copies made while `f` runs. */
function countGpuWork(f: () => void): { dispatches: number; copies: number } {
  const backend = tf.backend() as unknown as { recordAndSubmit: (...a: unknown[]) => void };
  const record = backend.recordAndSubmit;
  const copyProto = GPUCommandEncoder.prototype;
  const copy = copyProto.copyBufferToBuffer;
  const n = { dispatches: 0, copies: 0 };
  backend.recordAndSubmit = function (this: unknown, ...a: unknown[]) {
    n.dispatches++;
    return record.apply(this, a);
  };
  copyProto.copyBufferToBuffer = function (
    this: GPUCommandEncoder,
    ...a: Parameters<GPUCommandEncoder['copyBufferToBuffer']>
  ) {
    n.copies++;
    return copy.apply(this, a);
  } as GPUCommandEncoder['copyBufferToBuffer'];
  try {
    f();
  } finally {
    backend.recordAndSubmit = record;
    copyProto.copyBufferToBuffer = copy;
  }
  return n;
}

/** Dispatches and copies of the second update (the first also uploads the constants). */
async function workOfOneUpdate(
  vars: tf.Variable[],
  multiTensor: boolean,
): Promise<{ dispatches: number; copies: number }> {
  const adam = new Adam(vars, REFERENCE_ADAM, { multiTensor });
  const g = Object.fromEntries(vars.map((x) => [x.name, tf.onesLike(x)]));
  const loss = tf.scalar(1);
  await adam.applyIfFinite(g, 1e-3, loss);
  await vars[0]!.data();
  // The per-variable path reads the loss before its update (a read, not GPU work): count its update alone.
  const n = countGpuWork(() => (multiTensor ? void adam.applyIfFinite(g, 1e-3, loss) : adam.apply(g, 1e-3)));
  await vars[0]!.data();
  tf.dispose([...Object.values(g), loss]);
  adam.dispose();
  return n;
}

it("one update is 2 dispatches for 5, 50 and the network's 105 variables; no tensor or buffer leaks", async () => {
  const memBefore = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
  const counts: Record<string, { dispatches: number; copies: number }> = {};
  for (const n of [5, 50]) {
    const vars = Array.from({ length: n }, (_, k) =>
      tf.tidy(() => tf.variable(tf.randomNormal([1 + (k % 7), 3 + k], 0, 1, 'float32', k))),
    );
    counts[`multi ${n}`] = await workOfOneUpdate(vars, true);
    tf.dispose(vars);
  }
  // The notebook-sized network of docs (gpu-training.md §1): 105 variables, 1,083,004 parameters.
  const approx = new Approximator(
    defaultNetworkConfig({ embedDim: 64, numSeeds: 7, summaryDim: 22, dropout: 0.1, paramDim: 6 }),
    { seed: 1 },
  );
  const vars = approx.trainableVariables;
  counts[`multi ${vars.length}`] = await workOfOneUpdate(vars, true);
  counts[`per-variable ${vars.length}`] = await workOfOneUpdate(vars, false);
  approx.dispose();
  console.log(`GPU work of one Adam update: ${JSON.stringify(counts)} (${vars.length} variables)`);
  expect(vars.length).toBe(105);
  expect(counts['multi 5']!.dispatches).toBe(2);
  expect(counts['multi 50']!.dispatches).toBe(2);
  expect(counts['multi 105']!.dispatches).toBe(2);
  // Gradients and parameters in, parameters out: three copies per variable.
  expect(counts['multi 50']!.copies).toBe(150);
  expect(counts['per-variable 105']!.dispatches).toBeGreaterThan(1000);
  // Everything made here is gone: tensors, and the GPU bytes tfjs's buffer manager holds for them.
  const memAfter = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
  expect(memAfter.numTensors).toBe(memBefore.numTensors);
  expect(memAfter.numBytesInGPU).toBe(memBefore.numBytesInGPU);
}, 60_000);
