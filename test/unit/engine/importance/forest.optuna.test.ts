/**
 * fANOVA importances against Optuna's own on two studies with categorical parameters
 * (parity-studies.ts builds them deterministically): the mean over forest seeds 0..9 of ours is
 * within 0.02 of the mean of `get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed))`.
 * RECORDED holds Optuna's numbers, computed by test/interop/optuna_importances.py on the journal this
 * test writes, under Debian's python3-optuna 3.1.0 with scikit-learn 1.2.1 and numpy 1.24.2. The test
 * also runs that script live on the project's .venv (Optuna 5.0.0, scikit-learn from
 * python/requirements.lock); without the .venv it is skipped on a developer's machine and fails under
 * CI=true, so a fresh clone's `npm test` always runs it. The forests differ (ours is not numpy's RNG),
 * so single seeds differ by a few 0.001; the means agree to about 0.001.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../../scripts/python-env.mjs';
import { run as importancesCli } from '../../../../src/cli/commands/importances.ts';
import { createStudy, evaluateFanova, JournalStorage, type FrozenTrial } from '../../../../src/engine/index.ts';
import { JournalFileBackend } from '../../../../src/persistence/node/index.ts';
import { categoricalAndFloat, logFloatAndCategorical, type ParityStudy } from './parity-studies.ts';

const PYTHON = VENV_PYTHON;
const SCRIPT = path.resolve('test/interop/optuna_importances.py');
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** Optuna 3.1.0's means over SEEDS (see the header). */
const RECORDED: Record<string, Record<string, number>> = {
  'cat6-x': { c: 0.9727862943233353, x: 0.027213705676664583 },
  'lr-opt4': { opt: 0.9970021024839439, lr: 0.0029978975160560883 },
};

const dir = mkdtempSync(path.join(tmpdir(), 'dmc-fanova-optuna-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = spawnSync(PYTHON, ['-c', 'import optuna, sklearn; print(optuna.__version__, sklearn.__version__)'], {
  encoding: 'utf8',
});
const optunaHere = probe.status === 0;
/** In CI the live comparison must run: a missing package fails it instead of skipping it. */
const live = optunaHere || process.env.CI === 'true';

const written = new Map<string, Promise<{ file: string; trials: FrozenTrial[] }>>();

/** Each study is written once, to its own journal file, and shared by the tests. */
function writeJournal(s: ParityStudy): Promise<{ file: string; trials: FrozenTrial[] }> {
  let w = written.get(s.name);
  if (w === undefined) written.set(s.name, (w = write(s)));
  return w;
}

async function write(s: ParityStudy): Promise<{ file: string; trials: FrozenTrial[] }> {
  const file = path.join(dir, `${s.name}.log`);
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  try {
    const study = await createStudy({ studyName: s.name, storage });
    for (const t of s.trials) await study.addTrial(t);
    return { file, trials: await study.getTrials() };
  } finally {
    await storage.close();
  }
}

function ourMean(trials: readonly FrozenTrial[]): Record<string, number> {
  const mean: Record<string, number> = {};
  for (const seed of SEEDS) {
    for (const p of evaluateFanova(trials, undefined, { seed }).importances)
      mean[p.name] = (mean[p.name] ?? 0) + p.importance / SEEDS.length;
  }
  return mean;
}

function expectClose(ours: Record<string, number>, theirs: Record<string, number>, tol: number): void {
  expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
  for (const k of Object.keys(theirs))
    expect(Math.abs(ours[k]! - theirs[k]!), `${k}: ours ${ours[k]} vs Optuna ${theirs[k]}`).toBeLessThanOrEqual(tol);
}

describe.each([categoricalAndFloat(), logFloatAndCategorical()])('fANOVA parity with Optuna: $name', (s) => {
  it('the mean over seeds 0..9 is within 0.02 of the recorded Optuna numbers', async () => {
    const { trials } = await writeJournal(s);
    const ours = ourMean(trials);
    expectClose(ours, RECORDED[s.name]!, 0.02);
    // What one-hot groups buy: a choice index measured 0.956 / 0.044 on cat6-x, 0.017 off.
    expectClose(ours, RECORDED[s.name]!, 0.005);
  });

  it.runIf(live)(
    'and of Optuna computed live on the same journal',
    async () => {
      if (!optunaHere)
        throw new Error(
          `${PYTHON} cannot import optuna and sklearn (${probe.stderr || probe.error}): run ${SETUP_COMMAND}`,
        );
      const { file, trials } = await writeJournal(s);
      const out = spawnSync(PYTHON, [SCRIPT, file, s.name, ...SEEDS.map(String)], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(out.status, out.stderr).toBe(0);
      const py = JSON.parse(out.stdout) as { optuna: string; mean: Record<string, number> };
      expect(py.optuna).toBe('5.0.0');
      const ours = ourMean(trials);
      console.log(`fANOVA ${s.name}: ours ${JSON.stringify(ours)}, Optuna ${py.optuna} ${JSON.stringify(py.mean)}`);
      expectClose(ours, py.mean, 0.02);
      // Another scikit-learn may grow other forests; the recorded numbers should still be close.
      expectClose(py.mean, RECORDED[s.name]!, 0.01);
    },
    180_000,
  );

  it('the importances command prints what the evaluator computes for --seed', async () => {
    const { file, trials } = await writeJournal(s);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(await importancesCli(['--journal', file, '--evaluator', 'fanova', '--seed', '3', '--json'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const printed = JSON.parse(out.join('').trim()) as Record<string, number>;
    const expected = evaluateFanova(trials, undefined, { seed: 3 }).importances;
    expect(Object.entries(printed)).toEqual(expected.map((p) => [p.name, p.importance]));
  });
});

describe('fANOVA seed', () => {
  it('is fresh when not given, as Optuna’s None, and reproduces the importances when passed back', async () => {
    const { trials } = await writeJournal(categoricalAndFloat());
    const a = evaluateFanova(trials);
    const b = evaluateFanova(trials);
    expect(a.seed).not.toBe(b.seed);
    expect(Number.isInteger(a.seed) && a.seed >= 0 && a.seed < 2 ** 32).toBe(true);
    expect(evaluateFanova(trials, undefined, { seed: a.seed })).toEqual(a);
  });
});
