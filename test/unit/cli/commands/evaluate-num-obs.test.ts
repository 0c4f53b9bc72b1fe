/**
 * `cli evaluate --num-obs` on the fixture network (trained on N 100–400): the three metrics per parameter
 * at each listed N. At the N that plain `evaluate` draws for its batch (same seed) the numbers are the
 * plain command's to the last bit, so the per-N path scores exactly as a trial's objective does; the table
 * marks N outside the trained range; a bad list is refused with a plain message (exit 2).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { simulatorSettings } from '../../../../src/inference/index.ts';
import { drawNumObs } from '../../../../src/sim/index.ts';

const run = promisify(execFile);
const MODEL = 'test/fixtures/inference/network-small.json';

const cli = (args: string[]) =>
  run('npx', ['tsx', 'src/cli/main.ts', 'evaluate', ...args], { maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
const last = (s: string) => JSON.parse(s.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('cli evaluate --num-obs', { timeout: 180_000 }, () => {
  const settings = simulatorSettings(
    (JSON.parse(readFileSync(MODEL, 'utf8')) as { metadata: Record<string, unknown> }).metadata,
  )!;
  const seed = 3;
  const drawn = drawNumObs(settings.config, seed);

  it("gives the plain evaluation's metrics at the N that evaluation simulates, and one curve per parameter", async () => {
    const common = ['--model', MODEL, '--val-sets', '12', '--draws', '30', '--steps', '4', '--seed', String(seed)];
    const [plain, perN, text] = await Promise.all([
      cli([...common, '--json']),
      cli([...common, '--num-obs', `${drawn},60`, '--json']),
      cli([...common, '--num-obs', '60']),
    ]);
    for (const r of [plain, perN, text]) expect(r.code, r.stderr).toBe(0);
    const a = last(plain.stdout) as Record<string, Record<string, number>>;
    const b = last(perN.stdout) as Record<string, Record<string, number[]>>;
    const numObs = b['numObs'] as unknown as number[];
    expect(numObs).toEqual([60, drawn].sort((x, y) => x - y));
    expect(b['trainedNumObs']).toEqual([100, 400]);
    const k = numObs.indexOf(drawn);
    for (const row of ['NRMSE', 'Posterior Contraction', 'Calibration Error']) {
      for (const name of ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']) expect(b[row]![name]![k]).toBe(a[row]![name]);
    }
    expect(text.stdout).toMatch(/trained on N 100–400/);
    expect(text.stdout).toMatch(/^ {4}60 .*\(outside the trained range\)$/m);
  });

  it('refuses a list that is not trial counts', async () => {
    const r = await cli(['--model', MODEL, '--num-obs', '100,abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('“abc” is not a trial count');
  });
});
