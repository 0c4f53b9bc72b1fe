/**
 * Multi-objective journals both ways with the real Optuna 5.0.0 (.venv) and Debian's Optuna 3.1
 * (test/interop/optuna_mo_journal.py is the Python side):
 * - 5.0 writes a three-objective TPE study (FAIL, PRUNED, `set_constraint`) and a two-objective NSGA-II
 *   study; we import them, and our `bestTrials` equal 5.0's `best_trials` (feasible Pareto front);
 * - our NSGA-II continues 5.0's run from its generations and cached parents, then 5.0 continues ours;
 * - our own multi-objective studies (TPE with constraints, NSGA-II) exported: 5.0 and 3.1 load them
 *   with the best trials we have (3.1 predates constraints, so its front is the unconstrained one).
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
  loadStudy,
  NSGAIISampler,
  paretoFrontTrials,
  TPESampler,
  TrialPruned,
  type FrozenTrial,
  type Study,
  type Trial,
} from '../../../../../src/engine/index.ts';
import { GENERATION_KEY, PARENT_CACHE_KEY_PREFIX } from '../../../../../src/engine/samplers/nsgaii/nsgaii-sampler.ts';
import {
  exportJournal,
  importJournal,
  JournalStorage,
  MemoryJournalBackend,
  parsePyJson,
} from '../../../../../src/engine/storages/journal/index.ts';

const PY5 = VENV_PYTHON;
const PY31 = '/usr/bin/python3';
const SCRIPT = path.resolve('test/interop/optuna_mo_journal.py');
const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  if (!existsSync(PY5)) throw new Error(`${PY5} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
  expect(spawnSync(PY31, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' }).stdout.trim()).toBe(
    '3.1.0',
  );
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-mo-journal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PyBest {
  optuna: string;
  studies: {
    name: string;
    directions: number[];
    states: number[];
    best: [number, number[]][];
    system_attrs: Record<string, number[]>;
    generations: (number | null)[];
  }[];
}

async function python(py: string, ...args: string[]): Promise<PyBest> {
  const { stdout } = await run(py, [SCRIPT, ...args], {
    maxBuffer: 64 << 20,
    timeout: 90_000,
    cwd: path.dirname(SCRIPT),
  });
  return parsePyJson(stdout) as PyBest;
}

const best = (trials: readonly FrozenTrial[]): [number, number[]][] =>
  trials.map((t) => [t.number, [...(t.values as number[])]] as [number, number[]]).sort((a, b) => a[0] - b[0]);

/** The same objective as the Python side's `zdt`. */
async function zdt(trial: Trial): Promise<number[]> {
  const x = await trial.suggestFloat('x', 0, 1);
  const g = 1 + 3 * ((await trial.suggestFloat('a', 0, 1)) + (await trial.suggestInt('k', 0, 4)) / 4);
  return [x, g * (1 - Math.sqrt(x / g))];
}

async function generations(study: Study): Promise<unknown[]> {
  return (await study.getTrials()).map((t) => t.systemAttrs[GENERATION_KEY] ?? null);
}

describe('multi-objective journals with Optuna 5.0.0 and 3.1', () => {
  it("we import 5.0's studies with its best_trials, continue its NSGA-II run, and 5.0 continues ours", async () => {
    const file = path.join(dir, 'from5.log');
    const five = await python(PY5, 'create', file);
    expect(five.optuna).toBe('5.0.0');
    const storage = new JournalStorage(new MemoryJournalBackend());
    expect((await importJournal(readFileSync(file, 'utf8'), storage)).skipped).toEqual([]);
    for (const s of five.studies) {
      const study = await loadStudy({ studyName: s.name, storage });
      expect(study.directions.length).toBe(s.directions.length);
      expect((await study.getTrials()).map((t) => t.state)).toEqual(s.states);
      expect(best(await study.bestTrials()), s.name).toEqual(s.best);
    }
    const tpe = five.studies[0]!;
    expect(tpe.states).toEqual(expect.arrayContaining([2, 3])); // PRUNED and FAIL trials came along
    // The constraints matter: the unconstrained front differs from 5.0's best_trials.
    const all = await (await loadStudy({ studyName: 'mo5-tpe', storage })).getTrials();
    expect(best(paretoFrontTrials(all, ['minimize', 'minimize', 'maximize']))).not.toEqual(tpe.best);

    // NSGA-II: 20 trials of 5.0 (generations 0–3, population 6); we add 8, finishing generation 3 and
    // starting 4 from the parents 5.0 cached for generation 3.
    const nsga = await loadStudy({
      studyName: 'mo5-nsga',
      storage,
      sampler: new NSGAIISampler({ populationSize: 6, seed: 9 }),
    });
    await nsga.optimize(zdt, { nTrials: 8 });
    expect(await generations(nsga)).toEqual([...five.studies[1]!.generations, 3, 3, 3, 3, 4, 4, 4, 4]);
    const attrs = await nsga.getSystemAttrs();
    const ids = new Map((await nsga.getTrials()).map((t) => [t.trialId, t.number]));
    const parents = (g: number): number[] =>
      (attrs[`${PARENT_CACHE_KEY_PREFIX}${g}`] as number[]).map((id) => ids.get(id)!);
    expect(parents(4)).toHaveLength(6);
    const ours = best(await nsga.bestTrials());

    // Back to 5.0: our export of the NSGA-II study alone (its trial ids now start at 0, so the cached
    // parents must be renumbered), compact and as the full op log, loads with our best trials, and 5.0's
    // NSGA-II goes on from our cache.
    for (const form of ['compact', 'full'] as const) {
      const back = path.join(dir, `back5-${form}.log`);
      writeFileSync(back, await exportJournal(storage, [nsga.studyId], { form }));
      const reread = await python(PY5, 'best', back);
      expect(reread.studies.map((s) => s.name)).toEqual(['mo5-nsga']);
      expect(reread.studies[0]!.best, form).toEqual(ours);
      const resumed = await python(PY5, 'resume-nsga', back, 'mo5-nsga', '4');
      expect(resumed.studies[0]!.generations).toEqual([...(await generations(nsga)), 4, 4, 5, 5]);
      const exported = new Map((await importBack(back)).map((t) => [t.trialId, t.number]));
      expect(Math.min(...exported.keys())).toBe(0);
      for (const g of [1, 2, 3, 4])
        expect(
          resumed.studies[0]!.system_attrs[`${PARENT_CACHE_KEY_PREFIX}${g}`]!.map((id) => exported.get(id)),
          `${form}: parents of generation ${g}`,
        ).toEqual(parents(g));
    }
  }, 120_000);

  it('our multi-objective studies load in 5.0 and 3.1 with the same best trials', async () => {
    const storage = new JournalStorage(new MemoryJournalBackend());
    const constrained = await createStudy({
      studyName: 'ours-tpe',
      storage,
      directions: ['minimize', 'minimize', 'maximize'],
      sampler: new TPESampler({ seed: 4 }),
    });
    await constrained.optimize(
      async (trial) => {
        const [f1, f2] = await zdt(trial);
        await trial.setConstraint('budget', (trial.params.x as number) - 0.6);
        if (trial.number % 7 === 5) throw new TrialPruned();
        return [f1!, f2!, -f1! - f2!];
      },
      { nTrials: 30 },
    );
    const plain = await createStudy({
      studyName: 'ours-nsga',
      storage,
      directions: ['minimize', 'maximize'],
      sampler: new NSGAIISampler({ populationSize: 5, seed: 3 }),
    });
    await plain.optimize(async (t) => (await zdt(t)).map((v, i) => (i === 1 ? -v : v)), { nTrials: 17 });
    const file = path.join(dir, 'ours.log');
    writeFileSync(file, await exportJournal(storage));
    const [five, old] = await Promise.all([python(PY5, 'best', file), python(PY31, 'best', file)]);
    expect(old.optuna).toBe('3.1.0');
    const [c, p] = [await constrained.getTrials(), await plain.getTrials()];
    expect(five.studies.map((s) => s.best)).toEqual([
      best(await constrained.bestTrials()),
      best(await plain.bestTrials()),
    ]);
    expect(best(await constrained.bestTrials())).not.toEqual(best(paretoFrontTrials(c, constrained.directions)));
    expect(old.studies.map((s) => s.best)).toEqual([
      best(paretoFrontTrials(c, constrained.directions)),
      best(await plain.bestTrials()),
    ]);
    expect(five.studies.map((s) => s.directions)).toEqual([
      [1, 1, 2],
      [1, 2],
    ]);
    expect(five.studies[1]!.generations).toEqual(p.map((t) => t.systemAttrs[GENERATION_KEY]));
  }, 120_000);
});

/** The trials of the exported NSGA-II study as a fresh import sees them (ids as in the file). */
async function importBack(file: string): Promise<FrozenTrial[]> {
  const s = new JournalStorage(new MemoryJournalBackend());
  await importJournal(readFileSync(file, 'utf8'), s);
  return (await loadStudy({ studyName: 'mo5-nsga', storage: s })).getTrials();
}
