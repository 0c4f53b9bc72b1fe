/**
 * The flow-matching noise kernel in WGSL (SwiftShader here): x0 and t from the shader agree with the
 * TypeScript reference that wasm and cpu run — t bit for bit (integer words scaled by a power of two),
 * x0 to float32 rounding of log, sqrt, cos and sin — including an odd width, a row offset and a
 * dispatch wider than one workgroup, and nothing is uploaded for it.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { batchNoiseReference, registerKernels } from '../../src/nn/kernels/index.ts';
import { batchNoise } from '../../src/nn/ops/index.ts';
import { StepProfiler } from '../../src/nn/profiling/index.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

it.each([
  [4, 6, 0],
  [37, 5, 3],
  [300, 6, 64],
])(
  'rows %i × dim %i at row offset %i: x0 within 2e-6·(1 + |x|) of the reference, t identical',
  async (rows, dim, rowOffset) => {
    const key = { key0: 0x9e3779b9, key1: 12 };
    const before = tf.memory().numTensors;
    const { x0, t } = batchNoise(rows, dim, key, rowOffset);
    const [gx, gt] = [await x0.data(), await t.data()];
    tf.dispose([x0, t]);
    expect(tf.memory().numTensors).toBe(before);
    const rx = batchNoiseReference({ rows, dim, part: 0, rowOffset, ...key });
    const rt = batchNoiseReference({ rows, dim, part: 1, rowOffset, ...key });
    expect(Array.from(gt)).toEqual(Array.from(rt));
    let worst = 0;
    for (let i = 0; i < rx.length; i++) worst = Math.max(worst, Math.abs(gx[i]! - rx[i]!) / (1 + Math.abs(rx[i]!)));
    expect(worst).toBeLessThan(2e-6);
  },
);

it('uploads nothing: the values are made on the device', async () => {
  const p = StepProfiler.begin();
  const { x0, t } = batchNoise(64, 6, { key0: 5, key1: 6 }, 0);
  const r = await p.end();
  await Promise.all([x0.data(), t.data()]);
  tf.dispose([x0, t]);
  expect(r.dispatchesPerStep).toBe(2);
  expect(r.uploadBytesPerStep).toBe(0);
});
