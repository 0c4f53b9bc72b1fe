/**
 * A real cluster run (issue 19, item 6) with the pinned .venv (BayesFlow 2.0.5 on JAX's CPU backend, Optuna
 * 5.0) at a tiny budget, on a journal file, on SQLite and on a PostgreSQL server started here: the exported
 * folder's study.py, two workers at once; one SIGKILLed after its trial has reported an epoch. Its trial ends
 * FAIL (heartbeat, --grace-period) and a restarted worker runs it again with the same parameters; the retry
 * and the killed trial count once towards --total-trials (the restarted worker would find the total reached
 * otherwise); everything comes back through the app's journal import with the right states.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin, POSTGRES_DIR } from '../../../scripts/provision.mjs';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { clusterData, clusterExport, NETWORKS_DIR } from '../../../src/cluster/index.ts';
import { createStudy, RandomSampler, TrialState, type TrialTemplate } from '../../../src/engine/index.ts';
import {
  exportStudyJournal,
  JournalStorage,
  MemoryJournalBackend,
  readJournalStudies,
} from '../../../src/engine/storages/journal/index.ts';
import { linkClusterNetworks } from '../../../src/state/cluster-networks.ts';
import { mergeClusterJournal } from '../../../src/state/cluster-transfer.ts';
import { simulateBatch } from '../../../src/sim/index.ts';
import { CONFIG_ATTR } from '../../../src/state/study-meta.ts';
import { smokeStudyConfig, suggestAll, type StudyConfig } from '../../../src/study-config/index.ts';

const HEARTBEAT = ['--heartbeat-interval', '1', '--grace-period', '3'];
const GRACE_MS = 3_000;

/**
 * 64 training / 16 validation sets of 50 trials, 4 epochs (an epoch is two steps; the killed worker's trial
 * reports its first long before it ends), 20 posterior draws. Shapes fixed by single choices, so the JAX
 * compilation cache serves the later workers; dropout and lr still vary between trials.
 */
const config: StudyConfig = {
  ...smokeStudyConfig(),
  name: 'cluster-failover',
  epochs: 4,
  // The browser's trial, the one the killed worker started (its retry replaces it), the other worker's.
  nTrials: 3,
  data: { trainingSets: 64, validationSets: 16 },
  diagnostics: { posteriorDraws: 20, integrationSteps: 10, integrator: 'euler' },
  pruner: { type: 'none' },
  searchSpace: {
    ...smokeStudyConfig().searchSpace,
    num_seeds: { type: 'categorical', choices: [1] },
    batch_size: { type: 'categorical', choices: [32] },
    embed_dim: { type: 'categorical', choices: [64] },
    summary_dim: { type: 'categorical', choices: [8] },
  },
};

/** Trial states and what study.py's own counting says, read with the folder's study.py as a module. */
const PROBE = `
import json, sys, time, warnings
folder, spec, mode = sys.argv[1:4]
sys.path.insert(0, folder)
warnings.filterwarnings("ignore")
import optuna
import study as s
optuna.logging.set_verbosity(optuna.logging.ERROR)
storage = None
while True:
    try:
        storage = storage or s.open_storage(spec)
        st = optuna.load_study(study_name=s.STUDY_NAME, storage=storage)
        trials = [{"number": t.number, "state": t.state.name, "worker": t.user_attrs.get("worker"),
                   "steps": len(t.intermediate_values)} for t in st.get_trials(deepcopy=False)]
        print(json.dumps({"counted": s.counted_trials(st), "trials": trials}), flush=True)
    except Exception as error:  # the study may not be there yet
        print(json.dumps({"error": repr(error)}), flush=True)
    if mode == "once":
        break
    time.sleep(0.2)
`;

interface ProbeTrial {
  number: number;
  state: string;
  worker: string | null;
  steps: number;
}
interface Probe {
  counted?: number;
  trials?: ProbeTrial[];
  error?: string;
}

let dir: string;
let folder: string;
let env: NodeJS.ProcessEnv;
let appStorage: JournalStorage;
let appStudyId: number;
let exportedTrials: number;

beforeAll(async () => {
  if (!existsSync(VENV_PYTHON))
    throw new Error(`${VENV_PYTHON} is missing: create the project's Python environment with ${SETUP_COMMAND}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-failover-'));
  env = {
    ...process.env,
    KERAS_BACKEND: 'jax',
    PYTHONUNBUFFERED: '1',
    // Workers after the first load their compiled training and sampling steps from here.
    JAX_COMPILATION_CACHE_DIR: path.join(dir, 'jax-cache'),
    JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS: '0',
    // LLVM without its expensive passes: half the CPU time of a trial at this size (compilation dominates).
    XLA_FLAGS: '--xla_backend_optimization_level=0',
  };
  // The app's study: one finished trial, exported with the folder (the import recognizes it by that trial).
  appStorage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({
    studyName: config.name,
    storage: appStorage,
    sampler: new RandomSampler({ seed: 5 }),
  });
  appStudyId = study.studyId;
  await appStorage.setStudyUserAttr(appStudyId, CONFIG_ATTR, config as never);
  const trial = await study.ask();
  await suggestAll(trial, config);
  await study.tell(trial, 1.5);
  folder = path.join(dir, 'folder');
  mkdirSync(folder);
  // With the study's own training and validation sets (.npz), as the app and `cli export-cluster` write them.
  const exported = clusterExport(
    config,
    await exportStudyJournal(appStorage, appStudyId),
    undefined,
    await clusterData(config, simulateBatch),
  );
  for (const f of exported.files) writeFileSync(path.join(folder, f.path), f.content);
  exportedTrials = exported.trialsCarried;
  expect(exportedTrials).toBe(1);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}

function start(args: readonly string[], script = 'study.py'): Run {
  const child = spawn(VENV_PYTHON, [script, ...args], { cwd: folder, env });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
  return { child, done };
}

function probeOnce(spec: string): Required<Omit<Probe, 'error'>> {
  const r = spawnSync(VENV_PYTHON, ['-c', PROBE, folder, spec, 'once'], { env, encoding: 'utf8' });
  const p = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Probe;
  if (p.trials === undefined || p.counted === undefined) throw new Error(`probe failed: ${r.stdout}${r.stderr}`);
  return { counted: p.counted, trials: p.trials };
}

/** Resolves with the killed worker's trial number once its trial has reported an epoch, after SIGKILL. */
function killAfterFirstEpoch(spec: string, victim: Run, deadlineMs: number): Promise<number> {
  const watcher = spawn(VENV_PYTHON, ['-c', PROBE, folder, spec, 'watch'], { env });
  let buffer = '';
  const last: string[] = [];
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(
          new Error(`the worker's trial reported no epoch within ${deadlineMs / 1000} s; last probe: ${last.join('')}`),
        ),
      deadlineMs,
    );
    const finish = (result: number | Error) => {
      clearTimeout(timer);
      watcher.kill('SIGKILL');
      if (typeof result === 'number') resolve(result);
      else reject(result);
    };
    victim.done.then(
      ({ out }) => finish(new Error(`the worker ended before it was killed:\n${out.slice(-3000)}`)),
      finish,
    );
    watcher.stdout.setEncoding('utf8').on('data', (s: string) => {
      buffer += s;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        last.splice(0, 1, line);
        const p = JSON.parse(line) as Probe;
        const mine = p.trials?.find(
          (t) => t.worker?.endsWith(`:${victim.child.pid}`) === true && t.state === 'RUNNING' && t.steps > 0,
        );
        if (mine !== undefined) {
          victim.child.kill('SIGKILL');
          finish(mine.number);
          return;
        }
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The networks study.py saved (dmc_network.py: networks/<study>-trial-<n>.json, one per COMPLETE trial) come back
 * with the grown journal: the app links each to its trial (state and value checked), and `cli infer` runs on one.
 */
function checkNetworks(
  plan: Parameters<typeof linkClusterNetworks>[0],
  appTrials: Parameters<typeof linkClusterNetworks>[1],
  complete: number,
  infer: boolean,
): void {
  const dir = path.join(folder, NETWORKS_DIR);
  const files = readdirSync(dir).map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
  const linked = linkClusterNetworks(plan, appTrials, files);
  expect(linked.problems).toEqual([]);
  expect(linked.links.length).toBe(complete);
  if (!infer) return;
  const model = path.join(dir, files[0]!.name);
  const r = spawnSync(
    'npx',
    [
      'tsx',
      'src/cli/main.ts',
      'infer',
      '--model',
      model,
      '--data',
      'test/fixtures/inference/flanker-dmcfun.txt',
      '--draws',
      '50',
      '--steps',
      '10',
      '--json',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    participants: Record<string, Record<string, { mean: number }>>;
  };
  const ids = Object.keys(out.participants);
  expect(ids.length).toBeGreaterThan(1);
  expect(Number.isFinite(out.participants[ids[0]!]!['b']!.mean)).toBe(true);
}

/**
 * Two workers at once on `spec`; the first is killed mid-trial. Returns the grown journal's text
 * (`grown` makes it: the journal itself, or study.py --export-journal from an RDB).
 */
async function killAndRetry(
  spec: string,
  grown: () => Promise<string>,
  midExport: boolean,
  infer = false,
): Promise<void> {
  // The folder is shared by the storages: only this run's networks count.
  rmSync(path.join(folder, NETWORKS_DIR), { recursive: true, force: true });
  const victim = start(['--storage', spec, '--n-trials', '1', ...HEARTBEAT]);
  const other = start(['--storage', spec, '--n-trials', '1', ...HEARTBEAT]);
  const killed = await killAfterFirstEpoch(spec, victim, 240_000);
  expect((await victim.done).signal).toBe('SIGKILL');
  await sleep(GRACE_MS + 1_000);
  if (midExport) {
    // --export-journal between the kill and the restart: the dead trial goes out as FAIL, not RUNNING.
    const mid = await start(['--storage', spec, '--export-journal', 'mid.log', ...HEARTBEAT]).done;
    expect(mid.code, mid.out).toBe(0);
    const trials = readJournalStudies(readFileSync(path.join(folder, 'mid.log'), 'utf8')).studies[0]!.trials;
    expect(trials[killed]?.state).toBe(TrialState.FAIL);
    expect(trials.some((t) => t.systemAttrs?.['failed_trial'] === killed && t.state === TrialState.WAITING)).toBe(true);
    rmSync(path.join(folder, 'mid.log'));
  }
  // The restarted worker (Slurm's requeue): no --n-trials, so the total alone stops it.
  const restarted = start(['--storage', spec, ...HEARTBEAT]);
  const [o, r] = await Promise.all([other.done, restarted.done]);
  expect(o.code, o.out.slice(-3000)).toBe(0);
  expect(r.code, r.out.slice(-3000)).toBe(0);

  // What study.py itself counts: the browser's trial, the other worker's, the retry; the killed one not.
  const probe = probeOnce(spec);
  expect(probe.counted).toBe(3);
  expect(probe.trials.length).toBe(4);

  const text = await grown();
  const trials = readJournalStudies(text).studies.find((s) => s.name === config.name)!.trials;
  const dead = trials[killed]!;
  expect(dead.state).toBe(TrialState.FAIL);
  expect(dead.intermediateValues?.size ?? 0).toBeGreaterThan(0);
  const retries = trials.filter((t) => t.systemAttrs?.['failed_trial'] !== undefined);
  expect(retries.length).toBe(1);
  const retry = retries[0]!;
  expect(retry.systemAttrs?.['failed_trial']).toBe(killed);
  expect(retry.systemAttrs?.['retry_history']).toEqual([killed]);
  expect(retry.paramsInternal).toEqual(dead.paramsInternal);
  expect(retry.state).toBe(TrialState.COMPLETE);
  expect(retry.userAttrs?.['worker']).toMatch(new RegExp(`:${restarted.child.pid}$`));
  const states = (ts: readonly TrialTemplate[]) => ts.map((t) => t.state);
  expect(states(trials)).toEqual(expect.arrayContaining([TrialState.FAIL, TrialState.COMPLETE]));
  expect(trials.filter((t) => t.state === TrialState.RUNNING || t.state === TrialState.WAITING)).toEqual([]);
  expect(trials.filter((t) => t.state === TrialState.COMPLETE).length).toBe(3);

  // The app's import: the cluster's three trials with their states; the browser's is already there.
  const before = (await appStorage.getAllTrials(appStudyId)).length;
  const plan = await mergeClusterJournal(appStorage, appStudyId, text);
  expect(plan.alreadyPresent).toBe(1);
  expect(plan.unfinished).toBe(0);
  const added = (await appStorage.getAllTrials(appStudyId)).slice(before);
  expect(added.map((t) => t.state)).toEqual(trials.slice(1).map((t) => t.state));
  expect(added.map((t) => t.values)).toEqual(trials.slice(1).map((t) => t.values ?? null));
  checkNetworks(plan, await appStorage.getAllTrials(appStudyId), 2, infer);
}

function exportedJournal(spec: string): () => Promise<string> {
  return async () => {
    const back = await start(['--storage', spec, '--export-journal', 'grown.log']).done;
    expect(back.code, back.out).toBe(0);
    const text = readFileSync(path.join(folder, 'grown.log'), 'utf8');
    rmSync(path.join(folder, 'grown.log'));
    return text;
  };
}

function postgresBin(): string {
  const bin = findPostgresBin();
  if (bin === undefined)
    throw new Error(
      `PostgreSQL's server binaries are not under ${POSTGRES_DIR}/VERSION/bin: apt-get install postgresql (npm test's provisioning does)`,
    );
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A throw-away PostgreSQL cluster; as root (CI) it runs as nobody, since initdb refuses root. */
async function startPostgres(): Promise<{ url: string; stop: () => void }> {
  const bin = postgresBin();
  const pgDir = mkdtempSync(path.join(tmpdir(), 'dmc-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
    chownSync(pgDir, id('-u'), id('-g'));
  }
  const run = (argv: string[]) => {
    const full = asRoot ? ['runuser', '-u', 'nobody', '--', ...argv] : argv;
    const r = spawnSync(full[0]!, full.slice(1), { cwd: pgDir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  };
  const data = path.join(pgDir, 'data');
  const port = await freePort();
  run([path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${pgDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run([path.join(bin, 'pg_ctl'), '-D', data, '-l', path.join(pgDir, 'log'), '-w', '-o', options, 'start']);
  const stop = () => {
    spawnSync(
      asRoot ? 'runuser' : path.join(bin, 'pg_ctl'),
      [
        ...(asRoot ? ['-u', 'nobody', '--', path.join(bin, 'pg_ctl')] : []),
        '-D',
        data,
        '-m',
        'immediate',
        '-w',
        'stop',
      ],
      { cwd: pgDir },
    );
    rmSync(pgDir, { recursive: true, force: true });
  };
  try {
    run([path.join(bin, 'createdb'), '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'failover']);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgresql+psycopg2://postgres@127.0.0.1:${port}/failover`, stop };
}

describe('a real cluster run: BayesFlow workers, one killed mid-trial and retried', { timeout: 420_000 }, () => {
  it('refuses a grace period that every live trial would outlast', async () => {
    const r = await start(['--dry-run', '--heartbeat-interval', '60', '--grace-period', '60']).done;
    expect(r.code).toBe(2);
    expect(r.out).toContain('--grace-period (60 s) must be longer than --heartbeat-interval (60 s)');
  });

  it('on a journal file', async () => {
    const journal = path.join(dir, 'run.log');
    copyFileSync(path.join(folder, 'journal.log'), journal);
    await killAndRetry(`journal:${journal}`, () => Promise.resolve(readFileSync(journal, 'utf8')), false, true);
  });

  it('on SQLite, --export-journal between the kill and the restart', async () => {
    const url = `sqlite:///${path.join(dir, 'study.db')}`;
    await killAndRetry(url, exportedJournal(url), true);
  });

  it('on a PostgreSQL server', async () => {
    const pg = await startPostgres();
    try {
      await killAndRetry(pg.url, exportedJournal(pg.url), false);
    } finally {
      pg.stop();
    }
  });
});
