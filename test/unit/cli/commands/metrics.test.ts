import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseMetricsInput, parseWeights, run } from '../../../../src/cli/commands/metrics.ts';

// Example A of diagnostics.test.ts as nested arrays: NRMSE (sqrt(5/3)/4, (sqrt(1/3)+sqrt(13/3))/6),
// PC (1/2, 1/3), CE (4.95/19, 1/2).
const exampleA = {
  draws: [
    [
      [0, 10],
      [1, 12],
    ],
    [
      [1, 11],
      [3, 10],
    ],
    [
      [2, 13],
      [2, 16],
    ],
  ],
  truths: [
    [0, 10],
    [1, 10],
    [2, 13],
  ],
  names: ['a', 'b'],
};
const nr = [Math.sqrt(5 / 3) / 4, (Math.sqrt(1 / 3) + Math.sqrt(13 / 3)) / 6];
const L111 = (nr[0]! + nr[1]!) / 2 + (0.5 + 2 / 3) / 2 + (4.95 / 19 + 0.5) / 2;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-cli-'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function capture(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out };
}

async function inputFile(name: string, content: unknown): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

describe('metrics CLI', () => {
  it('--json prints the table by name and L (known answer)', async () => {
    const f = await inputFile('a.json', exampleA);
    const { code, out } = await capture(['--input', f, '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, Record<string, number> | number>;
    expect(Object.keys(r)).toEqual(['NRMSE', 'Posterior Contraction', 'Calibration Error', 'L']);
    expect((r.NRMSE as Record<string, number>).a).toBeCloseTo(nr[0]!, 12);
    expect((r['Posterior Contraction'] as Record<string, number>).b).toBeCloseTo(1 / 3, 12);
    expect((r['Calibration Error'] as Record<string, number>).a).toBeCloseTo(4.95 / 19, 12);
    expect(r.L).toBeCloseTo(L111, 12);
  });

  it('--weights recovery,pc,sbc', async () => {
    const f = await inputFile('a.json', exampleA);
    const { out } = await capture(['--input', f, '--weights', '0,0,2', '--json']);
    expect((JSON.parse(out) as { L: number }).L).toBeCloseTo(4.95 / 19 + 0.5, 12);
    expect(() => parseWeights('1,1')).toThrow(/expected 3 comma-separated numbers/);
    expect(() => parseWeights('1,x,1')).toThrow(/'x' is not a finite number/);
  });

  it('human-readable output without --json', async () => {
    const f = await inputFile('a.json', exampleA);
    const { out } = await capture(['--input', f]);
    expect(out).toMatch(/Posterior Contraction\s+0\.5000\s+0\.3333/);
    expect(out).toMatch(/L = /);
  });

  it('malformed input: errors name the path and the bad value', () => {
    const bad = (patch: Record<string, unknown>): unknown => ({ ...exampleA, ...patch });
    expect(() =>
      parseMetricsInput(
        bad({
          draws: [
            [
              [0, 10],
              [1, 12],
            ],
            [[1, 11]],
            [
              [2, 13],
              [2, 16],
            ],
          ],
        }),
      ),
    ).toThrow('draws[1]: expected 2 draws (as many as draws[0]), got 1 (arrays must not be ragged)');
    expect(() =>
      parseMetricsInput(
        bad({
          draws: [
            [[0, 10], [1]],
            [
              [1, 11],
              [3, 10],
            ],
            [
              [2, 13],
              [2, 16],
            ],
          ],
        }),
      ),
    ).toThrow('draws[0][1]: expected 2 values (one per name), got 1');
    expect(() =>
      parseMetricsInput(
        bad({
          truths: [
            [0, 10],
            [1, 10],
          ],
        }),
      ),
    ).toThrow('truths: expected 3 data sets');
    expect(() =>
      parseMetricsInput(
        bad({
          truths: [
            [0, 10],
            [1, 'x'],
            [2, 13],
          ],
        }),
      ),
    ).toThrow('truths[1][1]: expected a finite number, got the string "x"');
    expect(() =>
      parseMetricsInput(
        bad({
          truths: [
            [0, 10],
            [1, null],
            [2, 13],
          ],
        }),
      ),
    ).toThrow('truths[1][1]: expected a finite number, got null');
    expect(() => parseMetricsInput(bad({ draws: [0, 1, 2] }))).toThrow('draws[0]: expected an array, got number 0');
    expect(() => parseMetricsInput(bad({ names: ['a'] }))).toThrow(
      'draws[0][0]: expected 1 values (one per name), got 2',
    );
    expect(() => parseMetricsInput(bad({ names: [] }))).toThrow(/names: expected at least one/);
    expect(() => parseMetricsInput(bad({ extra: 1 }))).toThrow("input: unknown key 'extra'");
    expect(() => parseMetricsInput([1])).toThrow(
      'input: expected an object {draws, truths, names}, got an array of length 1',
    );
  });

  it('NaN in the file is rejected as invalid JSON; missing --input and unknown options are errors', async () => {
    const f = await inputFile('nan.json', '{"draws": [[[NaN]]], "truths": [[1]], "names": ["x"]}');
    await expect(run(['--input', f])).rejects.toThrow(/not valid JSON/);
    await expect(run([])).rejects.toThrow('option --input FILE.json is required');
    await expect(run(['--input', f, '--wieghts', '1,1,1'])).rejects.toThrow(/unknown option --wieghts/);
  });

  it('undefined L (constant truths) fails with the reason instead of printing NaN', async () => {
    const f = await inputFile('c.json', {
      ...exampleA,
      truths: [
        [0, 10],
        [1, 10],
        [2, 10],
      ],
    });
    await expect(run(['--input', f, '--json'])).rejects.toThrow(/NRMSE\[b\] = NaN \(range of the truths is 0/);
  });

  it('runs end to end through npm run cli', async () => {
    const f = await inputFile('a.json', exampleA);
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cli/main.ts', 'metrics', '--input', f, '--json'], {
      cwd: process.cwd(),
    });
    expect((JSON.parse(stdout.trim()) as { L: number }).L).toBeCloseTo(L111, 12);
  });
});
