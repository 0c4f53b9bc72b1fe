/**
 * The final-network run in Node with real training (wasm, tiny network), a real study journal and a real
 * checkpoint store (fake-indexeddb): a checkpoint is stored after every epoch; a run whose tab died after
 * epoch 2 is offered as interrupted and, continued by a fresh instance (a reloaded page), ends with the
 * same loss history, L and weights as a run that never stopped; the network lands under the final key.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadStudy, type FrozenTrial } from '../../../src/engine/index.ts';
import { runObjective, type TrialSpec } from '../../../src/nn/index.ts';
import type { NetworkFile } from '../../../src/nn/model/network-file.ts';
import { FinalRunStore, type FinalRunRecord, type FinalRunSettings } from '../../../src/persistence/final-run-store.ts';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { ONLINE_BASE, simulateBatch, simulateRange, type DmcBatch } from '../../../src/sim/index.ts';
import { smokeStudyConfig, suggestAll, trialNetwork, type StudyConfig } from '../../../src/study-config/index.ts';
import { FinalNetworkRun } from '../../../src/state/final-network.svelte.ts';
import {
  finalNetworkKey,
  offeredTrials,
  STALL_MIN_SECONDS,
  stalledFor,
} from '../../../src/state/final-network-support.ts';
import { createStudyFromConfig } from '../../../src/state/study-meta.ts';
import type { Trainer } from '../../../src/state/study-run.svelte.ts';
import type { BatchPool } from '../../../src/state/trials-via-pool.ts';
import type { TrialOutcome, TrialRunHooks } from '../../../src/workers/train-client.ts';
import { useWasm } from '../nn/helpers.ts';

beforeAll(useWasm);
const TIMEOUT = 300_000;

const pool: BatchPool = {
  simulate: async (c, seed, n) => simulateBatch(c, seed, n),
  simulateRange: async (c, seed, start, n, numObs) => simulateRange(c, seed, start, n, numObs),
};

/** The training worker's work on this thread: runObjective with a tiny network. */
class NodeTrainer implements Trainer {
  data: { train: DmcBatch | null; val: DmcBatch[] } | null = null;
  onCheckpoint: ((epoch: number) => void) | null = null;
  async selectBackend() {
    return { backend: 'wasm' as const, fallbacks: [] };
  }
  async setData(train: DmcBatch | null, val: DmcBatch | DmcBatch[]): Promise<void> {
    this.data = { train, val: Array.isArray(val) ? val : [val] };
  }
  specs: TrialSpec[] = [];
  async runTrial(spec: TrialSpec, o: TrialRunHooks): Promise<TrialOutcome> {
    this.specs.push(spec);
    // The spec as the app built it, with a tiny network and a small standardization sample for speed.
    const small: TrialSpec = {
      ...spec,
      network: { ...spec.network, overrides: { numHeads: 1, mlpWidths: [16], flowWidths: [16, 16] } },
      online: spec.online === null ? null : { ...spec.online, standardizationSets: 16 },
    };
    const out = await runObjective(small, spec.online !== null ? null : this.data!.train, this.data!.val, {
      ...o,
      onCheckpoint: async (c) => {
        await o.onCheckpoint?.(c);
        this.onCheckpoint?.(c.epoch);
      },
    });
    return { ...out, backend: { backend: 'wasm', fallbacks: [] }, matmulPrecision: 'f32' };
  }
}

const config: StudyConfig = {
  ...smokeStudyConfig(),
  name: 'final',
  searchSpace: {
    ...smokeStudyConfig().searchSpace,
    embed_dim: { type: 'categorical', choices: [8] },
    summary_dim: { type: 'categorical', choices: [4] },
    batch_size: { type: 'categorical', choices: [8] },
    num_seeds: { type: 'int', low: 1, high: 1 },
  },
  diagnostics: { posteriorDraws: 10, integrationSteps: 3, integrator: 'euler' },
};
const settings: FinalRunSettings = {
  epochs: 4,
  mode: 'online',
  batchesPerEpoch: 3,
  trainingSets: 0,
  numObs: { min: 10, max: 30 },
  validationSets: 8,
  patience: null,
};

let storage: IdbStorage;
let runs: FinalRunStore;
let studyId: number;
let trial: FrozenTrial;
let saved: Map<string, NetworkFile>;

beforeEach(async () => {
  const tag = Math.random();
  storage = await openIdbStorage(`final-${tag}`);
  runs = await FinalRunStore.open(`final-runs-${tag}`);
  studyId = await createStudyFromConfig(storage, config);
  const study = await loadStudy({ studyName: 'final', storage });
  const t = await study.ask();
  await suggestAll(t, config);
  await t.setUserAttr('seed', 77);
  await study.tell(t, 1.5);
  trial = offeredTrials(await storage.getAllTrials(studyId))[0]!;
  saved = new Map();
});

function makeRun(trainer: NodeTrainer): FinalNetworkRun {
  return new FinalNetworkRun({
    storage,
    pool,
    trainer,
    runs,
    networks: { save: async (k, n, f) => void saved.set(`${k}/${n}`, f), load: async (k, n) => saved.get(`${k}/${n}`) },
  });
}

describe('final network run', () => {
  it(
    'checkpoints every epoch; a run continued after its tab died equals one that never stopped',
    { timeout: TIMEOUT },
    async () => {
      const straightTrainer = new NodeTrainer();
      const straight = makeRun(straightTrainer);
      await straight.start(studyId, trial, settings);
      expect(straight.error).toBeNull();
      // The study's network options as a trial reads them, with the final run's own data mode and stopping.
      expect(straightTrainer.specs).toHaveLength(1);
      expect(straightTrainer.specs[0]).toMatchObject({
        weights: config.weights,
        network: trialNetwork(config.network),
        online: { batchesPerEpoch: settings.batchesPerEpoch, maxObs: 30, standardizationSets: null },
        patience: null,
        keep: { draws: true, preview: false },
      });
      expect(straightTrainer.specs[0]!.hyperparameters.epochs).toBe(settings.epochs);
      expect(straight.phase).toBe('finished');
      const done = (await runs.list(studyId))[0]!;
      expect(done.status).toBe('complete');
      expect(done.checkpoint).toBeNull();
      const reference = saved.get(`${finalNetworkKey('study-' + studyId)}/${trial.number}`)!;
      expect(reference.metadata['history']).toBeDefined();
      expect(reference.metadata['simulator']).toMatchObject({ fixedNumObs: null, minNumObs: 10, maxNumObs: 30 });
      expect(reference.metadata['validationDraws']).toBeDefined();

      // Again, and the tab "dies" after epoch 2: the stored record is what a reload finds.
      const trainer = new NodeTrainer();
      const first = makeRun(trainer);
      let atDeath: FinalRunRecord | undefined;
      const epochsStored: number[] = [];
      trainer.onCheckpoint = (epoch) => {
        epochsStored.push(epoch);
        if (epoch === 2) {
          void runs.get(done.id).then((r) => (atDeath = structuredClone(r)));
          first.cancel();
        }
      };
      await first.start(studyId, trial, settings);
      expect(epochsStored).toEqual([1, 2]);
      expect(atDeath?.status).toBe('running');
      expect(atDeath?.checkpoint?.epoch).toBe(2);
      await runs.put(atDeath!);

      const reloaded = makeRun(new NodeTrainer());
      await reloaded.load(studyId);
      expect(reloaded.interrupted.map((r) => [r.trialNumber, r.checkpoint?.epoch])).toEqual([[trial.number, 2]]);
      const resumed = reloaded.continue(done.id);
      await vi.waitFor(() => expect(reloaded.live).not.toBeNull());
      expect(reloaded.live!.loss).toEqual(atDeath!.checkpoint!.loss);
      expect(reloaded.live!.epochsAtStart).toBe(2);
      await resumed;
      expect(reloaded.phase).toBe('finished');
      const again = saved.get(`${finalNetworkKey('study-' + studyId)}/${trial.number}`)!;
      expect(again.metadata['history']).toEqual(reference.metadata['history']);
      expect(again.metadata['L']).toBe(reference.metadata['L']);
      expect(again.weights.map((w) => w.data)).toEqual(reference.weights.map((w) => w.data));
      expect(reloaded.interrupted).toEqual([]);
      await reloaded.showDiagnostics((await runs.list(studyId))[0]!);
      expect(reloaded.diagnostics?.sample?.n).toBe(8);
      expect(reloaded.diagnostics?.sample?.names).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
    },
  );

  it('refuses settings it cannot run, in plain words', async () => {
    const r = makeRun(new NodeTrainer());
    await expect(r.start(studyId, trial, { ...settings, mode: 'offline', trainingSets: 20 })).rejects.toThrow(
      'Offline training needs one number of trials per data set; choose online training for a range of trial counts',
    );
    await expect(r.start(studyId, trial, { ...settings, epochs: 0 })).rejects.toThrow(
      'Epochs: enter a whole number of at least 1 (got 0)',
    );
  });

  describe('the watchdog', () => {
    afterEach(() => vi.useRealTimers());

    it('says nothing for a slow run, and names the stage of one that stopped moving', () => {
      expect(stalledFor({ sinceProgressS: STALL_MIN_SECONDS - 1, longestGapS: 1 })).toBeNull();
      expect(stalledFor({ sinceProgressS: STALL_MIN_SECONDS + 1, longestGapS: 1 })).toBe(STALL_MIN_SECONDS + 1);
      // Batches of 40 s each: 3 minutes without one is still within five of them.
      expect(stalledFor({ sinceProgressS: 180, longestGapS: 40 })).toBeNull();
      expect(stalledFor({ sinceProgressS: 201, longestGapS: 40 })).toBe(201);
    });

    it(
      'reports a run waiting for an online batch that never comes, with the stage, and Cancel still ends it',
      { timeout: TIMEOUT },
      async () => {
        vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
        // The simulation workers answer the validation sets, never the online batches.
        const stuck: BatchPool = {
          simulate: pool.simulate,
          simulateRange: (c, seed, start, n, numObs, o) =>
            start >= ONLINE_BASE
              ? new Promise((_, reject) =>
                  o?.signal?.addEventListener('abort', () => reject(o.signal!.reason), { once: true }),
                )
              : (simulateRange(c, seed, start, n, numObs) as never),
        };
        const trainer = new NodeTrainer();
        const run = new FinalNetworkRun({
          storage,
          pool: stuck,
          trainer,
          runs,
          networks: { save: async () => undefined, load: async () => undefined },
        });
        const started = run.start(studyId, trial, settings);
        await vi.waitFor(() => expect(run.stage).toBe('waiting for online batch 1 from the simulation workers'));
        expect(run.stalled).toBeNull();
        vi.advanceTimersByTime((STALL_MIN_SECONDS - 5) * 1000);
        expect(run.stalled).toBeNull();
        vi.advanceTimersByTime(10_000);
        expect(run.stalled).toEqual({
          stage: 'waiting for online batch 1 from the simulation workers',
          seconds: STALL_MIN_SECONDS + 5,
        });
        run.cancel();
        await started;
        expect(run.phase).toBe('cancelled');
        expect(run.stalled).toBeNull();
      },
    );
  });
});
