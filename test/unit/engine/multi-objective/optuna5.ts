/**
 * The Python side of the multi-objective parity tests: one run of test/interop/optuna5_multi_objective.py
 * under the project's .venv (Optuna 5.0.0) answers every task of a test file. Never skips: a missing
 * .venv is an error that says how to make it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../../scripts/python-env.mjs';

const SCRIPT = path.resolve('test/interop/optuna5_multi_objective.py');

export function askOptuna5<T>(request: Record<string, unknown[]>): T & { optuna: string } {
  if (!existsSync(VENV_PYTHON))
    throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
  const r = spawnSync(VENV_PYTHON, [SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: 120_000,
    cwd: path.dirname(SCRIPT),
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`optuna5_multi_objective.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T & { optuna: string };
}

/** The script's non-finite floats ("inf", "-inf", "nan") as numbers. */
export function num(x: number | string): number {
  if (typeof x === 'number') return x;
  return x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN;
}

/** mulberry32: a fixed stream, nothing from the engine's samplers. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
