/**
 * StudyRun with a Pareto objective and a budget, in Node: real engine, real IndexedDB journal
 * (fake-indexeddb), real simulator; the training worker is a deterministic stand-in whose diagnostics
 * are functions of the hyperparameters. A Pareto trial's values are its three mean metrics and L is kept
 * beside them; a configuration over budget never reaches the trainer, is PRUNED with Optuna 5
 * constraints and does not count as a trial.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrialState, trialConstraints, type FrozenTrial } from '../../../src/engine/index.ts';
import type { BackendChoice } from '../../../src/nn/runtime/backend.ts';
import type { TrialSpec } from '../../../src/nn/model/trial-spec.ts';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { simulateBatch, type DmcBatch } from '../../../src/sim/index.ts';
import { checkBudget, smokeStudyConfig, type StudyConfig } from '../../../src/study-config/index.ts';
import { createStudyFromConfig, METRIC_NAMES_ATTR } from '../../../src/state/study-meta.ts';
import { MAX_REJECTED_IN_A_ROW, StudyRun, type Trainer } from '../../../src/state/study-run.svelte.ts';
import { budgetUsed } from '../../../src/state/run-outcome.ts';
import { isOverBudget, paretoSet, weightedSumBest } from '../../../src/state/pareto.ts';
import type { BatchPool } from '../../../src/state/trials-via-pool.ts';
import { StudyLibrary } from '../../../src/state/library.svelte.ts';
import { trialCounts } from '../../../src/ui/results-text.ts';
import type { TrialOutcome, TrialRunHooks } from '../../../src/workers/train-client.ts';

const pool: BatchPool = {
  async simulate(config, seed, n, opts) {
    const b = simulateBatch(config, seed, n);
    opts?.onProgress?.(n, n);
    return b;
  },
};

/** NRMSE falls and calibration error rises with lr, so the objectives trade off. */
class FakeTrainer implements Trainer {
  val: DmcBatch | null = null;
  specs: TrialSpec[] = [];
  reported = 0;
  async selectBackend(): Promise<BackendChoice> {
    return { backend: 'cpu', fallbacks: [] };
  }
  async setData(_train: DmcBatch, val: DmcBatch): Promise<void> {
    this.val = val;
  }
  async runTrial(spec: TrialSpec, opts: TrialRunHooks): Promise<TrialOutcome> {
    this.specs.push(spec);
    const h = spec.hyperparameters;
    const backend = { backend: 'cpu' as const, fallbacks: [] };
    for (let e = 0; e < h.epochs; e++) {
      if (await opts.onEpoch?.({ epoch: e, epochs: h.epochs, loss: 1, valLoss: 1, trainMs: 1 }))
        return { status: 'pruned', epoch: e, value: 1, backend, matmulPrecision: 'f32' };
      this.reported++;
    }
    const names = [...this.val!.paramNames];
    const u = (h.lr - 1e-4) / 9e-4;
    const nrmse = 0.3 - 0.2 * u;
    const cal = 0.05 + 0.1 * u;
    const contraction = 0.4 + h.dropout;
    const table = {
      rows: ['NRMSE', 'Posterior Contraction', 'Calibration Error'] as const,
      names,
      values: [names.map(() => nrmse), names.map(() => contraction), names.map(() => cal)],
      undefinedCells: [],
    };
    return {
      matmulPrecision: 'f32',
      status: 'complete',
      backend,
      result: {
        L: nrmse + (1 - contraction) + cal,
        table,
        history: { loss: [1], valLoss: [1] },
        msPerStep: 1,
        samplingMs: 1,
        backend: 'cpu',
        parameterCount: 10,
      },
    };
  }
}

let storage: IdbStorage;
let trainer: FakeTrainer;
let run: StudyRun;

beforeEach(async () => {
  storage = await openIdbStorage(`pareto-run-${Math.random()}`);
  trainer = new FakeTrainer();
  run = new StudyRun({ storage, pool, trainer, networks: { save: async () => undefined } });
});
afterEach(async () => {
  await storage.close();
});

function pareto(edit: (c: StudyConfig) => void = () => undefined): StudyConfig {
  const c = smokeStudyConfig();
  c.name = `pareto-${Math.random()}`;
  c.nTrials = 4;
  c.objective = { type: 'pareto', metrics: ['nrmse', 'calibration', 'contraction'] };
  edit(c);
  return c;
}

async function runStudy(config: StudyConfig): Promise<{ id: number; trials: FrozenTrial[] }> {
  const id = await createStudyFromConfig(storage, config);
  await run.run(id);
  return { id, trials: await storage.getAllTrials(id) };
}

describe('a Pareto study', () => {
  it('tells the three mean metrics, keeps L, reports nothing to a pruner and names its metrics', async () => {
    const { id, trials } = await runStudy(pareto());
    expect(run.error).toBeNull();
    expect(run.phase).toBe('finished');
    expect(await storage.getStudyDirections(id)).toEqual([1, 1, 1]);
    expect((await storage.getStudySystemAttrs(id))[METRIC_NAMES_ATTR]).toEqual([
      'NRMSE',
      'Calibration error',
      '1 − contraction',
    ]);
    expect(trials).toHaveLength(4);
    for (const t of trials) {
      expect(t.state).toBe(TrialState.COMPLETE);
      const u = ((t.params['lr'] as number) - 1e-4) / 9e-4;
      const [nrmse, cal, oneMinusC] = t.values!;
      expect(nrmse).toBeCloseTo(0.3 - 0.2 * u, 12);
      expect(cal).toBeCloseTo(0.05 + 0.1 * u, 12);
      expect(oneMinusC).toBeCloseTo(1 - (0.4 + (t.params['dropout'] as number)), 12);
      expect(t.userAttrs['L']).toBeCloseTo(nrmse! + cal! + oneMinusC!, 12);
      expect(t.intermediateValues.size).toBe(0);
    }
    expect(trainer.reported).toBe(4 * smokeStudyConfig().epochs);
    expect(paretoSet(trials, ['minimize', 'minimize', 'minimize']).length).toBeGreaterThan(0);
    expect(run.summary.best?.number).toBe(weightedSumBest(trials)!.number);
  });

  it('runs NSGA-II and a two-objective subset', async () => {
    const { id, trials } = await runStudy(
      pareto((c) => {
        c.objective = { type: 'pareto', metrics: ['calibration', 'nrmse'] };
        c.sampler = { ...c.sampler, type: 'nsga2', populationSize: 2 };
      }),
    );
    expect(run.error).toBeNull();
    expect(await storage.getStudyDirections(id)).toEqual([1, 1]);
    expect(trials.map((t) => t.values?.length)).toEqual([2, 2, 2, 2]);
    // NSGA-II ran: two generations of two (its generation is kept in each trial's system attributes).
    expect(trials.map((t) => t.systemAttrs['NSGAIISampler:generation'])).toEqual([0, 0, 1, 1]);
  });
});

describe('a budget', () => {
  // embed_dim 128 networks are over 1.1 M parameters, 64 ones under (checked below with the real count).
  const budgeted = (c: StudyConfig): void => {
    c.searchSpace.embed_dim = { type: 'categorical', choices: [64, 128] };
    c.budget = { maxParams: 1_100_000, maxMemoryMB: null };
  };

  for (const kind of ['weighted sum', 'Pareto'] as const) {
    it(`rejects configurations over it before training, without counting them (${kind})`, async () => {
      const config = pareto((c) => {
        budgeted(c);
        c.nTrials = 6;
        c.sampler = { ...c.sampler, type: 'random', seed: 7 };
        if (kind === 'weighted sum') delete c.objective;
      });
      const { trials } = await runStudy(config);
      expect(run.error).toBeNull();
      const rejected = trials.filter(isOverBudget);
      const trained = trials.filter((t) => !isOverBudget(t));
      expect(rejected.length).toBeGreaterThan(0);
      expect(trained).toHaveLength(6);
      expect(budgetUsed(trials)).toBe(6);
      expect(trainer.specs).toHaveLength(6);
      for (const s of trainer.specs) expect(s.hyperparameters.embedDim).toBe(64);
      for (const t of rejected) {
        expect(t.state).toBe(TrialState.PRUNED);
        expect(t.params['embed_dim']).toBe(128);
        const count = checkBudget(config, t.params as never).parameters;
        expect(count).toBeGreaterThan(1_100_000);
        expect(trialConstraints(t)).toEqual({ params: count - 1_100_000 });
        expect(t.userAttrs['over_budget']).toMatch(/^over budget: 1\.\d M parameters > 1\.1 M$/);
      }
      for (const t of trained) expect(trialConstraints(t)['params']).toBeLessThanOrEqual(0);
      expect(run.summary.text).toContain(`${rejected.length} configuration`);
      // The library counts them apart: the study has used its trials, nothing pruned.
      const library = new StudyLibrary(storage, {
        deleteStudy: async () => 0,
        list: async () => [],
        load: async () => undefined,
        save: async () => undefined,
      });
      await library.refresh();
      const entry = library.studies!.find((e) => e.name === config.name)!;
      expect(entry).toMatchObject({ complete: 6, pruned: 0, overBudget: rejected.length });
      expect(trialCounts(entry)).toBe(`6 complete · ${rejected.length} over budget (not counted)`);
    });
  }

  it('is learnt by TPE: after its startup trials it proposes far fewer configurations over the budget', async () => {
    const rejectedAfterStartup = async (type: 'tpe' | 'random'): Promise<number> => {
      const config = pareto((c) => {
        budgeted(c);
        c.nTrials = 16;
        c.sampler = { ...c.sampler, type, seed: 11, nStartupTrials: 4 };
      });
      const { trials } = await runStudy(config);
      expect(run.error).toBeNull();
      return trials.slice(4).filter(isOverBudget).length;
    };
    const tpe = await rejectedAfterStartup('tpe');
    const random = await rejectedAfterStartup('random');
    console.log(`over-budget proposals after 4 startup trials: TPE ${tpe}, random ${random}`);
    expect(tpe).toBeLessThan(random / 2);
  });

  it('stops with a plain message when every proposal is over it', async () => {
    const config = pareto((c) => {
      c.searchSpace.embed_dim = { type: 'categorical', choices: [128] };
      c.budget = { maxParams: 1000, maxMemoryMB: null };
      c.sampler = { ...c.sampler, type: 'random' };
    });
    const { trials } = await runStudy(config);
    expect(run.phase).toBe('failed');
    expect(run.error).toMatch(
      new RegExp(`^The last ${MAX_REJECTED_IN_A_ROW} configurations .* over the study's budget .*Raise the budget`),
    );
    expect(trials).toHaveLength(MAX_REJECTED_IN_A_ROW);
    expect(trainer.specs).toHaveLength(0);
  });
});
