/**
 * A small Node training run that must actually learn from the data (not just shrink the initial
 * output scale): synthetic data sets whose trials carry two of the three parameters.
 *
 * Honest threshold: for N(0, 1) parameters and a network that ignores the data, the linear-path
 * flow-matching loss cannot go below E_t[2 − (2t−1)²/(t² + (1−t)²)] = 2 − 2(1 − π/4) ≈ 1.571 per
 * dimension (the variance of u = x1 − x0 given x_t). A validation loss well below that is only
 * reachable by conditioning on the summary. Parameters a (mean RT) and b (accuracy) are identified,
 * c is not.
 *
 * The direct condition is standardized (opt-in, adapter.ts): with the raw sqrt(16) = 4 the same 192
 * steps ended near 1.7 (measured), too slow for a unit test. The default raw condition is exercised on
 * DMC data by test/unit/nn/objective.recovery.test.ts (960 steps).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import { Approximator, defaultNetworkConfig, fit, samplePosterior, type SimBatch } from '../../../../src/nn/index.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

const N = 16;
const TIMEOUT = 300_000;

function synthetic(n: number, seed: number): SimBatch {
  const r = Rng.fromSeed(seed);
  const params = Float64Array.from({ length: n * 3 }, () => r.normal());
  const rt = new Float32Array(n * N);
  const accuracy = new Float32Array(n * N);
  const conditions = new Float32Array(n * N);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < N; k++) {
      conditions[i * N + k] = k < N / 2 ? 0 : 1;
      rt[i * N + k] = 0.5 + 0.1 * params[i * 3]! + 0.02 * r.normal();
      accuracy[i * N + k] = r.float() < 1 / (1 + Math.exp(-2 * params[i * 3 + 1]!)) ? 1 : 0;
    }
  }
  return { n, numObs: N, paramNames: ['a', 'b', 'c'], params, rt, accuracy, conditions };
}

function correlation(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i]! - my);
    sxx += (v - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('training learns from the data', () => {
  it(
    'validation loss drops below the data-free optimum; posterior means track the identified parameter',
    async () => {
      const train = synthetic(384, 1);
      const val = synthetic(128, 2);
      const config = defaultNetworkConfig({
        paramDim: 3,
        embedDim: 16,
        numHeads: 2,
        mlpWidths: [32],
        numSeeds: 1,
        summaryDim: 6,
        flowWidths: [64, 64],
        dropout: 0,
      });
      const before = tf.memory().numTensors;
      const a = new Approximator(config, { seed: 1 });
      const t0 = performance.now();
      const h = await fit(a, train, val, { epochs: 16, batchSize: 32, lr: 3e-3, seed: 1, standardizeCondition: true });
      const ms = performance.now() - t0;
      const last = h.valLoss[h.valLoss.length - 1]!;
      expect(last).toBeLessThan(h.valLoss[0]!);
      expect(Math.min(...h.valLoss.slice(-3))).toBeLessThan(1.25);
      const s = 100;
      const draws = await samplePosterior(a, val, a.standardization!, { numSamples: s, steps: 20, seed: 3 });
      const mean = (j: number) =>
        Array.from({ length: val.n }, (_, i) => {
          let sum = 0;
          for (let k = 0; k < s; k++) sum += draws[(i * s + k) * 3 + j]!;
          return sum / s;
        });
      const truth = (j: number) => Array.from({ length: val.n }, (_, i) => val.params[i * 3 + j]!);
      const rA = correlation(mean(0), truth(0));
      expect(rA).toBeGreaterThan(0.8);
      a.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // Context for the log (not asserted: timing depends on the machine).
      console.info(
        `learn.test: valLoss ${h.valLoss.map((v) => v.toFixed(3)).join(' ')}; r(a) ${rA.toFixed(3)}; ${ms.toFixed(0)} ms`,
      );
    },
    TIMEOUT,
  );
});
