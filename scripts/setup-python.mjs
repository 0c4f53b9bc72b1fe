// `npm run setup:python [-- --force]`: makes .venv, the project's pinned Python environment (bayesflow
// 2.0.5, Keras on JAX's CPU backend, Optuna 5), from python/requirements.lock — only when it is missing or
// the lock changed, unless --force. `npm test` does the same through scripts/ensure-deps.mjs.
import { provisionVenv } from './provision.mjs';

const result = provisionVenv({ force: process.argv.includes('--force') });
if (!result.ok) {
  console.error(`\n${result.message}\n`);
  process.exit(1);
}
