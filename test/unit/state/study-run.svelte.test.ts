/**
 * StudyRun orchestration in Node: real engine, real IndexedDB journal (fake-indexeddb), real simulator
 * (on the calling thread, which the pool's contract makes identical); the training worker is replaced
 * by a deterministic stand-in that reports per-epoch losses, honours prune decisions and aborts.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrialState, withFailReasons, type FrozenTrial } from '../../../src/engine/index.ts';
import type { BackendChoice } from '../../../src/nn/runtime/backend.ts';
import type { TrialSpec } from '../../../src/nn/model/trial-spec.ts';
import type { NetworkFile } from '../../../src/nn/model/network-file.ts';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { simulateBatch, type DmcBatch } from '../../../src/sim/index.ts';
import {
  smokeStudyConfig,
  studyTrialSpec,
  type StudyConfig,
  type SuggestedHyperparameters,
} from '../../../src/study-config/index.ts';
import { decodeDraws, isInterrupted } from '../../../src/state/run-support.ts';
import { createStudyFromConfig, modelKey } from '../../../src/state/study-meta.ts';
import { StudyRun, type Trainer } from '../../../src/state/study-run.svelte.ts';
import type { BatchPool } from '../../../src/state/trials-via-pool.ts';
import { webRunLock } from '../../../src/state/run-lock.ts';
import type { TrialOutcome, TrialRunHooks } from '../../../src/workers/train-client.ts';

const pool: BatchPool = {
  async simulate(config, seed, n, opts) {
    const b = simulateBatch(config, seed, n);
    opts?.onProgress?.(n, n);
    return b;
  },
};

/** L and the losses are functions of the hyperparameters, so TPE and the pruner see a real signal. */
class FakeTrainer implements Trainer {
  data: { train: DmcBatch; val: DmcBatch } | null = null;
  seeds: number[] = [];
  /** Called at the start of each trial; may throw or wait. */
  hook: ((spec: TrialSpec, opts: TrialRunHooks) => Promise<void>) | null = null;
  /** Every spec received, as it arrived. */
  specs: TrialSpec[] = [];

  async selectBackend(): Promise<BackendChoice> {
    return { backend: 'cpu', fallbacks: [{ backend: 'webgpu', reason: 'no adapter' }] };
  }
  async setData(train: DmcBatch, val: DmcBatch): Promise<void> {
    this.data = { train, val };
  }
  async runTrial(spec: TrialSpec, opts: TrialRunHooks): Promise<TrialOutcome> {
    const h = spec.hyperparameters;
    const backend = { backend: 'cpu' as const, fallbacks: [] };
    this.seeds.push(spec.seed);
    this.specs.push(spec);
    await this.hook?.(spec, opts);
    const base = h.lr * 1000 + h.dropout;
    const loss: number[] = [];
    const valLoss: number[] = [];
    for (let e = 0; e < h.epochs; e++) {
      opts.signal?.throwIfAborted();
      opts.onBatch?.({
        epoch: e,
        batch: 0,
        numBatches: 1,
        step: e,
        totalSteps: h.epochs,
        loss: base,
        lr: h.lr,
      } as never);
      loss.push(base / (e + 1));
      valLoss.push(base / (e + 1) + 0.01);
      if (await opts.onEpoch?.({ epoch: e, epochs: h.epochs, loss: loss[e]!, valLoss: valLoss[e]!, trainMs: 1 })) {
        return { status: 'pruned', epoch: e, value: valLoss[e]!, backend, matmulPrecision: 'f32' };
      }
    }
    const n = this.data!.val.n;
    const P = this.data!.val.paramNames.length;
    const S = h.posteriorDraws;
    const draws = new Float32Array(n * S * P).fill(1);
    const names = [...this.data!.val.paramNames];
    const table = {
      rows: ['NRMSE', 'Posterior Contraction', 'Calibration Error'] as const,
      names,
      values: [names.map(() => base), names.map(() => 0.5), names.map(() => 0.1)],
      undefinedCells: [],
    };
    const network = {
      format: 'dmc-tune-network',
      version: 1,
      config: {},
      standardization: { mean: [], std: [] },
      weights: [],
      metadata: { createdAt: '', paramNames: names, seed: spec.seed },
    } as unknown as NetworkFile;
    return {
      matmulPrecision: 'f32',
      status: 'complete',
      backend,
      result: {
        L: base + 0.6,
        table,
        history: { loss, valLoss },
        msPerStep: 2,
        samplingMs: 3,
        backend: 'cpu',
        parameterCount: 10,
        network,
        draws,
      },
    };
  }
}

let storage: IdbStorage;
/** The trials as the app shows them: reasons of FAIL trials come from the study's own records. */
const shown = async (id: number): Promise<FrozenTrial[]> =>
  withFailReasons(await storage.getAllTrials(id), await storage.getStudySystemAttrs(id));
let dbName: string;
let trainer: FakeTrainer;
let saved: Map<string, NetworkFile>;
let run: StudyRun;
let active: (number | null)[];

beforeEach(async () => {
  dbName = `run-test-${Math.random()}`;
  storage = await openIdbStorage(dbName);
  trainer = new FakeTrainer();
  saved = new Map();
  active = [];
  run = new StudyRun({
    storage,
    pool,
    trainer,
    networks: { save: async (key, k, file) => void saved.set(`${key}/${k}`, file) },
    markActive: (id) => active.push(id),
  });
});
afterEach(async () => {
  await storage.close();
});

function smoke(edit: (c: StudyConfig) => void = () => {}): StudyConfig {
  const c = smokeStudyConfig();
  c.simulator.numObs = { fixed: 20 };
  c.data = { trainingSets: 6, validationSets: 4 };
  c.diagnostics.posteriorDraws = 5;
  edit(c);
  return c;
}

describe('StudyRun', () => {
  it('passes the opt-in f16 matmul to every trial, and nothing when it is off', async () => {
    const seen: (string | undefined)[] = [];
    trainer.hook = async (spec) => void seen.push(spec.network.ops.matmulPrecision);
    await run.run(
      await createStudyFromConfig(
        storage,
        smoke((c) => (c.network = { variant: 'as-tuned', standardizeCondition: false, matmulF16: true })),
      ),
    );
    await run.run(
      await createStudyFromConfig(
        storage,
        smoke((c) => (c.name = 'smoke-f32')),
      ),
    );
    expect(seen).toEqual(['f16', 'f16', 'f16', undefined, undefined, undefined]);
  });

  it('tries the configuration’s enqueued trials first, within the trial budget', async () => {
    const first = { dropout: 0.05, lr: 0.001, num_seeds: 1, batch_size: 64, embed_dim: 64, summary_dim: 16 };
    const second = { ...first, lr: 0.0005, batch_size: 32 };
    const config = smoke((c) => {
      c.nTrials = 2;
      c.enqueueTrials = [first, second];
    });
    const id = await createStudyFromConfig(storage, config);
    const seen: string[] = [];
    trainer.hook = async (spec) => void seen.push(String(spec.network.standardizeTrials) + String(spec.keep.preview));
    await run.run(id);
    const trials = await shown(id);
    expect(trials.map((t) => t.params)).toEqual([first, second]);
    expect(trials.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.COMPLETE]);
    // Every trial asks for the live recovery preview; the network options pass through.
    expect(seen).toEqual(['falsetrue', 'falsetrue']);
  });

  it('runs a study to its trial budget and records every trial', async () => {
    const config = smoke();
    const id = await createStudyFromConfig(storage, config);
    await run.run(id);
    expect(run.phase).toBe('finished');
    expect(run.error).toBeNull();
    const trials = await shown(id);
    expect(trials.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.COMPLETE, TrialState.COMPLETE]);
    for (const t of trials) {
      expect([...t.intermediateValues.keys()]).toEqual([0, 1]); // one report per epoch
      expect(t.userAttrs.mean_nrmse).toBeTypeOf('number');
      expect(t.userAttrs.val_loss).toHaveLength(2);
      expect(t.values![0]).toBeCloseTo((t.params.lr as number) * 1000 + (t.params.dropout as number) + 0.6, 12);
      const file = saved.get(`${modelKey(id)}/${t.number}`);
      const d = decodeDraws(file?.metadata.validationDraws);
      expect(d).not.toBeNull();
      expect([d!.n, d!.S, d!.P]).toEqual([4, 5, 6]);
      expect(Array.from(d!.truths)).toEqual(Array.from(Float32Array.from(trainer.data!.val.params)));
    }
    expect(new Set(trainer.seeds).size).toBe(3);
    // Each trial's spec is the one studyTrialSpec builds from the configuration, passed on unchanged.
    expect(trainer.specs).toEqual(
      trials.map((t, i) =>
        studyTrialSpec(config, {
          studyName: config.name,
          trialNumber: t.number,
          params: t.params as SuggestedHyperparameters,
          seed: trainer.seeds[i]!,
        }),
      ),
    );
    expect(active).toEqual([id, null]);
    expect(run.backend?.backend).toBe('cpu');
  });

  it('regenerates the same data sets from the study seed', async () => {
    const id = await createStudyFromConfig(
      storage,
      smoke((c) => (c.nTrials = 1)),
    );
    await run.run(id);
    const first = trainer.data!;
    const again = await createStudyFromConfig(
      storage,
      smoke((c) => {
        c.nTrials = 1;
        c.name = 'again';
      }),
    );
    await run.run(again);
    expect(trainer.data!.train.rt).toEqual(first.train.rt);
    expect(trainer.data!.val.params).toEqual(first.val.params);
    expect(trainer.data!.train.params).not.toEqual(first.val.params);
  });

  it('continues after a reload: the interrupted trial is marked, re-run with its parameters first, and costs no budget', async () => {
    const config = smoke((c) => (c.nTrials = 4));
    const id = await createStudyFromConfig(storage, config);
    // First "tab": completes one trial, then is closed in the middle of the next one.
    trainer.hook = async () => {
      if (trainer.seeds.length === 2) throw new Error('tab closed');
    };
    const other = await openIdbStorage(dbName);
    const first = new StudyRun({ storage: other, pool, trainer, networks: { save: async () => undefined } });
    const crash = (other as unknown as { setTrialStateValues: unknown }).setTrialStateValues;
    // Simulate the tab dying: the failing trial never gets its final state written.
    (other as unknown as { setTrialStateValues: unknown }).setTrialStateValues = async function (
      this: IdbStorage,
      ...a: unknown[]
    ) {
      if (a[1] === TrialState.FAIL) throw new Error('the tab is gone');
      return (crash as (...x: unknown[]) => Promise<boolean>).apply(this, a);
    };
    await first.run(id);
    await other.close();
    let trials = await shown(id);
    expect(trials.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.RUNNING]);
    const completed = trials[0]!;

    trainer.hook = null;
    const interruptedSeed = trainer.seeds[1];
    await run.run(id);
    expect(run.phase).toBe('finished');
    expect(run.interrupted).toEqual([1]);
    expect(run.retried).toEqual([1]);
    trials = await shown(id);
    // 4 trials of budget complete: the interrupted one is replaced by its retry (trial 2).
    expect(trials.map((t) => t.state)).toEqual([
      TrialState.COMPLETE,
      TrialState.FAIL,
      TrialState.COMPLETE,
      TrialState.COMPLETE,
      TrialState.COMPLETE,
    ]);
    expect(isInterrupted(trials[1]!)).toBe(true);
    expect(trials[0]).toEqual(completed);
    const retry = trials[2]!;
    expect(retry.params).toEqual(trials[1]!.params);
    expect(retry.systemAttrs.failed_trial).toBe(1);
    expect(retry.systemAttrs.retry_history).toEqual([1]);
    expect(retry.userAttrs.seed).toBe(trials[1]!.userAttrs.seed);
    expect(trainer.seeds[2]).toBe(interruptedSeed); // the same run again
    expect(run.finishedCount).toBe(4);
    // the fake trainer's diagnostics (contraction 0.5, NRMSE ≈ 0.3) are no learned network: the end message says so
    expect(run.summary?.kind).toBe('warn');
    expect(run.summary?.text).toMatch(
      /^Finished: 4 complete — the best trial \(#3\) has barely learned: posteriors narrower than the prior but off the truths \(NRMSE A 0\.\d\d, .* where learned needs ≤ 0\.22\)\.$/,
    );
    // Continuing a finished study changes nothing: no second retry, no extra trial.
    await run.run(id);
    expect(await shown(id)).toHaveLength(5);
  });

  it('cancel ends the current trial as FAIL and leaves a valid study', async () => {
    const id = await createStudyFromConfig(
      storage,
      smoke((c) => (c.nTrials = 3)),
    );
    trainer.hook = async (_spec, opts) => {
      if (trainer.seeds.length === 2) {
        run.cancel();
        expect(run.cancelling).toBe(true);
        opts.signal!.throwIfAborted();
      }
    };
    await run.run(id);
    expect(run.phase).toBe('cancelled');
    expect(run.cancelling).toBe(false);
    expect(run.error).toBeNull();
    const trials = await shown(id);
    expect(trials.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.FAIL]);
    expect(String(trials[1]!.systemAttrs.fail_reason)).toMatch(/^Aborted/);
    expect(active.at(-1)).toBeNull();
    // Continuing runs the remaining budget.
    trainer.hook = null;
    await run.run(id);
    expect((await shown(id)).map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE]);
  });

  it('feeds each epoch’s validation loss to the pruner', async () => {
    const id = await createStudyFromConfig(
      storage,
      smoke((c) => {
        c.nTrials = 6;
        c.epochs = 3;
        c.sampler = {
          type: 'random',
          seed: 4,
          multivariate: false,
          nStartupTrials: 10,
          constantLiar: true,
          bandwidth: 'scott',
        };
        c.pruner = { type: 'median', nStartupTrials: 1, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 };
      }),
    );
    await run.run(id);
    const trials = await shown(id);
    const pruned = trials.filter((t) => t.state === TrialState.PRUNED);
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      expect(t.values![0]).toBe([...t.intermediateValues.values()].at(-1));
      expect(t.userAttrs.val_loss).toHaveLength(t.intermediateValues.size);
      // The trainer's pruned outcome became the engine's TrialPruned, not a failure.
      expect(t.systemAttrs.fail_reason).toBeUndefined();
    }
  });

  it('holds the study’s run lock while running, and refuses when another tab holds it', async () => {
    const id = await createStudyFromConfig(
      storage,
      smoke((c) => (c.nTrials = 1)),
    );
    const events: string[] = [];
    const locked = new StudyRun({
      storage,
      pool,
      trainer,
      networks: { save: async () => undefined },
      lock: {
        acquire: async (s) => (events.push(`acquire ${s}`), () => void events.push(`release ${s}`)),
        held: async () => false,
      },
    });
    await locked.run(id);
    expect(locked.phase).toBe('finished');
    expect(events).toEqual([`acquire ${id}`, `release ${id}`]);
    const busy = new StudyRun({
      storage,
      pool,
      trainer,
      networks: { save: async () => undefined },
      lock: { acquire: async () => null, held: async () => true },
    });
    await busy.run(id);
    expect(busy.phase).toBe('failed');
    expect(busy.error).toMatch(/running in another tab/);
  });

  it('a refused lock request fails the run with the lock’s name instead of hanging in starting', async () => {
    const id = await createStudyFromConfig(
      storage,
      smoke((c) => (c.nTrials = 1)),
    );
    let refuse = true;
    const locks = {
      request: (name: string, _options: LockOptions, callback: LockGrantedCallback<unknown>) =>
        refuse
          ? Promise.reject(new DOMException('The request was aborted.', 'AbortError'))
          : Promise.resolve(callback({ name, mode: 'exclusive' } as Lock)),
      query: async () => ({ held: [], pending: [] }),
    } as unknown as LockManager;
    const run = new StudyRun({
      storage,
      pool,
      trainer,
      networks: { save: async () => undefined },
      lock: webRunLock(locks),
    });
    await run.run(id);
    expect(run.phase).toBe('failed');
    expect(run.active).toBe(false);
    expect(run.error).toMatch(`dmc-tune-run:${id}`);
    expect(run.error).toMatch(/aborted/);
    refuse = false;
    await run.run(id);
    expect(run.phase).toBe('finished');
  });

  it('refuses a study without a configuration, saying what to do', async () => {
    const study = await storage.createNewStudy([1], 'from-optuna');
    await run.run(study);
    expect(run.phase).toBe('failed');
    expect(run.error).toMatch(/no dmc-tune configuration.*Setup/);
  });

  it('a failing trial is recorded as FAIL and the study goes on', async () => {
    const id = await createStudyFromConfig(storage, smoke());
    trainer.hook = async () => {
      if (trainer.seeds.length === 1) throw new Error('training diverged: loss is NaN');
    };
    await run.run(id);
    expect(run.phase).toBe('finished');
    const trials = await shown(id);
    expect(trials.map((t) => t.state)).toEqual([TrialState.FAIL, TrialState.COMPLETE, TrialState.COMPLETE]);
    expect(trials[0]!.systemAttrs.fail_reason).toBe('training diverged: loss is NaN');
  });

  it('a fatal backend error fails its trial with the real reason and the study ends with a warning', async () => {
    const id = await createStudyFromConfig(storage, smoke());
    trainer.hook = async () => {
      if (trainer.seeds.length === 2)
        throw Object.assign(new Error('Aborted(). Build with -sASSERTIONS for more info.'), { name: 'RuntimeError' });
    };
    await run.run(id);
    expect(run.phase).toBe('finished');
    const trials = await shown(id);
    expect(trials.map((t) => t.state)).toEqual([TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE]);
    expect(trials[1]!.systemAttrs.fail_reason).toBe('Aborted(). Build with -sASSERTIONS for more info.');
    expect(run.summary?.kind).toBe('warn');
    expect(run.summary?.text).toMatch(
      /^Finished: 2 complete, 1 failed — the best trial \(#2\) has barely learned: .* — first error: Aborted\(\)\. Build with -sASSERTIONS for more info\.$/,
    );
  });

  it('a study where no trial completes ends in the error state', async () => {
    const id = await createStudyFromConfig(
      storage,
      smoke((c) => (c.nTrials = 2)),
    );
    trainer.hook = async () => {
      throw new Error('memory access out of bounds');
    };
    await run.run(id);
    expect(run.summary).toMatchObject({
      kind: 'error',
      text: 'Finished without a complete trial: 0 complete, 2 failed — first error: memory access out of bounds',
    });
  });

  it('sends the data sets so that the trainer keeps a copy for a replacement worker', async () => {
    const calls: unknown[] = [];
    const t = Object.assign(Object.create(trainer) as FakeTrainer, {
      setData: async (train: DmcBatch, val: DmcBatch, opts?: unknown) => {
        calls.push(opts);
        trainer.data = { train, val };
      },
    });
    const r = new StudyRun({ storage, pool, trainer: t, networks: { save: async () => undefined } });
    await r.run(
      await createStudyFromConfig(
        storage,
        smoke((c) => (c.nTrials = 1)),
      ),
    );
    expect(calls).toEqual([{ transfer: false }]);
  });

  it('the ETA counts the diagnostics of the running trial', async () => {
    const id = await createStudyFromConfig(
      storage,
      smoke((c) => (c.nTrials = 2)),
    );
    const etas: (number | null)[] = [];
    trainer.hook = async () => {
      if (trainer.seeds.length === 2) etas.push(run.etaSeconds);
    };
    await run.run(id);
    // Measured after one finished trial: finite, the next trial's time at least.
    expect(etas[0]).not.toBeNull();
    expect(etas[0]!).toBeGreaterThanOrEqual(0);
  });
});
