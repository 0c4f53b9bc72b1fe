/**
 * The generated study.py trains for real: one worker with the project's pinned .venv (bayesflow 2.0.5, keras
 * 3.10 on JAX CPU, optuna 5.0.0) on the exported journal and data sets, at a tiny budget (24 training / 10
 * validation sets of 50 trials, 1 epoch, 20 posterior draws). Its first trial (enqueued with a dropout Keras
 * refuses) fails inside training: it ends FAIL with the reason and the worker goes on to a second trial that
 * trains, scores and ends COMPLETE with a finite L, its L breakdown, the library versions, the optimizer it
 * actually trained with, and the data it used. The journal is read back with the app's own reader.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { clusterData, clusterExport, JOURNAL_FILE } from '../../../src/cluster/index.ts';
import { TrialState } from '../../../src/engine/index.ts';
import { readJournalStudies } from '../../../src/engine/storages/journal/index.ts';
import { attrNumber } from '../../../src/engine/storages/journal/pyjson.ts';
import { simulateBatch } from '../../../src/sim/index.ts';
import { smokeStudyConfig, type StudyConfig } from '../../../src/study-config/index.ts';

const smoke = smokeStudyConfig();
const config: StudyConfig = {
  ...smoke,
  name: 'cluster-train',
  epochs: 1,
  nTrials: 10,
  data: { trainingSets: 24, validationSets: 10 },
  weights: { recovery: 1, pc: 0.5, sbc: 2 },
  diagnostics: { ...smoke.diagnostics, posteriorDraws: 20 },
  searchSpace: {
    ...smoke.searchSpace,
    batch_size: { type: 'categorical', choices: [16] },
    embed_dim: { type: 'categorical', choices: [16] },
    summary_dim: { type: 'categorical', choices: [8] },
  },
  // Trial 0: a dropout rate Keras refuses when the networks are built (a real error inside the objective).
  enqueueTrials: [{ dropout: 1.5, lr: 0.001, num_seeds: 1, batch_size: 16, embed_dim: 16, summary_dim: 8 }],
};

const LIMIT_MS = 480_000;
let dir: string;
let run: { code: number | null; out: string; seconds: number };

beforeAll(async () => {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-cluster-train-'));
  const data = await clusterData(config, simulateBatch);
  for (const f of clusterExport(config, null, undefined, data).files) writeFileSync(path.join(dir, f.path), f.content);
  const started = Date.now();
  run = await new Promise((resolve, reject) => {
    const child = spawn(VENV_PYTHON, ['study.py', '--n-trials', '2'], {
      cwd: dir,
      env: { ...process.env, KERAS_BACKEND: 'jax' },
    });
    // About 1–2 min on two idle cores (mostly JAX compiling the train, validation and sampling steps).
    const limit = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS - 10_000);
    child.on('close', () => clearTimeout(limit));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, seconds: (Date.now() - started) / 1000 }));
  });
}, LIMIT_MS);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('study.py with BayesFlow 2.0.5 (one worker, two trials)', () => {
  it('records the failing trial as FAIL with its reason, goes on, and completes a trained trial with a finite L', () => {
    expect(run.code, run.out).toBe(0);
    const snapshot = readJournalStudies(readFileSync(path.join(dir, JOURNAL_FILE), 'utf8')).studies.find(
      (s) => s.name === config.name,
    )!;
    const [failed, done] = snapshot.trials;
    expect(snapshot.trials.length).toBe(2);

    expect(failed!.state).toBe(TrialState.FAIL);
    expect(failed!.systemAttrs?.['fail_reason']).toMatch(/^ValueError: .*rate/);
    expect(failed!.userAttrs?.['fail_reason']).toBe(failed!.systemAttrs?.['fail_reason']);

    expect(done!.state, run.out).toBe(TrialState.COMPLETE);
    const L = done!.values![0]!;
    expect(Number.isFinite(L)).toBe(true);
    const u = done!.userAttrs!;
    expect(u).toMatchObject({
      bayesflow_version: '2.0.5',
      keras_version: '3.10.0',
      keras_backend: 'jax',
      data_sets: 'exported',
      optimizer: { class: 'Adam', clipnorm: 1.5 },
    });
    expect(u['python_version']).toMatch(/^3\.1[0-2]\.\d+$/);
    expect(u['keras_backend_version']).toMatch(/^\d+\.\d+/);
    expect((u['val_loss'] as number[]).length).toBe(config.epochs);
    expect([...(done!.intermediateValues ?? new Map())].length).toBe(config.epochs);

    // L is the weighted sum of the breakdown the trial carries (weights bound by name, contraction as 1 − PC).
    // The app's reader keeps an integral Python float (0.0) as {$py: '0.0'}; attrNumber reads both.
    const metrics = u['metrics'] as Record<string, Record<string, unknown>>;
    const mean = (row: string) => {
      const v = Object.values(metrics[row]!).map(attrNumber) as number[];
      expect(v.length).toBe(6);
      for (const x of v) expect(Number.isFinite(x)).toBe(true);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(attrNumber(u['mean_nrmse'])).toBeCloseTo(mean('NRMSE'), 12);
    expect(attrNumber(u['mean_contraction'])).toBeCloseTo(mean('Posterior Contraction'), 12);
    expect(L).toBeCloseTo(
      1 * mean('NRMSE') + 0.5 * (1 - mean('Posterior Contraction')) + 2 * mean('Calibration Error'),
      9,
    );
    console.log(`cluster-train: one worker, 2 trials (1 FAIL, 1 trained) in ${run.seconds.toFixed(1)} s; L = ${L}`);
  });
});
