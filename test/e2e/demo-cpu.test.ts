/**
 * The main path of a user without a GPU, end to end: `npm run demo` opens Home and clicks "Run demo
 * study"; the app detects no hardware GPU and runs the CPU preset on wasm in the real browser. Every
 * trial must end COMPLETE (or PRUNED by the pruner), and the best trial must have visibly learned, as
 * issue 18 asks of the demo: L ≤ 1.0 with posterior contraction ≥ 0.5 for both b and mu_r (a network that
 * ignores the data scores L ≈ 1.3 with contraction ≈ 0). The study seed is fixed, so the run is
 * reproducible; the 5-minute budget is checked in the README's measurements, not here (a shared CI
 * machine is no stopwatch), but a run over 10 minutes fails.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

interface DemoOutput {
  backend: string | null;
  preset: string | null;
  trials: { number: number; state: string; value: number | null }[];
  best: { number: number; value: number; contraction: Record<string, number> | null } | null;
  seconds: number;
}

it(
  'Home → Run demo study on a machine without a GPU: every trial complete or pruned, the best one learned b and mu_r',
  { timeout: 900_000 },
  async () => {
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
    expect(result.trials.length).toBeGreaterThanOrEqual(1);
    expect(result.trials.length).toBeLessThanOrEqual(4);
    for (const t of result.trials) expect(['COMPLETE', 'PRUNED'], `trial ${t.number}`).toContain(t.state);
    const best = result.best!;
    expect(best.value).toBeLessThanOrEqual(1.0);
    expect(best.contraction!['b']).toBeGreaterThanOrEqual(0.5);
    expect(best.contraction!['mu_r']).toBeGreaterThanOrEqual(0.5);
    expect(result.seconds).toBeLessThan(600);
    process.stderr.write(
      `cpu demo: ${result.seconds} s, ${result.trials.map((t) => t.state).join('/')}, best L ${best.value.toFixed(3)} (trial ${best.number}), ` +
        `contraction b ${best.contraction!['b']!.toFixed(2)}, mu_r ${best.contraction!['mu_r']!.toFixed(2)}\n`,
    );
  },
);
