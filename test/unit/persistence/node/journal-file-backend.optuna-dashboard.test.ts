/**
 * optuna-dashboard 0.21.0 (the project's .venv, with Optuna 5.0.0) as a real client of our journals:
 * it serves a journal the engine exported (a study with COMPLETE, PRUNED and FAIL trials, intermediate
 * values, user attributes, a 5.0 constraint and notes written by the app's own note state (StudyNotes,
 * as Results saves them, version-checked); a two-objective study), and its HTTP API (/api/studies, /api/studies/<id>) shows all of it. Notes saved through its
 * API (PUT /api/studies/<id>/note and /api/studies/<id>/<trial_id>/note, which it stores as study system
 * attrs "dashboard:note_ver" / "dashboard:<trial_id>:note_str:<i>") are then read back from the journal
 * by the engine (`dashboardNotes`). The server is started with `optuna-dashboard FILE --port P`, the
 * storage guessed from the file as its CLI does. The studies' trials are created interleaved, so the
 * export renumbers them and the notes must follow.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_DIR } from '../../../../scripts/python-env.mjs';
import {
  createStudy,
  dashboardNotes,
  RandomSampler,
  StudyDirection,
  TrialState,
} from '../../../../src/engine/index.ts';
import {
  exportJournal,
  importJournal,
  JournalStorage,
  MemoryJournalBackend,
} from '../../../../src/engine/storages/journal/index.ts';
import { JournalFileBackend } from '../../../../src/persistence/node/index.ts';
import { StudyNotes } from '../../../../src/state/study-notes.svelte.ts';

const DASHBOARD = path.join(VENV_DIR, 'bin', 'optuna-dashboard');
const VENV_PY = path.join(VENV_DIR, 'bin', 'python');
let dir: string;
let file: string;
let server: ChildProcess | null = null;
let base = '';
let serverLog = '';

const STUDY_NOTE = '## Study note from dmc-tune\n\nWeights **1/1/1**; see `trial 2`.';
const TRIAL_NOTE = 'Trial 2: *best so far*, ' + 'x'.repeat(2100); // longer than one 2045-character chunk

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The journal the project exports: see the header. The two studies' trials are created interleaved,
 * so the export gives the trials other ids than the storage's, and the notes (keyed by trial id) must
 * follow them.
 */
async function writeProjectJournal(to: string): Promise<void> {
  const storage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({ studyName: 'dash', storage, sampler: new RandomSampler({ seed: 2 }) });
  await storage.setStudyUserAttr(study.studyId, 'dmc_config', { weights: [1, 1, 1] });
  const mo = await storage.createNewStudy([StudyDirection.MINIMIZE, StudyDirection.MINIMIZE], 'dash-mo');
  const moValues = [
    [0.2, 0.9],
    [0.5, 0.5],
    [0.9, 0.2],
    [0.8, 0.8],
  ] as const;
  for (let i = 0; i < 5; i++) {
    const t = await study.ask();
    const lr = await t.suggestFloat('lr', 1e-4, 1e-2, { log: true });
    const bs = await t.suggestCategorical('batch_size', [16, 32, 64]);
    await t.setUserAttr('nrmse', 0.1 * (i + 1));
    for (let e = 0; e < 3; e++) await t.report(1 / (e + 1) + lr, e);
    await t.setConstraint('params', i - 2);
    if (i === 1) await study.tell(t, null, TrialState.PRUNED);
    else if (i === 3) await study.tell(t, null, TrialState.FAIL);
    else await study.tell(t, 1 - i / 10 + bs / 1000);
    const [a, b] = moValues[i] ?? [];
    if (a === undefined || b === undefined) continue;
    await storage.createNewTrial(mo, {
      state: TrialState.COMPLETE,
      values: [a, b],
      paramsInternal: { u: a },
      distributions: { u: { type: 'float', low: 0, high: 1, log: false, step: null } },
      datetimeStart: '2026-12-01T10:00:00.000000',
      datetimeComplete: '2026-12-01T10:00:02.000000',
    });
  }
  // Saved as the Results view saves them: each from the version its editor read.
  const trials = await study.getTrials();
  const notes = new StudyNotes(storage);
  notes.read(study.studyId, await storage.getStudySystemAttrs(study.studyId), trials);
  expect(await notes.save(null, STUDY_NOTE, 0)).toBeNull();
  expect(trials[2]!.trialId).toBe(4); // trial 2 of "dash" after two of "dash-mo": the export gives it id 2
  expect(await notes.save(2, 'first draft', 0)).toBeNull();
  expect(await notes.save(2, TRIAL_NOTE, 1)).toBeNull();
  writeFileSync(to, await exportJournal(storage));
}

async function api<T>(route: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const r = await fetch(`${base}${route}`, init);
  const text = await r.text();
  return { status: r.status, body: (text === '' ? {} : JSON.parse(text)) as T };
}

beforeAll(async () => {
  if (!existsSync(DASHBOARD))
    throw new Error(`${DASHBOARD} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
  const v = spawnSync(
    VENV_PY,
    ['-c', 'import optuna, optuna_dashboard; print(optuna.__version__, optuna_dashboard.__version__)'],
    { encoding: 'utf8' },
  );
  console.log(`optuna, optuna-dashboard: ${v.stdout.trim()}`);
  expect(v.stdout.trim()).toBe('5.0.0 0.21.0');
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-dashboard-'));
  file = path.join(dir, 'project.log');
  await writeProjectJournal(file);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(DASHBOARD, [file, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/meta`)).ok) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null || Date.now() > deadline)
      throw new Error(`optuna-dashboard did not start on ${base}: ${serverLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 45_000);

afterAll(async () => {
  if (server !== null && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface Summary {
  study_id: number;
  study_name: string;
  directions: string[];
  user_attrs: { key: string; value: string }[];
}
interface DashTrial {
  trial_id: number;
  number: number;
  state: string;
  values?: number[];
  params: { name: string; param_external_value: string }[];
  intermediate_values: { step: number; value: number }[];
  user_attrs: { key: string; value: string }[];
  note: { version: number; body: string };
  constraints: number[];
}
interface Detail {
  name: string;
  directions: string[];
  trials: DashTrial[];
  best_trials: DashTrial[];
  note: { version: number; body: string };
}

describe('optuna-dashboard 0.21.0 serves a journal the project exported', () => {
  it('lists both studies with their directions and user attributes', async () => {
    const { status, body } = await api<{ study_summaries: Summary[] }>('/api/studies');
    expect(status).toBe(200);
    const byName = Object.fromEntries(body.study_summaries.map((s) => [s.study_name, s]));
    expect(Object.keys(byName).sort()).toEqual(['dash', 'dash-mo']);
    expect(byName.dash!.directions).toEqual(['minimize']);
    expect(byName['dash-mo']!.directions).toEqual(['minimize', 'minimize']);
    expect(byName.dash!.user_attrs).toEqual([{ key: 'dmc_config', value: '{"weights": [1, 1, 1]}' }]);
  });

  it('shows every trial: states, values, params, intermediate values, user attributes, notes; the best trial and the Pareto front', async () => {
    const studies = (await api<{ study_summaries: Summary[] }>('/api/studies')).body.study_summaries;
    const id = studies.find((s) => s.study_name === 'dash')!.study_id;
    const { status, body } = await api<Detail>(`/api/studies/${id}`);
    expect(status).toBe(200);
    expect(body.trials.map((t) => [t.number, t.state])).toEqual([
      [0, 'Complete'],
      [1, 'Pruned'],
      [2, 'Complete'],
      [3, 'Fail'],
      [4, 'Complete'],
    ]);
    const ours = new JournalStorage(await JournalFileBackend.open(file));
    try {
      const trials = await ours.getAllTrials(0);
      for (const [i, t] of body.trials.entries()) {
        const o = trials[i]!;
        expect(t.values ?? null).toEqual(o.values === null ? null : [...o.values]);
        expect(t.params.map((p) => p.name).sort()).toEqual(['batch_size', 'lr']);
        expect(Number(t.params.find((p) => p.name === 'lr')!.param_external_value)).toBe(o.params.lr);
        expect(t.intermediate_values).toEqual(
          [...o.intermediateValues.entries()].map(([step, value]) => ({ step, value })),
        );
        expect(t.user_attrs).toEqual([{ key: 'nrmse', value: String(o.userAttrs.nrmse) }]);
        // 0.21 shows only the ≤ 4.x list form of constraints; 5.0's named ones are not listed there.
        expect(t.constraints).toEqual([]);
      }
    } finally {
      await ours.close();
    }
    expect(body.note).toEqual({ version: 1, body: STUDY_NOTE });
    expect(body.trials[2]!.note).toEqual({ version: 2, body: TRIAL_NOTE });
    expect(body.trials[0]!.note).toEqual({ version: 0, body: '' });
    expect(body.best_trials.map((t) => t.number)).toEqual([4]);
    const mo = (await api<Detail>(`/api/studies/${studies.find((s) => s.study_name === 'dash-mo')!.study_id}`)).body;
    expect(mo.trials.map((t) => t.values)).toEqual([
      [0.2, 0.9],
      [0.5, 0.5],
      [0.9, 0.2],
      [0.8, 0.8],
    ]);
    expect(mo.best_trials.map((t) => t.number).sort()).toEqual([0, 1, 2]);
  });

  it('notes saved through its API land in the journal, and the engine reads them back', async () => {
    const studies = (await api<{ study_summaries: Summary[] }>('/api/studies')).body.study_summaries;
    const id = studies.find((s) => s.study_name === 'dash')!.study_id;
    const detail = (await api<Detail>(`/api/studies/${id}`)).body;
    const t0 = detail.trials[0]!;
    const studyNote = '# Edited in optuna-dashboard\n\n- lr matters most';
    const trialNote = 'A note on trial 0, written in the dashboard';
    const put = (route: string, version: number, body: string): Promise<{ status: number }> =>
      api(route, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version, body }),
      });
    expect((await put(`/api/studies/${id}/note`, detail.note.version + 1, studyNote)).status).toBe(204);
    expect((await put(`/api/studies/${id}/${t0.trial_id}/note`, 1, trialNote)).status).toBe(204);
    // A stale version is refused, as the dashboard does when two people edit at once.
    expect((await put(`/api/studies/${id}/note`, 1, 'stale')).status).toBe(409);
    // The shorter trial-2 note replaces the long one (its second chunk blanked).
    expect((await put(`/api/studies/${id}/${detail.trials[2]!.trial_id}/note`, 3, 'short')).status).toBe(204);

    const text = readFileSync(file, 'utf8');
    expect(text).toContain('dashboard:note_str:0');
    const storage = new JournalStorage(new MemoryJournalBackend());
    expect((await importJournal(text, storage)).skipped).toEqual([]);
    // Read into a storage of its own, the journal's trial ids are the storage's.
    const notes = dashboardNotes(await storage.getStudySystemAttrs(0), await storage.getAllTrials(0));
    expect(notes.study).toBe(studyNote);
    expect(Object.fromEntries(notes.trials)).toEqual({ 0: trialNote, 2: 'short' });
  });
});
