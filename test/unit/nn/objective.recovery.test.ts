/**
 * A real training run in Node on the wasm backend: the objective trains a small
 * approximator on simulated DMC data sets, the validation loss falls, and the posterior medians recover
 * the well-identified parameters b (boundary) and mu_r (non-decision time).
 *
 * Problem: notebook prior, N = 20 trials per data set, 2048 training / 100 validation sets, 15 epochs of
 * batch 32 (960 Adam steps, lr 3e-3), embed 16 with 1 head, MLPs of width 32, FlowMatching 3 × 64,
 * summary 8, no dropout; 50 posterior draws per set, Euler with 20 steps. Wall time ≈ 1 min on one idle
 * Xeon core, ≈ 2–3 min on a busy 2-core machine.
 *
 * Thresholds (honest, from the measured run with these seeds — bit-identical on an Intel Xeon and an AMD
 * EPYC host: corr(median, truth) mu_r 0.83, b 0.74, posterior contraction mu_r 0.72, b 0.57;
 * across seeds 1–3 of this setup 0.66–0.84 and 0.61–0.76): correlation > 0.6 for both, posterior
 * contraction > 0.3 for both. The validation loss must end clearly below the first epoch's and below
 * 1.45: for standardized, roughly Gaussian parameters the best loss without using the data is
 * E_t[2 − (2t−1)²/(t² + (1−t)²)] = 2 − 2(1 − π/4) ≈ 1.571, so a lower loss means the summary network
 * extracts information from the trials. The poorly identified tau and sd_r are not asserted.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { selectBackend } from '../../../src/nn/runtime/backend.ts';
import { runObjective } from '../../../src/nn/objective.ts';
import { trialSpec } from '../../../src/nn/model/trial-spec.ts';
import { NOTEBOOK_CONFIG, simulateBatch } from '../../../src/sim/index.ts';

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

it('training lowers the validation loss and recovers b and mu_r', async () => {
  const choice = await selectBackend('wasm', { strict: true });
  expect(choice.backend).toBe('wasm');
  const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 20 };
  const train = simulateBatch(sim, 2, 2048);
  const val = simulateBatch(sim, 1002, 100);
  const before = tf.memory().numTensors;
  const S = 50;
  const outcome = await runObjective(
    trialSpec(
      {
        dropout: 0,
        lr: 3e-3,
        numSeeds: 1,
        batchSize: 32,
        embedDim: 16,
        summaryDim: 8,
        epochs: 15,
        posteriorDraws: S,
        integrationSteps: 20,
        integrator: 'euler',
      },
      {
        seed: 2,
        keep: { draws: true },
        network: { overrides: { numHeads: 1, mlpWidths: [32, 32], flowWidths: [64, 64, 64] } },
      },
    ),
    train,
    val,
  );
  if (outcome.status !== 'complete') throw new Error('nothing asked to prune this run');
  const r = outcome.result;
  expect(tf.memory().numTensors).toBe(before);

  const vl = r.history.valLoss;
  const lastThree = (vl.at(-1)! + vl.at(-2)! + vl.at(-3)!) / 3;
  const P = val.paramNames.length;
  const corr: Record<string, number> = {};
  for (let j = 0; j < P; j++) {
    const medians: number[] = [];
    const truths: number[] = [];
    for (let i = 0; i < val.n; i++) {
      const xs = Array.from({ length: S }, (_, s) => r.draws![(i * S + s) * P + j]!).sort((a, b) => a - b);
      medians.push((xs[S / 2 - 1]! + xs[S / 2]!) / 2);
      truths.push(val.params[i * P + j]!);
    }
    corr[val.paramNames[j]!] = pearson(medians, truths);
  }
  const pc = Object.fromEntries(r.table.names.map((n, j) => [n, r.table.values[1]![j]!]));
  console.log(
    `valLoss ${vl.map((v) => v.toFixed(3)).join(' ')}; corr ${JSON.stringify(corr)}; PC ${JSON.stringify(pc)}; ` +
      `L ${r.L.toFixed(3)}; ${r.msPerStep.toFixed(0)} ms/step`,
  );
  expect(lastThree).toBeLessThan(vl[0]! - 0.2);
  expect(lastThree).toBeLessThan(1.45);
  expect(corr['mu_r']).toBeGreaterThan(0.6);
  expect(corr['b']).toBeGreaterThan(0.6);
  expect(pc['mu_r']).toBeGreaterThan(0.3);
  expect(pc['b']).toBeGreaterThan(0.3);
  expect(Number.isFinite(r.L)).toBe(true);
}, 900_000);
