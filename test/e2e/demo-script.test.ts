/**
 * `npm run demo` (scripts/demo.ts) on a machine without Chromium, provisioning switched off: it must stop
 * within a minute, before building anything, and say what is missing and how to install it.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

it(
  'without Chromium exits non-zero within a minute, naming Chromium and the install command',
  { timeout: 90_000 },
  async () => {
    const t0 = Date.now();
    const child = spawn('npm', ['run', '--silent', 'demo', '--', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent', DMC_NO_PROVISION: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(code).toBe(1);
    expect(err).toMatch(/Chromium not found: CHROMIUM_PATH=\/nonexistent does not exist/);
    expect(err).toMatch(/apt-get install chromium/);
    expect(err).toMatch(/npx playwright install chromium/);
    expect(err).not.toMatch(/building the app/);
    expect(err).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(out).toBe(''); // no JSON for a study that never ran
  },
);
