/**
 * Online training through the real training worker in headless Chromium: the page's simulation pool
 * (Web Workers) prepares fresh batches ahead, the worker asks for batch j through comlink and receives
 * its buffers transferred; no training sets are loaded at all. Same run with 1 or 2 simulation workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TrialHyperparameters } from '../../src/nn/objective.ts';
import { trialSpec } from '../../src/nn/model/trial-spec.ts';
import { NOTEBOOK_CONFIG, OnlineFeed, simulateBatch, type DmcConfig } from '../../src/sim/index.ts';
import { SimPool } from '../../src/workers/sim-pool.ts';
import { TrainClient } from '../../src/workers/train-client.ts';

const sim: DmcConfig = { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 16, maxNumObs: 24 };
const tiny = { numHeads: 1, mlpWidths: [16], flowWidths: [16, 16] };
const hparams: TrialHyperparameters = {
  dropout: 0.05,
  lr: 1e-3,
  numSeeds: 1,
  batchSize: 8,
  embedDim: 8,
  summaryDim: 4,
  epochs: 2,
  posteriorDraws: 20,
  integrationSteps: 4,
  integrator: 'euler',
};

const disposers: (() => void)[] = [];
afterAll(() => disposers.forEach((d) => d()));

async function onlineRun(
  workers: number,
): Promise<{ losses: number[]; asked: number[]; L: number; detached: boolean }> {
  const pool = new SimPool({ workers });
  const client = new TrainClient();
  disposers.push(
    () => pool.dispose(),
    () => client.dispose(),
  );
  await client.setData(null, simulateBatch({ ...sim, fixedNumObs: 20 }, 2, 8));
  const feed = new OnlineFeed({
    config: sim,
    seed: 9,
    batchSize: 8,
    simulate: (p, signal) => pool.simulateRange(sim, p.seed, p.start, p.count, p.numObs, { signal }),
  });
  const asked: number[] = [];
  const handed: Float32Array[] = [];
  const losses: number[] = [];
  const spec = trialSpec(hparams, {
    seed: 3,
    network: { overrides: tiny },
    online: { batchesPerEpoch: 3, maxObs: 24, standardizationSets: 16 },
  });
  const out = await client.runTrial(spec, {
    onlineBatch: async (j) => {
      asked.push(j);
      const b = await feed.next(j);
      handed.push(b.rt);
      return b;
    },
    onBatch: (p) => losses.push(p.loss),
  });
  feed.dispose();
  if (out.status !== 'complete') throw new Error('the online run should complete');
  // Transferred, not copied: the buffers handed to the worker are detached here.
  return { losses, asked, L: out.result.L, detached: handed.every((rt) => rt.byteLength === 0) };
}

describe('online training in the worker', () => {
  it('trains on fresh batches from the pool, transferred, the same with 1 or 2 simulation workers', async () => {
    const one = await onlineRun(1);
    const two = await onlineRun(2);
    expect(one.asked).toEqual([0, 1, 2, 3, 4, 5]);
    expect(one.detached).toBe(true);
    expect(one.losses).toHaveLength(6);
    expect(two.losses).toEqual(one.losses);
    expect(two.L).toBe(one.L);
  });
});
