/**
 * The multi-tensor Adam's reference (src/nn/kernels/reference/multi-adam.ts, the webgpu kernel's oracle)
 * against the per-variable Adam that wasm and cpu run, and the non-finite guard on both.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clipScaleReference,
  multiAdamReference,
  multiAdamStateSize,
  type MultiAdamAttrs,
} from '../../../../src/nn/kernels/index.ts';
import { Adam } from '../../../../src/nn/training/adam.ts';
import type { AdamOptions } from '../../../../src/nn/training/adam-step.ts';
import { Rng } from '../../../../src/shared/rng.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

const SHAPES = [[1], [5], [3, 4], [2, 3, 4], [64], [17, 3], [8, 8], [1, 7]];
const LRS = [1e-2, 5e-3, 2e-3, 1e-3, 3e-3];

/** Initial values and per-step gradients; gradient k of step s is scaled so that some norms exceed 1.5. */
function problem(seed: number): { init: Float32Array[]; grads: Float32Array[][] } {
  const r = Rng.fromSeed(seed);
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const init = SHAPES.map((s) => Float32Array.from({ length: size(s) }, () => r.normal()));
  const grads = LRS.map((_, step) =>
    SHAPES.map((s, k) => {
      const scale = (k + step) % 3 === 0 ? 2 : 0.05;
      return Float32Array.from({ length: size(s) }, () => scale * r.normal());
    }),
  );
  return { init, grads };
}

function attrs(opts: AdamOptions, lr: number, t: number): MultiAdamAttrs {
  const alpha = (lr * Math.sqrt(1 - opts.beta2 ** t)) / (1 - opts.beta1 ** t);
  return { alpha, beta1: opts.beta1, beta2: opts.beta2, epsilon: opts.epsilon, clipNorm: opts.clipNorm ?? 0 };
}

/** The per-variable Adam on the active backend, step by step; `losses` feed applyIfFinite. */
async function perVariable(
  opts: AdamOptions,
  losses: number[],
): Promise<{ params: Float32Array[]; halted: boolean; iteration: number }> {
  const { init, grads } = problem(7);
  const vars = init.map((v, k) => tf.tidy(() => tf.variable(tf.tensor(v, SHAPES[k]))));
  const adam = new Adam(vars, opts);
  for (let s = 0; s < LRS.length; s++) {
    const g = Object.fromEntries(vars.map((x, k) => [x.name, tf.tensor(grads[s]![k]!, SHAPES[k])]));
    const loss = tf.scalar(losses[s]!);
    await adam.applyIfFinite(g, LRS[s]!, loss);
    tf.dispose([...Object.values(g), loss]);
  }
  const params = await Promise.all(vars.map(async (x) => (await x.data()) as Float32Array));
  const out = { params, halted: await adam.halted(), iteration: adam.iteration };
  adam.dispose();
  tf.dispose(vars);
  return out;
}

function reference(
  opts: AdamOptions,
  losses: number[],
): { params: Float32Array[]; state: Float32Array; history: Float32Array[][] } {
  const { init, grads } = problem(7);
  const P = init.reduce((p, v) => p + v.length, 0);
  let params: Float32Array[] = init;
  let state: Float32Array = new Float32Array(multiAdamStateSize(P));
  const history: Float32Array[][] = [];
  let t = 0;
  for (let s = 0; s < losses.length; s++) {
    // The host counts issued steps (adam.ts): t only matters while nothing has halted.
    t++;
    ({ params, state } = multiAdamReference(params, grads[s]!, state, losses[s]!, attrs(opts, LRS[s]!, t)));
    history.push(params);
  }
  return { params, state, history };
}

/** |a − b| ≤ tol·(1 + |b|) elementwise. */
function expectClose(a: Float32Array[], b: Float32Array[], tol: number): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, k) =>
    x.forEach((v, i) => expect(Math.abs(v - b[k]![i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[k]![i]!)))),
  );
}

describe('multi-tensor Adam reference = per-variable Adam (wasm)', () => {
  const finite = LRS.map(() => 1);
  for (const clipNorm of [1.5, null]) {
    it(`over ${LRS.length} steps, clipNorm ${clipNorm}`, async () => {
      const opts: AdamOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm };
      if (clipNorm !== null) {
        // The problem has gradients on both sides of the threshold, so the clip is exercised.
        const scales = problem(7)
          .grads.flat()
          .map((g) => clipScaleReference(g, clipNorm));
        expect(scales.some((s) => s < 0.5)).toBe(true);
        expect(scales.some((s) => s === 1)).toBe(true);
      }
      const ref = reference(opts, finite);
      const got = await perVariable(opts, finite);
      // Float32 rounding of the squared-norm sums differs (tfjs vs double; measured 5e-8 with clipping,
      // 0 without); the rest is op for op.
      expectClose(got.params, ref.params, 3e-7);
      expect(got.halted).toBe(false);
      expect(got.iteration).toBe(LRS.length);
      expect(ref.state[ref.state.length - 1]).toBe(0);
      // And the steps moved the parameters (a test that cannot fail would not).
      expect(Math.abs(ref.params[2]![0]! - problem(7).init[2]![0]!)).toBeGreaterThan(1e-3);
    });
  }

  it('clipping changes the trajectory (the two settings differ)', () => {
    const a = reference({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 1.5 }, finite);
    const b = reference({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: null }, finite);
    expect(Math.max(...a.params[0]!.map((v, i) => Math.abs(v - b.params[0]![i]!)))).toBeGreaterThan(1e-4);
  });
});

describe('non-finite loss: nothing changes, and nothing after it', () => {
  const opts: AdamOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 1.5 };
  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`loss ${bad} at step 3 of 5`, async () => {
      const losses = [1, 1, bad, 1, 1];
      const ref = reference(opts, losses);
      // Reference: parameters after steps 3–5 are those after step 2, bit for bit; moments too.
      for (const later of ref.history.slice(2)) expect(later).toEqual(ref.history[1]);
      const two = reference(opts, [1, 1]);
      expect(ref.state[ref.state.length - 1]).toBe(1);
      expect(ref.state.subarray(0, ref.state.length - 1)).toEqual(two.state.subarray(0, two.state.length - 1));
      // The per-variable path (host guard) ends at the same point and knows it halted after 2 updates.
      const got = await perVariable(opts, losses);
      expectClose(got.params, ref.history[1]!, 1e-6);
      expect(got.halted).toBe(true);
      expect(got.iteration).toBe(2);
    });
  }
});
