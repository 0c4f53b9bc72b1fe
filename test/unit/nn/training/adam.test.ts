import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, clipByNorm } from '../../../../src/nn/training/adam.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

describe('per-variable clipnorm 1.5 (Keras _clip_by_norm)', () => {
  it('scales a gradient with norm > c to norm c, leaves smaller ones alone', async () => {
    const big = await clipByNorm(tf.tensor1d([3, 4]), 1.5).data(); // norm 5
    expect(big[0]).toBeCloseTo(0.9, 6);
    expect(big[1]).toBeCloseTo(1.2, 6);
    const small = await clipByNorm(tf.tensor1d([0.3, 0.4]), 1.5).data();
    expect([...small]).toEqual([0.3, 0.4].map(Math.fround));
    expect([...(await clipByNorm(tf.zeros([3]), 1.5).data())]).toEqual([0, 0, 0]);
  });

  it('clips each variable on its own, not by the global norm', async () => {
    // Two variables, two steps. Step 1: a's gradient has norm 5 (clipped to 1.5), b's 0.5 (kept);
    // a global-norm clip would also shrink b's. Step 2 is below every threshold. Adam's second update
    // depends on the first gradient's magnitude, so the two rules end at different points.
    const grads = [
      { a: [3, 4], b: [0.5] },
      { a: [0.1, -0.2], b: [0.3] },
    ];
    const run = (mode: 'per-variable' | 'global'): number[] => {
      const theta = [0, 0, 0];
      const m = [0, 0, 0];
      const v = [0, 0, 0];
      grads.forEach((g, k) => {
        const flat = [...g.a, ...g.b];
        const na = Math.hypot(...g.a);
        const nb = Math.hypot(...g.b);
        const ng = Math.hypot(...flat);
        const clipped = flat.map((x, i) =>
          mode === 'global' ? (x * 1.5) / Math.max(ng, 1.5) : (x * 1.5) / Math.max(i < 2 ? na : nb, 1.5),
        );
        const t = k + 1;
        const alpha = (0.1 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        clipped.forEach((x, i) => {
          m[i] = m[i]! + (x - m[i]!) * 0.1;
          v[i] = v[i]! + (x * x - v[i]!) * 0.001;
          theta[i] = theta[i]! - (alpha * m[i]!) / (Math.sqrt(v[i]!) + 1e-7);
        });
      });
      return theta;
    };
    const za = tf.zeros([2]);
    const zb = tf.zeros([1]);
    const a = tf.variable(za);
    const b = tf.variable(zb);
    tf.dispose([za, zb]);
    const opt = new Adam([a, b], { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 1.5 });
    for (const g of grads) {
      const ga = tf.tensor1d(g.a);
      const gb = tf.tensor1d(g.b);
      opt.apply({ [a.name]: ga, [b.name]: gb }, 0.1);
      tf.dispose([ga, gb]);
    }
    const got = [...(await a.data()), ...(await b.data())];
    const perVar = run('per-variable');
    const global = run('global');
    got.forEach((x, i) => expect(x).toBeCloseTo(perVar[i]!, 6));
    expect(Math.abs(perVar[2]! - global[2]!)).toBeGreaterThan(1e-4);
    opt.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('Adam (Keras 3 form, explicit ε)', () => {
  it('matches the update rule computed by hand over three steps with a decaying lr', async () => {
    const init = tf.tensor1d([1, -2]);
    const x = tf.variable(init);
    init.dispose();
    const opt = new Adam([x], { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 1.5 });
    const theta = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    const grads = [
      [3, 4], // norm 5 → clipped to [0.9, 1.2]
      [0.2, -0.1],
      [-1, 1], // norm √2 < 1.5
    ];
    const lrs = [1e-2, 5e-3, 1e-3];
    for (let t = 1; t <= 3; t++) {
      const g = grads[t - 1]!;
      const norm = Math.hypot(...g);
      const gc = g.map((gi) => (gi * 1.5) / Math.max(norm, 1.5));
      const alpha = (lrs[t - 1]! * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      for (let i = 0; i < 2; i++) {
        m[i] = m[i]! + (gc[i]! - m[i]!) * 0.1;
        v[i] = v[i]! + (gc[i]! ** 2 - v[i]!) * 0.001;
        theta[i] = theta[i]! - (alpha * m[i]!) / (Math.sqrt(v[i]!) + 1e-7);
      }
      const gt = tf.tensor1d(g);
      opt.apply({ [x.name]: gt }, lrs[t - 1]!);
      gt.dispose();
    }
    const got = await x.data();
    expect(got[0]).toBeCloseTo(theta[0]!, 6);
    expect(got[1]).toBeCloseTo(theta[1]!, 6);
    expect(opt.iteration).toBe(3);
    opt.dispose();
    x.dispose();
  });

  it('creates and disposes its slots without leaking', () => {
    const before = tf.memory().numTensors;
    const z = tf.zeros([4, 4]);
    const x = tf.variable(z);
    z.dispose();
    const opt = new Adam([x]);
    const g = tf.ones([4, 4]);
    opt.apply({ [x.name]: g }, 0.1);
    g.dispose();
    opt.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
