/**
 * A whole study on webgpu (SwiftShader here) with every kernel of this project on the path: the
 * engine's TPE study asks ten trials, each trains a tiny network with runObjective (fused attention,
 * LayerNorm, bias + activation, Philox dropout and noise, multi-tensor Adam), scores it on the
 * validation sets and tells the study its L. Every trial completes with a finite L, and the tensor
 * count after each trial is the one before the first: ten trials leak nothing on the device.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { createStudy, NopPruner, TPESampler, TrialState } from '../../src/engine/index.ts';
import { registerKernels, runObjective, trialSpec, type TrialHyperparameters } from '../../src/nn/index.ts';
import { NOTEBOOK_CONFIG, simulateBatch } from '../../src/sim/index.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 12 };
const network = { numHeads: 1, mlpWidths: [8], flowWidths: [8, 8] };

it('ten TPE trials train and score on webgpu, all COMPLETE, no tensor leaked', async () => {
  const train = simulateBatch(sim, 3, 8);
  const val = simulateBatch(sim, 4, 4);
  const study = await createStudy({ sampler: new TPESampler({ seed: 1, nStartupTrials: 4 }), pruner: new NopPruner() });
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  await study.optimize(
    async (trial) => {
      const hparams: TrialHyperparameters = {
        dropout: await trial.suggestFloat('dropout', 0.01, 0.3),
        lr: await trial.suggestFloat('lr', 1e-4, 1e-2, { log: true }),
        numSeeds: 1,
        batchSize: await trial.suggestCategorical('batch_size', [4, 8]),
        embedDim: 8,
        summaryDim: 4,
        epochs: 1,
        posteriorDraws: 4,
        integrationSteps: 2,
        integrator: 'euler',
      };
      const out = await runObjective(
        trialSpec(hparams, { seed: trial.number, network: { overrides: network } }),
        train,
        val,
      );
      counts.push(tf.memory().numTensors);
      if (out.status !== 'complete') throw new Error(`trial ${trial.number} stopped at epoch ${out.epoch}`);
      return out.result.L;
    },
    { nTrials: 10 },
  );
  const trials = await study.getTrials();
  expect(trials.map((t) => t.state)).toEqual(Array(10).fill(TrialState.COMPLETE));
  for (const t of trials) expect(Number.isFinite(t.values?.[0])).toBe(true);
  expect(counts).toEqual(Array(10).fill(before));
}, 600_000);
