/**
 * `npm start` (scripts/start.mjs, issue 2 item 1): serves the app on http://localhost:5173 and prints
 * that URL; a second start while the port is taken exits with a clear message instead of a stack trace.
 * Dependencies are installed here already, so the install branch is not exercised.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

function start(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['scripts/start.mjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(pred: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !pred(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('serves the app at the printed http://localhost:5173/, and a second start says the port is taken', { timeout: 120_000 }, async () => {
  const first = start();
  await until(() => /running at http:\/\/localhost:5173\//.test(first.output()), 60_000);
  const res = await fetch('http://127.0.0.1:5173/');
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<title>dmc-tune</title>');

  const second = start();
  expect(await second.exited).toBe(1);
  expect(second.output()).toMatch(/Port 5173 is already in use\. Is dmc-tune already running\?/);
  expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
  first.child.kill('SIGTERM');
  await first.exited;
});
