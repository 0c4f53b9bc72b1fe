/**
 * The pinned .venv (scripts/python-env.mjs, made by `npm test`'s provisioning or `npm run setup:python`)
 * holds exactly python/requirements.lock, its modules report the pinned versions, and BayesFlow 2.0.5
 * trains one tiny FlowMatching + SetTransformer epoch on JAX's CPU backend and draws from the posterior.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';

interface EnvReport {
  python: number[];
  modules: Record<string, string>;
  backend: string;
  jax_devices: string[];
  installed: Record<string, string>;
  loss: number[];
  draws_shape: number[];
  imported_s: number;
  total_s: number;
}

/** name → version of every `name==version` line of the lock (pip's normalized, lower-case names). */
function lockPins(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const m of text.matchAll(/^([A-Za-z0-9._-]+)==([^\s\\]+)/gm))
    pins.set((m[1] ?? '').toLowerCase().replace(/[._]/g, '-'), m[2] ?? '');
  return pins;
}

describe('the pinned Python environment (.venv)', () => {
  let report: EnvReport;
  const pins = lockPins(readFileSync(LOCK_FILE, 'utf8'));

  beforeAll(() => {
    if (!existsSync(VENV_PYTHON))
      throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
    const r = spawnSync(VENV_PYTHON, [path.join(path.dirname(LOCK_FILE), 'check_env.py')], {
      encoding: 'utf8',
      // JAX on CPU only, and no GPU probing; two threads at most on a shared machine.
      env: {
        ...process.env,
        KERAS_BACKEND: 'jax',
        JAX_PLATFORMS: 'cpu',
        XLA_FLAGS: '--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=2',
      },
      timeout: 110_000,
    });
    if (r.status !== 0) throw new Error(`check_env.py failed (${r.status ?? r.signal}):\n${r.stderr}`);
    report = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as EnvReport;
  }, 120_000);

  it('is Python 3.10–3.12, which bayesflow 2.0.5 requires', () => {
    expect(report.python[0]).toBe(3);
    expect(report.python[1]).toBeGreaterThanOrEqual(10);
    expect(report.python[1]).toBeLessThanOrEqual(12);
  });

  it('reports the pinned versions from the modules themselves', () => {
    expect(report.modules).toMatchObject({ bayesflow: '2.0.5', optuna: '5.0.0', optuna_dashboard: '0.21.0' });
    expect(Number(report.modules.numpy?.split('.')[0])).toBeLessThan(2);
    const [major, minor] = (report.modules.keras ?? '').split('.').map(Number);
    expect(major === 3 && (minor ?? 99) >= 9 && (minor ?? 99) < 13).toBe(true);
    for (const [mod, dist] of [
      ['keras', 'keras'],
      ['jax', 'jax'],
      ['numpy', 'numpy'],
      ['psycopg2', 'psycopg2-binary'],
      ['pytest', 'pytest'],
    ] as const) {
      expect(report.modules[mod], mod).toBe(pins.get(dist));
    }
    expect(report.backend).toBe('jax');
    expect(report.jax_devices).toEqual(['cpu']);
  });

  it('holds exactly the lock: every pin at its version and nothing else beside pip and setuptools', () => {
    const installed = Object.fromEntries(
      Object.entries(report.installed).filter(([name]) => name !== 'pip' && name !== 'setuptools'),
    );
    expect(installed).toEqual(Object.fromEntries(pins));
  });

  it('trains one BayesFlow epoch (FlowMatching + SetTransformer) and samples on CPU', () => {
    expect(report.loss).toHaveLength(1);
    expect(Number.isFinite(report.loss[0])).toBe(true);
    expect(report.draws_shape).toEqual([2, 5, 2]);
    console.info(`check_env.py: imports ${report.imported_s.toFixed(1)} s, all ${report.total_s.toFixed(1)} s`);
  });
});
