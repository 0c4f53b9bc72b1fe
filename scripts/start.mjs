// `npm start`: install on a fresh clone, then serve the app and print its URL.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('node_modules missing: running npm ci …');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
const { createServer } = await import('vite');
const server = await createServer({ server: { host: '127.0.0.1', port: 5173, strictPort: true } });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
console.log(`\n  dmc-tune is running at ${url}\n  (Chrome or Edge use WebGPU; press Ctrl+C to stop)\n`);
