// `npm test`'s first step: on a fresh clone installs node_modules, then Chromium, Python Optuna and the
// pinned .venv and PostgreSQL's server (scripts/provision.mjs), and runs the command it is given with CHROMIUM_PATH set to the
// Chromium it found — the test harness and Vitest's browser config read that variable, and a plain `&&` chain in
// package.json could not hand it on.
import { existsSync } from 'node:fs';
import { execSync, spawnSync } from 'node:child_process';
import { provision } from './provision.mjs';

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('node_modules missing: running npm ci …');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
const result = await provision({ python: true, venv: true, postgres: true, lavapipe: true });
if (!result.ok) {
  console.error(`\n${result.message}\n`);
  process.exit(1);
}
const [cmd, ...args] = process.argv.slice(2);
if (cmd !== undefined) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: result.chromiumPath } });
  process.exit(r.status ?? 1);
}
