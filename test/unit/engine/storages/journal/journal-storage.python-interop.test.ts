/**
 * Interoperability with Python Optuna (Debian python3-optuna 3.1 at /usr/bin/python3; CI installs it):
 * Python loads our exports (compact form and full op log) with the same content, resumes the study
 * for two more trials, and we import the result. Then the ask-tell CLI runs end to end, Python
 * continues its journal, and the CLI continues again. test/interop/optuna_journal.py is the Python side.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomSampler, TrialState, createStudy, distributionToJson } from '../../../../../src/engine/index.ts';
import type { Storage } from '../../../../../src/engine/storages/storage.ts';
import {
  JournalStorage,
  MemoryJournalBackend,
  exportStudyJournal,
  importJournal,
  parsePyJson,
} from '../../../../../src/engine/storages/journal/index.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve('test/interop/optuna_journal.py');
const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  const probe = spawnSync(PYTHON, ['-c', 'import optuna'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `${PYTHON} cannot import optuna: install the Debian package python3-optuna (apt-get install python3-optuna; .ci/run does) — ${probe.stderr ?? probe.error}`,
    );
  }
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-interop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PyTrial {
  number: number;
  state: number;
  values: number[] | null;
  params: Record<string, unknown>;
  distributions: Record<string, string>;
  user_attrs: Record<string, unknown>;
  intermediate_values: [number, number][];
  datetime_start: string | null;
  datetime_complete: string | null;
}
interface PyStudy {
  name: string;
  directions: number[];
  user_attrs: Record<string, unknown>;
  trials: PyTrial[];
}

async function python(...args: string[]): Promise<PyStudy[]> {
  const { stdout } = await run(PYTHON, [SCRIPT, ...args], { maxBuffer: 64 << 20 });
  return parsePyJson(stdout) as PyStudy[];
}

/** Our storage in the shape the Python script prints. */
async function asPython(storage: Storage): Promise<PyStudy[]> {
  const out: PyStudy[] = [];
  for (const s of await storage.getAllStudies()) {
    const trials = await storage.getAllTrials(s.studyId);
    out.push({
      name: s.studyName,
      directions: [...s.directions],
      user_attrs: await storage.getStudyUserAttrs(s.studyId),
      trials: trials.map((t) => ({
        number: t.number,
        state: t.state,
        values: t.values === null ? null : [...t.values],
        params: { ...t.params },
        distributions: Object.fromEntries(Object.entries(t.distributions).map(([k, d]) => [k, distributionToJson(d)])),
        user_attrs: { ...t.userAttrs },
        intermediate_values: [...t.intermediateValues.entries()].sort((a, b) => a[0] - b[0]),
        datetime_start: t.datetimeStart,
        datetime_complete: t.datetimeComplete,
      })),
    });
  }
  return out;
}

const withoutSystemAttrs = (studies: PyStudy[]): PyStudy[] =>
  studies.map((s) => ({
    ...s,
    trials: s.trials.map(({ ...t }) => (delete (t as Partial<PyTrial> & { system_attrs?: unknown }).system_attrs, t)),
  }));

/** A study with every kind of content: log/int/categorical params, reports (NaN too), attributes, all end states. */
async function buildStudy(): Promise<JournalStorage> {
  const storage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({
    studyName: 'interop',
    direction: 'minimize',
    storage,
    sampler: new RandomSampler({ seed: 11 }),
  });
  await study.storage.setStudyUserAttr(study.studyId, 'cfg', { list: [1, 2.5, 'NaN'], nested: { ok: true } });
  for (let i = 0; i < 6; i++) {
    const t = await study.ask();
    const lr = await t.suggestFloat('lr', 1e-5, 0.1, { log: true });
    const layers = await t.suggestInt('layers', 1, 4);
    const opt = await t.suggestCategorical('optimizer', ['adam', 'sgd', null]);
    await t.suggestFloat('dropout', 0, 0.5, { step: 0.05 });
    await t.setUserAttr('note', `trial${i}`);
    await t.report(i === 2 ? NaN : 1 + lr, 0);
    await t.report(layers / 10, 1);
    if (i === 3) await study.tell(t, null, TrialState.PRUNED);
    else if (i === 4) await study.tell(t, null, TrialState.FAIL);
    else await study.tell(t, Math.log(lr) + layers + (opt === null ? 0.5 : 0));
  }
  return storage;
}

describe('Python Optuna loads, resumes and returns our journal', () => {
  it('loads the compact export and the full op log with our content', async () => {
    const ours = await buildStudy();
    const mine = await asPython(ours);
    for (const form of ['compact', 'full'] as const) {
      const file = path.join(dir, `export-${form}.log`);
      writeFileSync(file, await exportStudyJournal(ours, 0, { form }));
      const theirs = await python('dump', file);
      expect(withoutSystemAttrs(theirs)).toEqual(mine);
    }
  }, 120_000);

  it('resumes the export for two more trials; we import them with the earlier trials unchanged', async () => {
    const ours = await buildStudy();
    const before = await asPython(ours);
    const file = path.join(dir, 'resume.log');
    writeFileSync(file, await exportStudyJournal(ours, 0));
    await python('resume', file, 'interop', '2');
    const back = new JournalStorage(new MemoryJournalBackend());
    const res = await importJournal(readFileSync(file, 'utf8'), back);
    expect(res.skipped).toEqual([]);
    const after = await asPython(back);
    expect(after[0]!.trials.slice(0, 6)).toEqual(before[0]!.trials);
    expect(after[0]!.user_attrs).toEqual(before[0]!.user_attrs);
    const added = after[0]!.trials.slice(6);
    expect(added.map((t) => [t.number, t.state])).toEqual([
      [6, TrialState.COMPLETE],
      [7, TrialState.COMPLETE],
    ]);
    for (const t of added) {
      expect(Object.keys(t.params).sort()).toEqual(['dropout', 'layers', 'lr', 'optimizer']);
      expect(t.user_attrs.by).toMatch(/^python-optuna-/);
      expect(t.intermediate_values.map(([s]) => s)).toEqual([0, 1]);
      expect(t.datetime_complete! >= t.datetime_start!).toBe(true);
    }
  }, 120_000);
});

/** Runs the CLI, answering each printed trial with `answer(params)` until `count` answers, then closes stdin. */
async function askTell(
  args: string[],
  count: number,
  answer: (p: Record<string, unknown>) => string,
): Promise<{ code: number; printed: { number: number; params: Record<string, unknown> }[]; stderr: string }> {
  const child = spawn('npx', ['tsx', 'src/cli/main.ts', 'ask-tell', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const printed: { number: number; params: Record<string, unknown> }[] = [];
  const rl = createInterface({ input: child.stdout });
  // Each line arrives before we answer: the CLI flushes and waits (the interactive protocol).
  for await (const line of rl) {
    const msg = JSON.parse(line) as { number: number; params: Record<string, unknown> };
    printed.push(msg);
    if (printed.length > count) child.stdin.end();
    else child.stdin.write(answer(msg.params) + '\n');
  }
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, printed, stderr };
}

describe('ask-tell CLI end to end, continued by Python and by itself', () => {
  it('appends every step to the journal; Python and a later run continue the same study', async () => {
    const space = path.join(dir, 'space.json');
    writeFileSync(
      space,
      JSON.stringify({
        x: { type: 'float', low: -2, high: 2 },
        n: { type: 'int', low: 1, high: 8, step: 1 },
        c: { type: 'categorical', choices: [16, 32] },
      }),
    );
    const journal = path.join(dir, 'ask-tell.log');
    const f = (p: Record<string, unknown>): string =>
      String((p.x as number) ** 2 + (p.n as number) / 10 + (p.c === 32 ? 0.1 : 0));
    const first = await askTell(
      ['--space', space, '--seed', '3', '--journal', journal, '--sampler', 'tpe', '--multivariate'],
      3,
      f,
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.printed.map((p) => p.number)).toEqual([0, 1, 2, 3]);

    // Python pops the unanswered trial 3 (back in WAITING, same params) and adds one more.
    const py = await python('resume', journal, 'ask-tell', '2');
    const pyTrials = py[0]!.trials;
    expect(pyTrials.map((t) => t.state)).toEqual([1, 1, 1, 1, 1]);
    expect(pyTrials[3]!.params).toEqual(first.printed[3]!.params);

    const second = await askTell(['--space', space, '--seed', '3', '--journal', journal], 1, () => 'pruned');
    expect(second.code).toBe(0);
    expect(second.printed.map((p) => p.number)).toEqual([5, 6]);

    const back = new JournalStorage(new MemoryJournalBackend());
    await importJournal(readFileSync(journal, 'utf8'), back);
    const trials = await back.getAllTrials(0);
    expect(trials.map((t) => t.state)).toEqual([1, 1, 1, 1, 1, 2, 4]);
    for (const [i, p] of first.printed.slice(0, 3).entries()) {
      expect(trials[i]!.params).toEqual(p.params);
      expect(trials[i]!.values).toEqual([Number(f(p.params))]);
    }
    expect(trials[6]!.params).toEqual(second.printed[1]!.params);
  }, 180_000);
});
