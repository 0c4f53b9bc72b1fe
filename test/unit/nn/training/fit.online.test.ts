/**
 * fit with online data (BayesFlow's fit_online) and fit checkpoints: training takes batch j exactly once
 * for j = 0 … epochs·batchesPerEpoch − 1 (fresh sets, never a repeat), the run is the same whether the
 * batches came from 1 or 2 simulation workers, a short online run lowers the validation loss, and a
 * run stopped after 2 epochs and resumed from its checkpoint equals 4 epochs straight, bit for bit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Approximator,
  DataSets,
  defaultNetworkConfig,
  fit,
  runObjective,
  validationLoss,
  type FitCheckpoint,
  type OnlineData,
  type SimBatch,
  type TrialHyperparameters,
} from '../../../../src/nn/index.ts';
import type { TrainingCheckpoint } from '../../../../src/nn/objective.ts';
import { trialSpec } from '../../../../src/nn/model/trial-spec.ts';
import {
  NOTEBOOK_CONFIG,
  OnlineFeed,
  simulateBatch,
  simulateOnlineBatch,
  type DmcConfig,
} from '../../../../src/sim/index.ts';
import { NodeSimPool } from '../../../../src/workers/node-sim-pool.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

const TIMEOUT = 300_000;
const sim: DmcConfig = { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 20, maxNumObs: 40 };
const config = defaultNetworkConfig({
  embedDim: 16,
  numHeads: 2,
  mlpWidths: [32],
  numSeeds: 1,
  summaryDim: 8,
  flowWidths: [32, 32],
  paramDim: 6,
  dropout: 0.05,
});
const val = simulateBatch({ ...sim, fixedNumObs: 30 }, 909, 32);

/** Online data simulated on this thread, recording which batches training asked for. */
function localOnline(seed: number, batchSize: number, batchesPerEpoch: number, asked: number[] = []): OnlineData {
  return {
    batchesPerEpoch,
    maxObs: 40,
    standardizationSets: 64,
    next: async (j) => {
      asked.push(j);
      return simulateOnlineBatch(sim, seed, j, batchSize);
    },
  };
}

describe('fit online', () => {
  it('takes each fresh batch once, in step order, and reports batches per epoch', { timeout: TIMEOUT }, async () => {
    const a = new Approximator(config, { seed: 1 });
    const asked: number[] = [];
    const steps: number[] = [];
    const h = await fit(a, null, val, {
      epochs: 2,
      batchSize: 8,
      lr: 1e-3,
      seed: 2,
      online: localOnline(5, 8, 5, asked),
      onBatch: (p) => steps.push(p.numBatches),
    });
    expect(asked).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps).toEqual(Array(10).fill(5));
    expect(h.steps).toBe(10);
    expect(h.loss).toHaveLength(2);
    a.dispose();
  });

  it('the same losses with batches from 1 or 2 simulation workers', { timeout: TIMEOUT }, async () => {
    const pools = [new NodeSimPool({ workers: 1 }), new NodeSimPool({ workers: 2 })];
    try {
      const runs = [];
      for (const pool of pools) {
        const feed = new OnlineFeed({
          config: sim,
          seed: 5,
          batchSize: 8,
          simulate: (p, signal) => pool.simulateRange(sim, p.seed, p.start, p.count, p.numObs, { signal }),
        });
        const a = new Approximator(config, { seed: 1 });
        const losses: number[] = [];
        const h = await fit(a, null, val, {
          epochs: 2,
          batchSize: 8,
          lr: 1e-3,
          seed: 2,
          onBatch: (p) => losses.push(p.loss),
          online: { batchesPerEpoch: 3, maxObs: 40, standardizationSets: 16, next: (j) => feed.next(j) },
        });
        runs.push({ losses, valLoss: h.valLoss });
        feed.dispose();
        a.dispose();
      }
      expect(runs[1]).toEqual(runs[0]);
    } finally {
      for (const p of pools) p.dispose();
    }
  });

  it('a short online run lowers the validation loss', { timeout: TIMEOUT }, async () => {
    const a = new Approximator(config, { seed: 3 });
    const h = await fit(a, null, val, { epochs: 4, batchSize: 16, lr: 1e-3, seed: 4, online: localOnline(6, 16, 12) });
    const before = new Approximator(config, { seed: 3 });
    const initial = await validationLoss(before, DataSets.from(val), a.standardization!, {
      batchSize: 16,
      seed: 4,
      epoch: 0,
    });
    before.dispose();
    a.dispose();
    // Measured (2026-12-07, shared 2-core machine): initial 16.95, epochs 3.97, 2.87, 2.93, 2.73 (48 steps).
    expect(h.valLoss[3]!).toBeLessThan(h.valLoss[0]!);
    expect(h.valLoss[3]!).toBeLessThan(0.5 * initial);
  });

  it('refuses an online run without batches per epoch, and a run without any training data', async () => {
    const a = new Approximator(config, { seed: 1 });
    await expect(
      fit(a, null, val, {
        epochs: 1,
        batchSize: 8,
        lr: 1e-3,
        seed: 2,
        online: { ...localOnline(5, 8, 1), batchesPerEpoch: 0 },
      }),
    ).rejects.toThrow('fit: batches per epoch must be a positive integer, got 0');
    await expect(fit(a, null, val, { epochs: 1, batchSize: 8, lr: 1e-3, seed: 2 })).rejects.toThrow(
      'fit: no training data',
    );
    a.dispose();
  });
});

describe('fit checkpoints', () => {
  const train: SimBatch = simulateBatch({ ...sim, fixedNumObs: 24 }, 12, 21);

  async function straightAndResumed(online: boolean): Promise<void> {
    const run = async (
      epochs: number,
      resume?: FitCheckpoint & { weights: Awaited<ReturnType<Approximator['getWeights']>> },
    ) => {
      const a = new Approximator(config, { seed: 7 });
      if (resume !== undefined) a.setWeights(resume.weights);
      const checkpoints: (FitCheckpoint & { weights: Awaited<ReturnType<Approximator['getWeights']>> })[] = [];
      const losses: number[] = [];
      const h = await fit(a, online ? null : train, val, {
        epochs: 4,
        batchSize: 8,
        lr: 2e-3,
        seed: 8,
        onBatch: (p) => losses.push(p.loss),
        ...(online ? { online: localOnline(9, 8, 3) } : {}),
        ...(resume !== undefined ? { resume } : {}),
        onCheckpoint: async (c) => void checkpoints.push({ ...c, weights: await a.getWeights() }),
        onEpoch: (r) => r.epoch + 1 >= epochs,
      });
      const weights = await a.getWeights();
      a.dispose();
      return { h, losses, checkpoints, weights };
    };
    const straight = await run(4);
    const firstHalf = await run(2);
    expect(firstHalf.checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    const second = await run(4, firstHalf.checkpoints[1]!);
    expect([...firstHalf.losses, ...second.losses]).toEqual(straight.losses);
    expect(second.h.loss).toEqual(straight.h.loss);
    expect(second.h.valLoss).toEqual(straight.h.valLoss);
    expect(second.h.steps).toBe(straight.h.steps);
    second.weights.forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(straight.weights[i]!.data)));
  }

  it(
    'offline: 2 epochs, then 2 more from the checkpoint, equal 4 epochs straight (losses and weights)',
    { timeout: TIMEOUT },
    () => straightAndResumed(false),
  );
  it('online: the same', { timeout: TIMEOUT }, () => straightAndResumed(true));

  it(
    'runObjective resumes from a TrainingCheckpoint and early stopping follows the loss history',
    { timeout: TIMEOUT },
    async () => {
      const h: TrialHyperparameters = {
        dropout: 0.05,
        lr: 2e-3,
        numSeeds: 1,
        batchSize: 8,
        embedDim: 16,
        summaryDim: 8,
        epochs: 3,
        posteriorDraws: 10,
        integrationSteps: 4,
        integrator: 'euler',
      };
      const network = { numHeads: 2, mlpWidths: [32], flowWidths: [32, 32] };
      const saved: TrainingCheckpoint[] = [];
      const full = await runObjective(trialSpec(h, { seed: 3, network: { overrides: network } }), train, val, {
        onCheckpoint: (c) => void saved.push(c),
      });
      expect(saved.map((c) => c.epoch)).toEqual([1, 2, 3]);
      const resumed = await runObjective(trialSpec(h, { seed: 3, network: { overrides: network } }), train, val, {
        resume: saved[0]!,
      });
      if (full.status !== 'complete' || resumed.status !== 'complete') throw new Error('both runs should complete');
      expect(resumed.result.history).toEqual(full.result.history);
      expect(resumed.result.L).toBe(full.result.L);
      // patience 1 after a history that never improved again stops at once
      const stopped = await runObjective(
        trialSpec({ ...h, epochs: 5 }, { seed: 3, network: { overrides: network }, patience: 1 }),
        train,
        val,
        { resume: { ...saved[1]!, valLoss: [1, 2] } },
      );
      if (stopped.status !== 'complete') throw new Error('early stopping still completes with diagnostics');
      expect(stopped.result.stoppedEarly).toBe(3);
    },
  );
});
