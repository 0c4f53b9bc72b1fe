/**
 * fit on webgpu (SwiftShader here) with the device-guarded Adam: no step waits for its own loss — the
 * next step is queued before it is read — and a non-finite loss is still a TrainingDivergedError for
 * its own step, with the weights untouched although a later step was already queued, and no leaked
 * tensor. One small test: SwiftShader needs seconds per step of even a tiny network (≈ 1,000
 * dispatches). Progress order and clean-run parity are covered on wasm (test/unit/nn/training/fit.test.ts)
 * and across backends (train-webgpu-wasm.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import {
  Approximator,
  defaultNetworkConfig,
  fit,
  registerKernels,
  TrainingDivergedError,
  type SimBatch,
} from '../../src/nn/index.ts';
import { Rng } from '../../src/shared/rng.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

const config = defaultNetworkConfig({
  embedDim: 8,
  numHeads: 1,
  mlpWidths: [8],
  numSeeds: 1,
  summaryDim: 4,
  flowWidths: [8, 8],
  paramDim: 3,
  dropout: 0.1,
});

function sets(n: number, numObs: number, seed: number): SimBatch {
  const r = Rng.fromSeed(seed);
  return {
    n,
    numObs,
    paramNames: ['A', 'tau', 'b'],
    params: Float64Array.from({ length: n * 3 }, () => r.normal()),
    rt: Float32Array.from({ length: n * numObs }, () => 0.25 + r.float()),
    accuracy: Float32Array.from({ length: n * numObs }, () => (r.float() < 0.9 ? 1 : 0)),
    conditions: Float32Array.from({ length: n * numObs }, (_, i) => i % 2),
  };
}

/** Counts the Adam updates tfjs has recorded (the second of the kernel's two programs). */
function countAdamUpdates(): { readonly n: number; restore(): void } {
  const backend = tf.backend() as unknown as {
    runWebGPUProgram: (p: { constructor: { name: string } }, ...a: unknown[]) => unknown;
  };
  const run = backend.runWebGPUProgram;
  const counter = { n: 0, restore: () => void (backend.runWebGPUProgram = run) };
  backend.runWebGPUProgram = function (this: unknown, p, ...a) {
    if (p.constructor.name === 'MultiAdamProgram') counter.n++;
    return run.call(this, p, ...a);
  };
  return counter;
}

it('a non-finite loss: TrainingDivergedError for step 0, weights untouched although the next step was queued, no leaks', async () => {
  const before = tf.memory().numTensors;
  const a = new Approximator(config, { seed: 2 });
  const clean = sets(4, 3, 3);
  const bad: SimBatch = { ...clean, rt: clean.rt.map(() => NaN) };
  const w0 = await a.getWeights();
  const updates = countAdamUpdates();
  const seen: number[] = [];
  let err: unknown;
  try {
    err = await fit(a, bad, sets(2, 3, 4), {
      epochs: 2,
      batchSize: 2,
      lr: 1e-3,
      seed: 1,
      onBatch: (p) => seen.push(p.step),
    }).catch((e: unknown) => e);
  } finally {
    updates.restore();
  }
  expect(err).toBeInstanceOf(TrainingDivergedError);
  const d = err as TrainingDivergedError;
  expect([d.epoch, d.step, d.stage]).toEqual([0, 0, 'training']);
  expect(d.message).toMatch(/loss NaN at epoch 0 \(0-based\), optimizer step 0/);
  expect(seen).toEqual([]);
  // Step 1 had been queued before step 0's loss was read (the epoch's end); the halted optimizer skipped it.
  expect(updates.n).toBe(2);
  const w1 = await a.getWeights();
  w0.forEach((w, i) => expect(w1[i]!.data).toEqual(w.data));
  a.dispose();
  expect(tf.memory().numTensors).toBe(before);
}, 120_000);
