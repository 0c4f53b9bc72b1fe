/**
 * The main path of a user without a GPU, end to end: `npm run demo` opens Home and clicks "Run demo
 * study"; the app detects no hardware GPU and runs the CPU preset on wasm in the real browser. Every
 * trial must end COMPLETE (or PRUNED by the pruner) and the best trial must reach the notebook demo's
 * quality on an A100 (best L 1.434): L ≤ 1.45. The study seed is fixed, so the run is reproducible.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

interface DemoOutput {
  backend: string | null;
  preset: string | null;
  trials: { number: number; state: string; value: number | null }[];
  best: { number: number; value: number } | null;
  seconds: number;
}

it('Home → Run demo study on a machine without a GPU: 5 trials, none failed, best L ≤ 1.45', { timeout: 900_000 }, async () => {
  const child = spawn('npm', ['run', '--silent', 'demo', '--', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code, err.slice(-4000)).toBe(0);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as DemoOutput;
  expect(result.preset).toBe('cpu');
  expect(result.backend).toMatch(/wasm/);
  expect(result.trials).toHaveLength(5);
  for (const t of result.trials) expect(['COMPLETE', 'PRUNED'], `trial ${t.number}`).toContain(t.state);
  expect(result.best!.value).toBeLessThanOrEqual(1.45);
  process.stderr.write(`cpu demo: ${result.seconds} s, best L ${result.best!.value.toFixed(3)} (trial ${result.best!.number})\n`);
});
