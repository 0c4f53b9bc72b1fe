/**
 * A seeded study interrupted after k trials and continued by a new StudyRun (a reload, another tab)
 * proposes the same trials as the same study run without interruption. The storage is the engine's
 * in-memory one; "the tab closes" between two trials by making the storage refuse the next trial.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryStorage, TrialState, type FrozenTrial } from '../../../src/engine/index.ts';
import type { BackendChoice } from '../../../src/nn/runtime/backend.ts';
import type { TrialSpec } from '../../../src/nn/model/trial-spec.ts';
import { simulateBatch, type DmcBatch } from '../../../src/sim/index.ts';
import { smokeStudyConfig, type StudyConfig } from '../../../src/study-config/index.ts';
import { createStudyFromConfig } from '../../../src/state/study-meta.ts';
import type { LibraryStorage } from '../../../src/state/study-meta.ts';
import { StudyRun, type Trainer } from '../../../src/state/study-run.svelte.ts';
import type { BatchPool } from '../../../src/state/trials-via-pool.ts';
import type { TrialOutcome, TrialRunHooks } from '../../../src/workers/train-client.ts';

const pool: BatchPool = {
  async simulate(config, seed, n, opts) {
    const b = simulateBatch(config, seed, n);
    opts?.onProgress?.(n, n);
    return b;
  },
};

/** L is a function of the hyperparameters and the trial seed, so TPE has a signal to model. */
class FakeTrainer implements Trainer {
  val: DmcBatch | null = null;
  async selectBackend(): Promise<BackendChoice> {
    return { backend: 'cpu', fallbacks: [] };
  }
  async setData(_train: DmcBatch, val: DmcBatch): Promise<void> {
    this.val = val;
  }
  async runTrial(spec: TrialSpec, opts: TrialRunHooks): Promise<TrialOutcome> {
    const h = spec.hyperparameters;
    const L = h.lr * 1000 + h.dropout + (spec.seed % 1000) / 1e6;
    for (let e = 0; e < h.epochs; e++)
      await opts.onEpoch?.({ epoch: e, epochs: h.epochs, loss: L, valLoss: L, trainMs: 1 });
    const names = [...this.val!.paramNames];
    const table = {
      rows: ['NRMSE', 'Posterior Contraction', 'Calibration Error'] as const,
      names,
      values: [names.map(() => L), names.map(() => 0.5), names.map(() => 0.1)],
      undefinedCells: [],
    };
    return {
      status: 'complete',
      backend: { backend: 'cpu', fallbacks: [] },
      matmulPrecision: 'f32',
      result: {
        L,
        table,
        history: { loss: [L], valLoss: [L] },
        msPerStep: 1,
        samplingMs: 1,
        backend: 'cpu',
        parameterCount: 1,
      },
    } as TrialOutcome;
  }
}

/** The in-memory storage with the library calls a run makes; `refuseAfter` closes the "tab". */
function libraryStorage(refuseAfter = Infinity): LibraryStorage {
  const s = new InMemoryStorage();
  let created = 0;
  const createNewTrial = s.createNewTrial.bind(s);
  s.createNewTrial = async (...a: Parameters<InMemoryStorage['createNewTrial']>) => {
    if (created >= refuseAfter) throw new Error('the tab is gone');
    created++;
    return createNewTrial(...a);
  };
  return Object.assign(s, { failStaleTrials: async () => [] }) as unknown as LibraryStorage;
}

function newRun(storage: LibraryStorage): StudyRun {
  return new StudyRun({ storage, pool, trainer: new FakeTrainer(), networks: { save: async () => undefined } });
}

function config(sampler: 'tpe' | 'random'): StudyConfig {
  const c = smokeStudyConfig();
  c.simulator.numObs = { fixed: 20 };
  c.data = { trainingSets: 4, validationSets: 3 };
  c.diagnostics.posteriorDraws = 3;
  c.epochs = 1;
  c.nTrials = 7;
  c.sampler = {
    type: sampler,
    seed: 1234,
    multivariate: false,
    nStartupTrials: 3,
    constantLiar: true,
    bandwidth: 'scott',
  };
  return c;
}

const proposals = (trials: FrozenTrial[]): unknown[] =>
  trials.map((t) => ({ number: t.number, state: t.state, params: t.params, seed: t.userAttrs.seed }));

describe('StudyRun resume', () => {
  for (const sampler of ['tpe', 'random'] as const) {
    it(`${sampler}: interrupted after k trials and continued == uninterrupted`, async () => {
      const whole = libraryStorage();
      const wid = await createStudyFromConfig(whole, config(sampler));
      await newRun(whole).run(wid);
      const expected = await whole.getAllTrials(wid);
      expect(expected.map((t) => t.state)).toEqual(Array(7).fill(TrialState.COMPLETE));

      for (const k of [2, 4]) {
        const storage = libraryStorage(k);
        const id = await createStudyFromConfig(storage, config(sampler));
        const first = newRun(storage);
        await first.run(id);
        expect(first.phase).toBe('failed');
        expect(await storage.getAllTrials(id)).toHaveLength(k);
        // A new session: no refusal any more, a fresh StudyRun and sampler.
        Object.assign(storage, { createNewTrial: InMemoryStorage.prototype.createNewTrial });
        const second = newRun(storage);
        await second.run(id);
        expect(second.phase).toBe('finished');
        expect(proposals(await storage.getAllTrials(id))).toEqual(proposals(expected));
      }
    });
  }
});
