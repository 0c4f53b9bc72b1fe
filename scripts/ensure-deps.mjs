// Installs dependencies on a fresh clone so that `npm start` and `npm test` work as the first command.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('node_modules missing: running npm ci …');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
