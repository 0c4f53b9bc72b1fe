/**
 * `npm start` (scripts/start.mjs): serves the app on http://localhost:5173 and prints
 * that URL; a second start while the port is taken exits with a clear message instead of a stack trace.
 * Dependencies are installed here already, so the install branch is not exercised; what `npm ci` would
 * warn about is checked through `npm install-scripts ls`, the same review.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

function start(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // As from a user's shell: without the NODE_ENV=test that Vitest sets, which changes Vite's dependency hash.
  const { NODE_ENV: _, ...env } = process.env;
  const child = spawn(process.execPath, ['scripts/start.mjs'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(pred: () => boolean, ms: number, output: () => string): Promise<void> {
  for (const end = Date.now() + ms; !pred();) {
    if (Date.now() > end) throw new Error(`timed out; output so far:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it(
  'serves the app at the printed http://localhost:5173/, and a second start says the port is taken',
  { timeout: 120_000 },
  async () => {
    // What the Svelte plugin finds on a fresh clone or after another kind of Vite server wrote it: it used
    // to force a re-optimization of every dependency then, which Vite announces.
    mkdirSync('node_modules/.vite', { recursive: true });
    writeFileSync('node_modules/.vite/_svelte_metadata.json', '{}');
    const first = start();
    await until(() => /running at http:\/\/localhost:5173\//.test(first.output()), 60_000, first.output);
    const res = await fetch('http://127.0.0.1:5173/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>dmc-tune</title>');
    // (A changed lockfile or config rightly re-optimizes once; "Forced" meant every fresh start.)
    expect(first.output()).not.toMatch(/Forced re-optimization/);

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/Port 5173 is already in use\. Is dmc-tune already running\?/);
    expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
    first.child.kill('SIGTERM');
    await first.exited;
  },
);

// npm before 11 has no allowScripts review and prints no such warning.
const scripts = spawnSync('npm', ['install-scripts', 'ls'], { encoding: 'utf8' });
it.skipIf(/unknown command/i.test(scripts.stdout + scripts.stderr))(
  'npm ci has no install scripts to warn about (each dependency that has one is declared in allowScripts)',
  () => {
    expect(scripts.status).toBe(0);
    expect(scripts.stdout + scripts.stderr).not.toMatch(/not yet covered by allowScripts/);
  },
);
