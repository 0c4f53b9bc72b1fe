/**
 * A study with data.mode "online": no training sets are simulated up front, only the fixed validation
 * sets; every trial trains on fresh batches that the page's pool simulates ahead (src/sim/online.ts),
 * batch j of the trial being online batch j of the study's training seed, whatever the trial.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/index.ts';
import type { TrialSpec } from '../../../src/nn/model/trial-spec.ts';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { simulateBatch, simulateOnlineBatch, simulateRange, type DmcBatch } from '../../../src/sim/index.ts';
import { dataSeeds, smokeStudyConfig, toDmcConfig, type StudyConfig } from '../../../src/study-config/index.ts';
import { createStudyFromConfig } from '../../../src/state/study-meta.ts';
import { StudyRun, type Trainer } from '../../../src/state/study-run.svelte.ts';
import type { BatchPool } from '../../../src/state/trials-via-pool.ts';
import type { TrialOutcome, TrialRunHooks } from '../../../src/workers/train-client.ts';

const simulated: number[] = [];
const pool: BatchPool = {
  async simulate(config, seed, n) {
    simulated.push(n);
    return simulateBatch(config, seed, n);
  },
  async simulateRange(config, seed, start, n, numObs) {
    return simulateRange(config, seed, start, n, numObs);
  },
};

/** Takes every online batch the run offers, one per step, and keeps them for the checks. */
class OnlineTrainer implements Trainer {
  train: DmcBatch | null | undefined;
  batches: { batchSize: number; j: number; batch: DmcBatch }[][] = [];
  requests: TrialSpec[] = [];
  async selectBackend() {
    return { backend: 'cpu' as const, fallbacks: [] };
  }
  async setData(train: DmcBatch | null): Promise<void> {
    this.train = train;
  }
  async runTrial(spec: TrialSpec, opts: TrialRunHooks): Promise<TrialOutcome> {
    const h = spec.hyperparameters;
    this.requests.push(spec);
    const got: { batchSize: number; j: number; batch: DmcBatch }[] = [];
    this.batches.push(got);
    const perEpoch = spec.online!.batchesPerEpoch;
    for (let e = 0; e < h.epochs; e++) {
      for (let b = 0; b < perEpoch; b++) {
        const j = e * perEpoch + b;
        got.push({ batchSize: h.batchSize, j, batch: await opts.onlineBatch!(j) });
      }
      await opts.onEpoch?.({ epoch: e, epochs: h.epochs, loss: 1, valLoss: 1, trainMs: 1 });
    }
    return {
      status: 'pruned',
      epoch: h.epochs - 1,
      value: 1,
      backend: { backend: 'cpu', fallbacks: [] },
      matmulPrecision: 'f32',
    };
  }
}

let storage: IdbStorage;
beforeEach(async () => {
  storage = await openIdbStorage(`online-run-${Math.random()}`);
  simulated.length = 0;
});
afterEach(async () => {
  await storage.close();
});

describe('StudyRun with online training', () => {
  it('simulates only the validation sets up front and feeds every trial its fresh online batches', async () => {
    const config: StudyConfig = {
      ...smokeStudyConfig(),
      name: 'online',
      nTrials: 2,
      epochs: 2,
      data: { trainingSets: 500, validationSets: 6, mode: 'online', batchesPerEpoch: 3 },
    };
    const trainer = new OnlineTrainer();
    const run = new StudyRun({ storage, pool, trainer, networks: { save: async () => undefined } });
    await run.run(await createStudyFromConfig(storage, config));
    expect(run.error).toBeNull();
    expect(simulated).toEqual([6]);
    expect(trainer.train).toBeNull();
    expect(trainer.requests.map((r) => r.online)).toEqual([
      {
        batchesPerEpoch: 3,
        maxObs: toDmcConfig(config).fixedNumObs ?? toDmcConfig(config).maxNumObs,
        standardizationSets: null,
      },
      {
        batchesPerEpoch: 3,
        maxObs: toDmcConfig(config).fixedNumObs ?? toDmcConfig(config).maxNumObs,
        standardizationSets: null,
      },
    ]);
    const seed = dataSeeds(config).training;
    for (const trial of trainer.batches) {
      expect(trial.map((x) => x.j)).toEqual([0, 1, 2, 3, 4, 5]);
      for (const { batchSize, j, batch } of trial) {
        const ref = simulateOnlineBatch(toDmcConfig(config), seed, j, batchSize);
        expect(batch.n).toBe(batchSize);
        expect(Array.from(batch.params)).toEqual(Array.from(ref.params));
        expect(Array.from(batch.rt)).toEqual(Array.from(ref.rt));
      }
    }
    const trials = await storage.getAllTrials(run.studyId!);
    expect(trials.map((t) => t.state)).toEqual([TrialState.PRUNED, TrialState.PRUNED]);
  });
});
