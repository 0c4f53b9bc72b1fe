/**
 * Journals both ways between the engine and three Optunas: the project's .venv Optuna 5.0.0, Debian's
 * python3-optuna 3.1 (/usr/bin/python3), and a journal written by the real Optuna 4.9.0 (the fixture
 * test/fixtures/journal/optuna49-demo.log, made once by test/interop/make_optuna49_fixture.py, beside
 * what 4.9 itself read from it, optuna49-demo.dump.json). 5.0's new fields travel: constraints set
 * with `trial.setConstraint` ("constraints:<name>" system attrs) are 5.0's `trial.constraints`, and
 * 5.0's UTC datetimes ("+00:00") import as the same instants. Datetimes are compared as instants:
 * 5.0 reads a naive time as local and prints local time; we keep the string written.
 * test/interop/optuna_journal.py is the Python side.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../../../scripts/python-env.mjs';
import {
  createStudy,
  distributionToJson,
  parseIsoDateTime,
  RandomSampler,
  StudyDirection,
  trialConstraints,
  TrialState,
} from '../../../../../src/engine/index.ts';
import type { Storage } from '../../../../../src/engine/storages/storage.ts';
import {
  exportJournal,
  importJournal,
  JournalStorage,
  MemoryJournalBackend,
  parsePyJson,
} from '../../../../../src/engine/storages/journal/index.ts';

const PY5 = VENV_PYTHON;
const PY31 = '/usr/bin/python3';
const SCRIPT = path.resolve('test/interop/optuna_journal.py');
const FIXTURE = path.resolve('test/fixtures/journal/optuna49-demo.log');
const FIXTURE_DUMP = path.resolve('test/fixtures/journal/optuna49-demo.dump.json');
const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  if (!existsSync(PY5)) throw new Error(`${PY5} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
  const v = spawnSync(PY5, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
  expect(v.stdout.trim()).toBe('5.0.0');
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-optuna5-journal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PyTrial {
  number: number;
  state: number;
  values: number[] | null;
  params: Record<string, unknown>;
  distributions: Record<string, string>;
  user_attrs: Record<string, unknown>;
  system_attrs: Record<string, unknown>;
  intermediate_values: [number, number][];
  datetime_start: string | number | null;
  datetime_complete: string | number | null;
  constraints?: Record<string, number>;
}
interface PyStudy {
  name: string;
  directions: number[];
  user_attrs: Record<string, unknown>;
  trials: PyTrial[];
}

async function python(py: string, ...args: string[]): Promise<PyStudy[]> {
  const { stdout } = await run(py, [SCRIPT, ...args], { maxBuffer: 64 << 20, timeout: 60_000 });
  return parsePyJson(stdout) as PyStudy[];
}

/** Datetimes as instants (ms, fractional µs), distributions re-serialized through the engine (key order). */
function normalized(studies: PyStudy[], opts: { constraints: boolean }): PyStudy[] {
  const instant = (s: string | number | null): number | null => (typeof s === 'string' ? parseIsoDateTime(s) : s);
  return studies.map((s) => ({
    ...s,
    trials: s.trials.map((t) => {
      const out: PyTrial = {
        ...t,
        datetime_start: instant(t.datetime_start),
        datetime_complete: instant(t.datetime_complete),
      };
      out.distributions = Object.fromEntries(
        Object.entries(t.distributions).map(([k, d]) => [k, JSON.stringify(JSON.parse(d))]),
      );
      if (!opts.constraints) delete out.constraints;
      return out;
    }),
  }));
}

/** Our storage in the shape the Python script prints (with 5.0's `constraints`). */
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
        system_attrs: { ...t.systemAttrs },
        intermediate_values: [...t.intermediateValues.entries()].sort((a, b) => a[0] - b[0]),
        datetime_start: t.datetimeStart,
        datetime_complete: t.datetimeComplete,
        constraints: trialConstraints(t),
      })),
    });
  }
  return out;
}

/**
 * A single-objective study with every kind of content and 5.0 constraints (a violated and a satisfied
 * one by name, and one in the ≤ 4.x list form), and a two-objective study.
 */
async function buildStudies(): Promise<JournalStorage> {
  const storage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({ studyName: 'c5', storage, sampler: new RandomSampler({ seed: 5 }) });
  await storage.setStudyUserAttr(study.studyId, 'cfg', { n: [1, 2.5] });
  for (let i = 0; i < 6; i++) {
    const t = await study.ask();
    const lr = await t.suggestFloat('lr', 1e-5, 0.1, { log: true });
    const layers = await t.suggestInt('layers', 1, 4);
    await t.suggestCategorical('opt', ['adam', 'sgd']);
    await t.setUserAttr('note', `trial${i}`);
    await t.report(1 + lr, 0);
    if (i % 2 === 0) await t.setConstraint('mem', layers - 2.5);
    if (i === 1) await t.setSystemAttr('constraints', [0.25, -1]);
    if (i === 3) await study.tell(t, null, TrialState.PRUNED);
    else if (i === 4) await study.tell(t, null, TrialState.FAIL);
    else await study.tell(t, Math.log(lr) + layers);
  }
  const mo = await storage.createNewStudy([StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE], 'mo');
  for (let i = 0; i < 3; i++) {
    await storage.createNewTrial(mo, {
      state: TrialState.COMPLETE,
      values: [i / 2, 3 - i],
      paramsInternal: { a: i / 4 },
      distributions: { a: { type: 'float', low: 0, high: 1, log: false, step: null } },
      datetimeStart: '2026-12-01T10:00:00.000000',
      datetimeComplete: '2026-12-01T10:00:01.500000',
    });
  }
  return storage;
}

describe('Optuna 5.0.0 reads what we write, constraints included', () => {
  it('loads the compact export and the full op log with our content and trial.constraints', async () => {
    const ours = await buildStudies();
    const mine = normalized(await asPython(ours), { constraints: true });
    expect(mine[0]!.trials[0]!.constraints).toEqual({ mem: expect.any(Number) as number });
    expect(mine[0]!.trials[1]!.constraints).toEqual({ '0': 0.25, '1': -1 });
    for (const form of ['compact', 'full'] as const) {
      const file = path.join(dir, `ours-${form}.log`);
      writeFileSync(file, await exportJournal(ours, undefined, { form }));
      expect(normalized(await python(PY5, 'dump', file), { constraints: true })).toEqual(mine);
    }
  }, 60_000);

  it('Optuna 3.1 loads the same export (5.0 constraints are plain system attrs there)', async () => {
    const ours = await buildStudies();
    const file = path.join(dir, 'ours-for-31.log');
    writeFileSync(file, await exportJournal(ours));
    expect(normalized(await python(PY31, 'dump', file), { constraints: false })).toEqual(
      normalized(await asPython(ours), { constraints: false }),
    );
  }, 60_000);
});

describe('we read what Optuna 5.0.0 writes', () => {
  it('resumes our export with set_constraint and UTC datetimes; we import it as 5.0 reads it, and export it back unchanged', async () => {
    const file = path.join(dir, 'resumed5.log');
    writeFileSync(file, await exportJournal(await buildStudies()));
    const theirs = await python(PY5, 'resume', file, 'c5', '3');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/"datetime_start":"[^"]+\+00:00"/); // 5.0 writes UTC with an offset
    expect(text).toContain('"constraints:budget"');
    const back = new JournalStorage(new MemoryJournalBackend());
    expect((await importJournal(text, back)).skipped).toEqual([]);
    const imported = normalized(await asPython(back), { constraints: true });
    expect(imported).toEqual(normalized(theirs, { constraints: true }));
    const added = imported[0]!.trials.slice(6);
    expect(added).toHaveLength(3);
    for (const t of added) expect(Object.keys(t.constraints!)).toEqual(['budget']);
    // And back: our export of what 5.0 wrote reads in 5.0 with the same content.
    const again = path.join(dir, 'resumed5-again.log');
    writeFileSync(again, await exportJournal(back));
    expect(normalized(await python(PY5, 'dump', again), { constraints: true })).toEqual(imported);
    // Optuna 3.1 cannot read a journal that mixes naive times (≤ 4.x, ours) with 5.0's "+00:00" ones — not
    // 5.0's own resumed file, nor our export of it, which keeps every time as written.
    for (const f of [file, again])
      await expect(python(PY31, 'dump', f)).rejects.toThrow(/can't compare offset-naive and offset-aware datetimes/);
  }, 90_000);
});

describe('a journal written by Optuna 4.9.0 (fixture)', () => {
  it('imports with the content 4.9 read from it; 5.0 reads our export of it the same, its list constraints as trial.constraints', async () => {
    const recorded = normalized(parsePyJson(readFileSync(FIXTURE_DUMP, 'utf8')) as PyStudy[], { constraints: false });
    const back = new JournalStorage(new MemoryJournalBackend());
    expect((await importJournal(readFileSync(FIXTURE, 'utf8'), back)).skipped).toEqual([]);
    const ours = await asPython(back);
    expect(normalized(ours, { constraints: false })).toEqual(recorded);
    expect(ours.map((s) => [s.name, s.trials.map((t) => t.state)])).toEqual([
      ['optuna49-demo', [1, 1, 1, 2, 1, 3, 1, 1, 1]],
      ['optuna49-mo', [1, 1, 1, 1]],
    ]);
    const file = path.join(dir, 'from49.log');
    writeFileSync(file, await exportJournal(back));
    const five = await python(PY5, 'dump', file);
    expect(normalized(five, { constraints: true })).toEqual(normalized(ours, { constraints: true }));
    // 4.9's constraints_func wrote the list form; 5.0 and the engine both read it as {"0": value}.
    expect(five[0]!.trials[0]!.constraints).toEqual({
      '0': (five[0]!.trials[0]!.system_attrs.constraints as number[])[0],
    });
  }, 60_000);
});
