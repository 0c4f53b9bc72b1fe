/**
 * App → cluster → app with Debian's python3-optuna 3.1 (/usr/bin/python3): the generated scripts
 * compile; two --dry-run workers run at the same time, as real processes, against one journal file and
 * (second test) one SQLite URL; the grown journal merged back into the app's study carries every trial
 * they finished with its state, params, values and intermediate values, keeps the app's own trials
 * unchanged, duplicates nothing on a second import, and a journal of another study is refused.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterExport } from '../../../src/cluster/index.ts';
import {
  createStudy,
  RandomSampler,
  toInternalRepr,
  TrialState,
  type FrozenTrial,
  type Storage,
} from '../../../src/engine/index.ts';
import {
  exportStudyJournal,
  JournalStorage,
  MemoryJournalBackend,
  readJournalStudies,
} from '../../../src/engine/storages/journal/index.ts';
import { mergeClusterJournal } from '../../../src/state/cluster-transfer.ts';
import { CONFIG_ATTR } from '../../../src/state/study-meta.ts';
import { smokeStudyConfig, suggestAll, type StudyConfig } from '../../../src/study-config/index.ts';

const PYTHON = '/usr/bin/python3';
const WORKER_TRIALS = 4;
let dir: string;

const config: StudyConfig = {
  ...smokeStudyConfig(),
  name: 'cluster-roundtrip',
  epochs: 3,
  nTrials: 100,
  pruner: { type: 'median', nStartupTrials: 2, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 },
};

beforeAll(() => {
  const probe = spawnSync(PYTHON, ['-c', 'import optuna, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(`${PYTHON} cannot import optuna and numpy (apt-get install python3-optuna): ${probe.stderr}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-cluster-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The app's study: three finished trials (one pruned) with reports, and one still running. */
async function appStudy(): Promise<{ storage: Storage; studyId: number }> {
  const storage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({ studyName: config.name, storage, sampler: new RandomSampler({ seed: 3 }) });
  await storage.setStudyUserAttr(study.studyId, CONFIG_ATTR, config as never);
  for (let i = 0; i < 3; i++) {
    const trial = await study.ask();
    await suggestAll(trial, config);
    await trial.report(1 - i / 10, 0);
    await trial.report(0.9 - i / 10, 1);
    if (i === 1) await study.tell(trial, undefined, TrialState.PRUNED);
    else await study.tell(trial, 0.5 + i);
  }
  await suggestAll(await study.ask(), config);
  return { storage, studyId: study.studyId };
}

function exportTo(folder: string, journal: string): void {
  for (const f of clusterExport(config, journal).files) writeFileSync(path.join(folder, f.path), f.content);
}

interface Worker {
  code: number | null;
  out: string;
  startedAt: number;
  endedAt: number;
}

function worker(cwd: string, args: readonly string[]): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const child = spawn(PYTHON, ['study.py', ...args], { cwd });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, startedAt, endedAt: Date.now() }));
  });
}

async function twoWorkers(cwd: string, storageArgs: readonly string[]): Promise<void> {
  const runs = await Promise.all(
    [0, 1].map(() => worker(cwd, ['--dry-run', '--n-trials', String(WORKER_TRIALS), ...storageArgs])),
  );
  for (const r of runs) {
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('DRY RUN: no simulation, no training');
  }
  // Both processes were alive at the same time.
  expect(Math.max(runs[0]!.startedAt, runs[1]!.startedAt)).toBeLessThan(Math.min(runs[0]!.endedAt, runs[1]!.endedAt));
}

const comparable = (t: FrozenTrial) => ({
  state: t.state,
  values: t.values,
  params: t.params,
  datetimeStart: t.datetimeStart,
  datetimeComplete: t.datetimeComplete,
  intermediate: [...t.intermediateValues],
});

async function checkMerge(
  storage: Storage,
  studyId: number,
  grown: string,
  before: readonly FrozenTrial[],
): Promise<void> {
  const fromCluster = readJournalStudies(grown).studies.find((s) => s.name === config.name)!;
  const finishedThere = fromCluster.trials.filter(
    (t) => t.state !== TrialState.RUNNING && t.state !== TrialState.WAITING,
  );
  // The browser's 3 finished trials went out; each worker added its own.
  expect(finishedThere.length).toBe(3 + 2 * WORKER_TRIALS);

  const plan = await mergeClusterJournal(storage, studyId, grown);
  expect(plan.newTrials.length).toBe(2 * WORKER_TRIALS);
  expect(plan.alreadyPresent).toBe(3);
  const after = await storage.getAllTrials(studyId);
  expect(after.slice(0, before.length).map(comparable)).toEqual(before.map(comparable));

  const added = after.slice(before.length);
  const expected = finishedThere.slice(3);
  expect(
    added.map((t) => ({ state: t.state, values: t.values, start: t.datetimeStart, iv: [...t.intermediateValues] })),
  ).toEqual(
    expected.map((t) => ({
      state: t.state,
      values: t.values ?? null,
      start: t.datetimeStart,
      iv: [...(t.intermediateValues ?? new Map())],
    })),
  );
  for (const [i, t] of added.entries()) {
    // An RDB hands params back sorted by name, a journal in suggestion order.
    expect(Object.keys(t.params).sort()).toEqual([
      'batch_size',
      'dropout',
      'embed_dim',
      'lr',
      'num_seeds',
      'summary_dim',
    ]);
    expect(
      Object.fromEntries(Object.entries(t.distributions).map(([k, d]) => [k, toInternalRepr(d, t.params[k])])),
    ).toEqual(expected[i]!.paramsInternal);
    expect(t.userAttrs['dry_run']).toBe(true);
    expect(t.intermediateValues.size).toBeGreaterThan(0);
    expect(t.state === TrialState.COMPLETE || t.state === TrialState.PRUNED, `trial ${i}`).toBe(true);
  }
  expect(added.some((t) => t.state === TrialState.PRUNED)).toBe(true);

  // A second import of the same journal adds nothing.
  const again = await mergeClusterJournal(storage, studyId, grown);
  expect(again.newTrials.length).toBe(0);
  expect((await storage.getAllTrials(studyId)).length).toBe(after.length);
}

describe('cluster export round trip (Optuna 3.1, --dry-run)', { timeout: 90_000 }, () => {
  it('the generated scripts compile, for every simulator and network option', async () => {
    const { storage, studyId } = await appStudy();
    const journal = await exportStudyJournal(storage, studyId);
    for (const simulator of ['numpy', 'amortized-dmc'] as const) {
      for (const network of ['project', 'reference'] as const) {
        const variant = mkdtempSync(path.join(dir, `compile-${simulator}-${network}-`));
        const files = clusterExport(config, journal, { simulator, network }).files;
        for (const f of files) writeFileSync(path.join(variant, f.path), f.content);
        const py = files.filter((f) => f.path.endsWith('.py')).map((f) => f.path);
        const r = spawnSync(PYTHON, ['-m', 'py_compile', ...py], { cwd: variant, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        for (const f of files.filter((x) => x.path.endsWith('.py'))) {
          for (const line of String(f.content).split('\n'))
            expect(line.length, `${f.path}: ${line}`).toBeLessThanOrEqual(120);
        }
      }
    }
    const folder = mkdtempSync(path.join(dir, 'compile-'));
    exportTo(folder, journal);
    const help = spawnSync(PYTHON, ['study.py', '--help'], { cwd: folder, encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    for (const o of ['--storage', '--n-trials', '--study-name', '--dry-run', '--export-journal'])
      expect(help.stdout).toContain(o);
  });

  it('carries the demo options: enqueued first trials (tried first by Optuna), standardized inputs, the flow-draws note', async () => {
    const first = { dropout: 0.05, lr: 0.0005, num_seeds: 1, batch_size: 64, embed_dim: 64, summary_dim: 16 };
    const demo: StudyConfig = {
      ...config,
      name: 'cluster-demo-options',
      network: { variant: 'as-tuned', standardizeCondition: true, standardizeTrials: true, flowDraws: 4 },
      enqueueTrials: [first],
    };
    const storage = new JournalStorage(new MemoryJournalBackend());
    const study = await createStudy({ studyName: demo.name, storage, sampler: new RandomSampler({ seed: 3 }) });
    await storage.setStudyUserAttr(study.studyId, CONFIG_ATTR, demo as never);
    const folder = mkdtempSync(path.join(dir, 'demo-options-'));
    const files = clusterExport(demo, await exportStudyJournal(storage, study.studyId)).files;
    for (const f of files) writeFileSync(path.join(folder, f.path), f.content);
    const py = files.find((f) => f.path === 'study.py')!.content;
    expect(py).toContain('standardize=["inference_variables", "inference_conditions", "summary_variables"],');
    const journal = path.join(folder, 'dry-run.log');
    copyFileSync(path.join(folder, 'journal.log'), journal);
    const run = await worker(folder, ['--dry-run', '--n-trials', '2', '--storage', `journal:${journal}`]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('the browser trained with 4 flow-matching draws per data set');
    const grown = readJournalStudies(readFileSync(journal, 'utf8')).studies[0]!;
    // Trial 0 is the enqueued one (Optuna keeps its fixed_params), and it ran as COMPLETE; trial 1 was sampled.
    expect(grown.trials[0]!.systemAttrs?.['fixed_params']).toEqual(first);
    expect(grown.trials[0]!.state).toBe(TrialState.COMPLETE);
    expect(grown.trials[1]!.systemAttrs?.['fixed_params']).toBeUndefined();
  });

  it('two workers on one journal file; the grown journal merges back', async () => {
    const { storage, studyId } = await appStudy();
    const before = await storage.getAllTrials(studyId);
    const folder = mkdtempSync(path.join(dir, 'journal-'));
    exportTo(folder, await exportStudyJournal(storage, studyId));
    const exported = readJournalStudies(readFileSync(path.join(folder, 'journal.log'), 'utf8')).studies[0]!;
    // The running trial stays in the browser.
    expect(exported.trials.length).toBe(3);
    // A dry run is refused on the exported journal itself (real workers would learn from it): a copy grows.
    copyFileSync(path.join(folder, 'journal.log'), path.join(folder, 'shared.log'));
    await twoWorkers(folder, ['--storage', `journal:${path.join(folder, 'shared.log')}`]);
    await checkMerge(storage, studyId, readFileSync(path.join(folder, 'shared.log'), 'utf8'), before);
  });

  it('two workers on one SQLite URL; --export-journal brings it back', async () => {
    const { storage, studyId } = await appStudy();
    const before = await storage.getAllTrials(studyId);
    const folder = mkdtempSync(path.join(dir, 'sqlite-'));
    exportTo(folder, await exportStudyJournal(storage, studyId));
    const url = `sqlite:///${path.join(folder, 'study.db')}`;
    await twoWorkers(folder, ['--storage', url]);
    const back = await worker(folder, ['--storage', url, '--export-journal', 'grown.log']);
    expect(back.code, back.out).toBe(0);
    await checkMerge(storage, studyId, readFileSync(path.join(folder, 'grown.log'), 'utf8'), before);
  });

  it('refuses a journal of another study, naming both', async () => {
    const { storage, studyId } = await appStudy();
    const other = new JournalStorage(new MemoryJournalBackend());
    const s = await createStudy({ studyName: 'someone-else', storage: other });
    const t = await s.ask();
    await t.suggestFloat('x', 0, 1);
    await s.tell(t, 1);
    const text = await exportStudyJournal(other, s.studyId);
    await expect(mergeClusterJournal(storage, studyId, text)).rejects.toThrow(/"someone-else".*"cluster-roundtrip"/);
    // Same name, but none of this study's trials: another study too.
    const namesake = new JournalStorage(new MemoryJournalBackend());
    const n = await createStudy({ studyName: config.name, storage: namesake });
    await n.tell(await n.ask(), 2);
    await expect(mergeClusterJournal(storage, studyId, await exportStudyJournal(namesake, n.studyId))).rejects.toThrow(
      /is not this study "cluster-roundtrip"/,
    );
    expect((await storage.getAllTrials(studyId)).length).toBe(4);
  });
});
