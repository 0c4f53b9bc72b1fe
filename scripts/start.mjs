// `npm start`: install on a fresh clone, then serve the app and print its URL.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('node_modules missing: running npm ci …');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
const { createServer } = await import('vite');
const server = await createServer({ server: { host: '127.0.0.1', port: 5173, strictPort: true } });
try {
  await server.listen();
} catch (e) {
  await server.close();
  const inUse = e instanceof Error && /already in use/.test(e.message);
  console.error(
    inUse
      ? '\n  Port 5173 is already in use. Is dmc-tune already running? Then open http://localhost:5173/ —\n  otherwise stop the program holding the port (the app keeps one address: its studies are stored per origin).\n'
      : `\n  Could not start the server: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
}
// One canonical address: studies live in IndexedDB, which is per origin, so localhost and 127.0.0.1
// would each show a library of their own. Browsers reach localhost on the 127.0.0.1 binding.
const port = server.config.server.port;
console.log(
  `\n  dmc-tune is running at http://localhost:${port}/\n  (Chrome or Edge use WebGPU; press Ctrl+C to stop)\n`,
);
