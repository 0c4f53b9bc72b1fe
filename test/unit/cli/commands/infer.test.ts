/** `cli infer` on the fixture network and the two public layouts: the documented JSON shape, and bad input exits 1. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FIX = 'test/fixtures/inference';
const cli = (args: string[]) =>
  run('npx', ['tsx', 'src/cli/main.ts', 'infer', '--model', `${FIX}/network-small.json`, ...args], {
    maxBuffer: 1 << 24,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('cli infer', { timeout: 120_000 }, () => {
  it('DMCfun file with --ppc: per participant summaries, warnings and predictive quantiles', async () => {
    const r = await cli([
      '--data',
      `${FIX}/flanker-dmcfun.txt`,
      '--draws',
      '200',
      '--steps',
      '20',
      '--ppc',
      '--ppc-draws',
      '10',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('excluded 2 trials: RT > tmax = 1500 ms');
    // the fixture network (4 epochs of a tiny network) has barely learned: said once, with its fix
    expect(r.stderr).toMatch(
      /warning: The network has barely learned\. On its own validation data sets it has barely learned: .* Fix: Train longer/,
    );
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      participants: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(out.participants)).toEqual(['1', '2', '3', '4']);
    const p = out.participants['1']!;
    for (const name of ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']) {
      const s = p[name] as { mean: number; sd: number; median: number; hdi95: [number, number] };
      expect(Object.keys(s)).toEqual(['mean', 'sd', 'median', 'hdi95']);
      expect(s.hdi95[0]).toBeLessThanOrEqual(s.median);
      expect(s.hdi95[1]).toBeGreaterThanOrEqual(s.median);
    }
    expect(Array.isArray(p['warnings'])).toBe(true);
    const ppc = p['ppc'] as { observed: { congruent: number[] }; predicted: { incongruent: number[] } };
    expect(ppc.observed.congruent).toHaveLength(9);
    expect(ppc.predicted.incongruent).toHaveLength(9);
  });

  it('amortized-dmc CSV: one entry per participant × spacing', async () => {
    const r = await cli(['--data', `${FIX}/spacing-amortized.csv`, '--draws', '50', '--steps', '10', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { participants: Record<string, unknown> };
    expect(Object.keys(out.participants)).toHaveLength(6);
    expect(Object.keys(out.participants)[0]).toBe('1001 | spacing_num=1');
  });

  it('bad input fails (exit 1) and names the rules and lines', async () => {
    const r = await cli(['--data', `${FIX}/bad-flanker-dmcfun.txt`, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"RT" is not a number: line 41');
    expect(r.stdout).toBe('');
  });
});
