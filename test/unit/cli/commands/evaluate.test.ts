/**
 * `cli evaluate` on the fixture network: fresh validation sets from the file's simulator settings, the
 * three metrics per parameter and L with the default weights (L = mean NRMSE + mean (1 − contraction) +
 * mean calibration error), the same result for the same seed and another for another seed; a file without
 * simulator settings is refused with a plain message (exit 1).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MODEL = 'test/fixtures/inference/network-small.json';
const dir = mkdtempSync(path.join(tmpdir(), 'dmc-evaluate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) =>
  run('npx', ['tsx', 'src/cli/main.ts', 'evaluate', ...args], { maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

type Row = Record<string, number>;
interface Result {
  L: number;
  NRMSE: Row;
  'Posterior Contraction': Row;
  'Calibration Error': Row;
  valSets: number;
  draws: number;
  steps: number;
  recordedL: number | null;
}

const mean = (r: Row) => Object.values(r).reduce((a, b) => a + b, 0) / Object.values(r).length;

describe('cli evaluate', { timeout: 180_000 }, () => {
  it('scores a network file on fresh validation sets: L and its three metrics, reproducible by seed', async () => {
    const args = ['--model', MODEL, '--val-sets', '16', '--draws', '40', '--steps', '5', '--json'];
    const [a, b, c] = await Promise.all([
      cli([...args, '--seed', '3']),
      cli([...args, '--seed', '3']),
      cli([...args, '--seed', '4']),
    ]);
    for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);
    const [ra, rb, rc] = [a, b, c].map((r) => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Result);
    expect(ra).toMatchObject({ valSets: 16, draws: 40, steps: 5, recordedL: 1.3334669440881248 });
    expect(Object.keys(ra!.NRMSE)).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
    expect(ra!.L).toBeCloseTo(
      mean(ra!.NRMSE) + 1 - mean(ra!['Posterior Contraction']) + mean(ra!['Calibration Error']),
      12,
    );
    expect(rb!.L).toBe(ra!.L);
    expect(rc!.L).not.toBe(ra!.L);
  });

  it('refuses a file without simulator settings, saying why', async () => {
    const file = JSON.parse(readFileSync(MODEL, 'utf8')) as { metadata: Record<string, unknown> };
    delete file.metadata['simulator'];
    const bare = path.join(dir, 'bare.json');
    writeFileSync(bare, JSON.stringify(file));
    const r = await cli(['--model', bare, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('carries no simulator settings');
    expect(r.stdout).toBe('');
  });
});
