// The project's pinned Python environment: .venv/ at the repository root, made with Debian's
// /usr/bin/python3 (3.11; bayesflow 2.0.5 needs 3.10–3.12) from python/requirements.lock, whose exact
// versions and hashes pip checks (--require-hashes --no-deps: nothing unlisted is fetched). A stamp in
// .venv holds the lock's hash, so that `npm test` rebuilds the environment when the lock changes rather
// than testing against stale packages. The plan is decided from facts passed in, so it is unit-tested.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VENV_DIR = path.join(ROOT, '.venv');
export const VENV_PYTHON = path.join(VENV_DIR, 'bin', 'python');
export const LOCK_FILE = path.join(ROOT, 'python', 'requirements.lock');
/** Where the lock's sha256 is kept once an install from it has succeeded. */
export const STAMP_FILE = path.join(VENV_DIR, '.lock-sha256');
export const BASE_PYTHON = '/usr/bin/python3';
export const SETUP_COMMAND = 'npm run setup:python';

/** @param {string} text */
export function lockHash(text) {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * @param {import('./python-env.d.mts').VenvFacts} f
 * @returns {import('./python-env.d.mts').VenvPlan}
 */
export function planVenv(f) {
  if (f.venvPython && f.stamp === f.lockHash) return { kind: 'found' };
  const why = !f.venvPython
    ? `.venv is missing`
    : f.stamp === undefined
      ? `.venv was never completed`
      : `python/requirements.lock changed since .venv was made`;
  if (f.noProvision)
    return {
      kind: 'missing',
      message: `${why}, and DMC_NO_PROVISION=1 says not to install it. Create it: ${SETUP_COMMAND}.`,
    };
  if (!f.basePython)
    return {
      kind: 'missing',
      message: `${why}, and ${BASE_PYTHON} (Python 3.10–3.12, which bayesflow 2.0.5 needs) is not there. Install it: ${f.isRoot ? '' : 'sudo '}apt-get install python3 python3-venv; then ${SETUP_COMMAND}.`,
    };
  if (f.hasVenvModule) return { kind: 'create', why, apt: [] };
  if (f.isRoot && f.hasAptGet) return { kind: 'create', why, apt: ['python3-venv'] };
  return {
    kind: 'missing',
    message: `${why}, and ${BASE_PYTHON} cannot make virtual environments. Install Debian's venv module: ${f.isRoot ? '' : 'sudo '}apt-get install python3-venv; then ${SETUP_COMMAND}.`,
  };
}

/** The commands that build .venv from scratch (after it has been removed). */
export function venvSteps() {
  return [
    [BASE_PYTHON, '-m', 'venv', VENV_DIR],
    [
      VENV_PYTHON,
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--require-hashes',
      '--no-deps',
      '-r',
      LOCK_FILE,
    ],
  ];
}

/** The facts planVenv decides from, read from this machine. @param {{ isRoot: boolean, hasAptGet: boolean, noProvision: boolean }} base */
export function venvFacts(base) {
  let stamp;
  try {
    stamp = readFileSync(STAMP_FILE, 'utf8').trim();
  } catch {
    stamp = undefined;
  }
  const basePython = existsSync(BASE_PYTHON);
  return {
    ...base,
    venvPython: existsSync(VENV_PYTHON),
    stamp,
    lockHash: lockHash(readFileSync(LOCK_FILE, 'utf8')),
    basePython,
    // Debian splits venv's pip bootstrap (ensurepip) into python3-venv.
    hasVenvModule: basePython && spawnSync(BASE_PYTHON, ['-c', 'import venv, ensurepip']).status === 0,
  };
}

/**
 * Removes .venv and builds it again from the lock; the stamp is written last, so an interrupted install
 * is redone on the next run. @param {(argv: readonly string[]) => boolean} sh @param {string} hash
 */
export function createVenv(sh, hash) {
  rmSync(VENV_DIR, { recursive: true, force: true });
  if (!venvSteps().every((s) => sh(s))) return false;
  writeFileSync(STAMP_FILE, `${hash}\n`);
  return true;
}
