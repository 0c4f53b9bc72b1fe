/**
 * Adam's exported state (a final-network checkpoint) on webgpu (SwiftShader here), where the multi-tensor
 * kernel keeps it in one flat buffer: 3 steps straight equal 1 step, export, a new optimizer that imports
 * the state, 2 more steps — bit for bit; and a state exported by one implementation continues in the
 * other (a run checkpointed on one backend, continued on another).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { registerKernels } from '../../src/nn/kernels/index.ts';
import { Adam, REFERENCE_ADAM, type AdamState } from '../../src/nn/training/adam.ts';
import { Rng } from '../../src/shared/rng.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

const SHAPES = [[7], [3, 4], [300], [16, 16], [5]];
const LRS = [1e-2, 3e-3, 1e-3];
const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
const r = Rng.fromSeed(5);
const init = SHAPES.map((s) => Float32Array.from({ length: size(s) }, () => r.normal()));
const grads = LRS.map((_, t) =>
  SHAPES.map((s, k) => Float32Array.from({ length: size(s) }, () => ((k + t) % 3 === 0 ? 1 : 0.02) * r.normal())),
);

/** Steps [from, to) on variables starting at `start`, optionally from an imported state; returns params and state. */
async function steps(
  multiTensor: boolean,
  start: Float32Array[],
  from: number,
  to: number,
  state?: AdamState,
): Promise<{ params: Float32Array[]; state: AdamState }> {
  const vars = start.map((v, k) => tf.tidy(() => tf.variable(tf.tensor(v, SHAPES[k]))));
  const adam = new Adam(vars, REFERENCE_ADAM, { multiTensor });
  expect(adam.guardsOnDevice).toBe(multiTensor);
  if (state !== undefined) adam.importState(state);
  for (let t = from; t < to; t++) {
    const g = Object.fromEntries(vars.map((x, k) => [x.name, tf.tensor(grads[t]![k]!, SHAPES[k])]));
    const loss = tf.scalar(1);
    await adam.applyIfFinite(g, LRS[t]!, loss);
    tf.dispose([...Object.values(g), loss]);
  }
  const params = await Promise.all(vars.map(async (x) => (await x.data()) as Float32Array));
  const out = await adam.exportState();
  adam.dispose();
  tf.dispose(vars);
  return { params, state: out };
}

it('multi-tensor Adam continues bit for bit from its exported state', async () => {
  const straight = await steps(true, init, 0, 3);
  const first = await steps(true, init, 0, 1);
  expect(first.state.iterations).toBe(1);
  const rest = await steps(true, first.params, 1, 3, first.state);
  expect(rest.state.iterations).toBe(3);
  rest.params.forEach((p, k) => expect(Array.from(p)).toEqual(Array.from(straight.params[k]!)));
  expect(Array.from(rest.state.m)).toEqual(Array.from(straight.state.m));
  expect(Array.from(rest.state.v)).toEqual(Array.from(straight.state.v));
});

it('a state exported by one implementation continues in the other', async () => {
  const first = await steps(true, init, 0, 1);
  const perVarRest = await steps(false, first.params, 1, 3, first.state);
  const multiRest = await steps(true, first.params, 1, 3, first.state);
  // The two implementations agree within float32 rounding (adam-webgpu.test.ts), not bit for bit.
  perVarRest.params.forEach((p, k) =>
    p.forEach((v, i) => expect(Math.abs(v - multiRest.params[k]![i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v)))),
  );
  const back = await steps(true, perVarRest.params, 3, 3, perVarRest.state);
  expect(back.state.iterations).toBe(3);
  const small = tf.variable(tf.zeros([2]));
  const other = new Adam([small], REFERENCE_ADAM, { multiTensor: true });
  expect(() => other.importState(first.state)).toThrow(
    /the saved optimizer state has \d+ values, this network has 2 parameters/,
  );
  other.dispose();
  small.dispose();
});
