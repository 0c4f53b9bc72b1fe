import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorText, exitCodeOf } from '../../../../src/cli/args.ts';
import { run } from '../../../../src/cli/commands/simulate.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await run(args);
    return { code, out, err };
  } catch (e) {
    // What main.ts makes of it.
    return { code: exitCodeOf(e), out, err: err + errorText(e, {}) };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const lastJson = (out: string): Record<string, unknown> =>
  JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('simulate CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parameter form: per-condition summaries as one JSON object on the last line, --trials per condition', async () => {
    const r = await cli([
      '--A',
      '20',
      '--tau',
      '150',
      '--mu_c',
      '0.5',
      '--mu_r',
      '300',
      '--b',
      '75',
      '--sd_r',
      '30',
      '--trials',
      '2000',
      '--seed',
      '7',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = lastJson(r.out) as Record<'congruent' | 'incongruent', Record<string, unknown>>;
    for (const c of ['congruent', 'incongruent'] as const) {
      expect(Object.keys(j[c]).sort()).toEqual([
        'errorRate',
        'meanRtCorrectMs',
        'meanRtErrorMs',
        'n',
        'quantilesCorrectMs',
        'sdRtCorrectMs',
        'timeouts',
      ]);
      expect(j[c].n).toBe(2000);
      expect(Object.keys(j[c].quantilesCorrectMs as object)).toEqual(['0.1', '0.3', '0.5', '0.7', '0.9']);
    }
    // same seed, same answer
    const again = await cli([
      '--A',
      '20',
      '--tau',
      '150',
      '--mu_c',
      '0.5',
      '--mu_r',
      '300',
      '--b',
      '75',
      '--sd_r',
      '30',
      '--trials',
      '2000',
      '--seed',
      '7',
      '--json',
    ]);
    expect(lastJson(again.out)).toEqual(j);
  });

  it('passes --tmax, --a, --contamination and --start-point through', async () => {
    const r = await cli([
      '--A',
      '20',
      '--tau',
      '30',
      '--mu_c',
      '0.5',
      '--mu_r',
      '300',
      '--b',
      '75',
      '--sd_r',
      '30',
      '--trials',
      '500',
      '--tmax',
      '50',
      '--a',
      '2.5',
      '--start-point',
      'zero',
      '--json',
    ]);
    const j = lastJson(r.out) as Record<string, { timeouts: number }>;
    expect(j.congruent!.timeouts).toBeGreaterThan(400); // tmax 50 ms: most trials have not finished
    const c = await cli([
      '--A',
      '20',
      '--tau',
      '30',
      '--mu_c',
      '0.5',
      '--mu_r',
      '300',
      '--b',
      '75',
      '--sd_r',
      '30',
      '--trials',
      '500',
      '--tmax',
      '50',
      '--contamination',
      '1',
      '--json',
    ]);
    expect((lastJson(c.out) as Record<string, { timeouts: number }>).congruent!.timeouts).toBe(0);
  });

  it('prior form: timing JSON from the worker pool', async () => {
    const r = await cli([
      '--prior',
      'notebook',
      '--datasets',
      '20',
      '--obs',
      '50',
      '--workers',
      '1',
      '--seed',
      '1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = lastJson(r.out);
    expect(Object.keys(j)).toEqual(['datasets', 'obs', 'workers', 'seconds', 'msPerDataset']);
    expect(j).toMatchObject({ datasets: 20, obs: 50, workers: 1 });
    expect(j.msPerDataset).toBeCloseTo((1000 * (j.seconds as number)) / 20, 9);
  });

  it.each([
    [['--A', '20', '--tau', '30'], /--mu_c is required/],
    [['--A', '20', '--tau', '-30', '--mu_c', '0.5', '--mu_r', '300', '--b', '75', '--sd_r', '30'], /tau = -30/],
    [
      ['--A', 'x', '--tau', '30', '--mu_c', '0.5', '--mu_r', '300', '--b', '75', '--sd_r', '30'],
      /--A: 'x' is not a number/,
    ],
    [
      ['--A', '20', '--tau', '30', '--mu_c', '0.5', '--mu_r', '300', '--b', '75', '--sd_r', '30', '--trials', '0'],
      /--trials: must be a positive integer, got 0/,
    ],
    [['--A', '20', '--tau', '30', '--mu_c', '0.5', '--mu_r', '300', '--b', '75', '--sd_r', '30', '--a', '1'], /a = 1/],
    [
      ['--A', '20', '--tau', '30', '--mu_c', '0.5', '--mu_r', '300', '--b', '75', '--sd_r', '30', '--datasets', '3'],
      /unknown option --datasets/,
    ],
    [['--prior', 'notebook', '--contamination', '1.5'], /contamination = 1.5/],
    [['--prior', 'notebook', '--tmax', '0'], /tmax = 0/],
    [['--prior', 'wide'], /'wide' is not a known prior/],
    [['--prior', 'notebook', '--start-point', 'middle'], /--start-point: 'middle'/],
    [['--prior', 'notebook', '--workers', '0'], /--workers: must be a positive integer, got 0/],
    [['--prior', 'notebook', '--A', '3'], /either --prior or the parameters/],
    [[], /give the parameters/],
  ])('rejects %j with exit code 2 and a message naming the problem', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});
