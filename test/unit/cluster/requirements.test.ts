/**
 * The cluster export's requirements.txt carries the pins of python/requirements.lock (the .venv the tests
 * use) less the CPU backend and pytest, and the generated study.py runs with them: a --dry-run worker on
 * the .venv's Python (Optuna 5.0.0) finishes its trials.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterPins, NOT_FOR_CLUSTER } from '../../../scripts/cluster-pins.mjs';
import { LOCK_FILE, SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { clusterExport } from '../../../src/cluster/index.ts';
import { smokeStudyConfig, type StudyConfig } from '../../../src/study-config/index.ts';

const config: StudyConfig = { ...smokeStudyConfig(), name: 'cluster-requirements', epochs: 2, nTrials: 10 };
const files = clusterExport(config, null).files;
const requirements = String(files.find((f) => f.path === 'requirements.txt')?.content ?? '');
const dir = mkdtempSync(path.join(tmpdir(), 'dmc-cluster-req-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pins(text: string): [string, string][] {
  return [...text.matchAll(/^([A-Za-z0-9._-]+)==(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']);
}

describe("the cluster export's requirements.txt", () => {
  it('pins exactly what the lock pins, less the CPU backend and pytest', () => {
    const lock = readFileSync(LOCK_FILE, 'utf8');
    const fromLock = clusterPins(lock);
    // A lock change without `node scripts/cluster-pins.mjs` leaves src/cluster/pins.ts behind.
    expect(pins(requirements), 'src/cluster/pins.ts is stale: run node scripts/cluster-pins.mjs').toEqual(fromLock);
    expect(fromLock.length).toBe((lock.match(/^[A-Za-z0-9._-]+==/gm) ?? []).length - NOT_FOR_CLUSTER.length);
    const got = new Map(pins(requirements));
    expect(got.get('bayesflow')).toBe('2.0.5');
    expect(Number(got.get('numpy')?.split('.')[0])).toBeLessThan(2);
    expect(Number(got.get('keras')?.split('.')[1])).toBeLessThan(13);
    expect(got.has('jax') || got.has('pytest')).toBe(false);
  });

  it('is named in the README with its install line', () => {
    const readme = files.find((f) => f.path === 'README.md')?.content ?? '';
    expect(readme).toContain('python3 -m pip install -r requirements.txt torch');
    expect(readme).toContain('| `requirements.txt` |');
  });

  it("runs study.py --dry-run with the pinned Optuna (the .venv's)", () => {
    if (!existsSync(VENV_PYTHON))
      throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
    for (const f of files) writeFileSync(path.join(dir, f.path), f.content);
    const r = spawnSync(VENV_PYTHON, ['study.py', '--dry-run', '--n-trials', '3', '--storage', 'journal:dry-run.log'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const journal = readFileSync(path.join(dir, 'dry-run.log'), 'utf8');
    // Optuna's journal op 6 sets a trial's state and values; state 1 is COMPLETE.
    expect(journal.split('\n').filter((l) => /"op_code": ?6/.test(l) && /"state": ?1/.test(l))).toHaveLength(3);
  });
});
