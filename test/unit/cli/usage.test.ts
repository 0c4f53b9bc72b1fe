/**
 * `-h`, `--help` and `help` through the real CLI process. The options a command's parser accepts are
 * read from the process too (the `known:` list of its unknown-option error), so the check does not
 * trust the same USAGE data that prints the help.
 */
import { describe, expect, it } from 'vitest';
import { cli, KILL_MS, type CliResult as Result } from './cli-process.ts';

/** Far below a training run or a default simulation, far above a loaded machine's start-up of tsx + tfjs. */
const QUICK_MS = 20_000;
const PROGRAM = 'npm run --silent cli --';

/** What `help` must list, one row each; the parents of sub-commands are listed through them. */
const LISTED = [
  'simulate',
  'ask-tell',
  'journal roundtrip',
  'journal best',
  'metrics',
  'importances',
  'train',
  'config default',
  'config validate',
  'config link',
  'export-cluster',
  'infer',
  'evaluate',
] as const;
const PARENTS = ['journal', 'config'] as const;

/**
 * Arguments that get each (sub-)command's parser as far as its unknown-option check without doing
 * any work; simulate has two forms with different options, both documented by `simulate -h`.
 */
const PROBES: Record<(typeof LISTED)[number], readonly (readonly string[])[]> = {
  simulate: [
    ['simulate', '--A', '1'],
    ['simulate', '--prior', 'notebook'],
  ],
  'ask-tell': [['ask-tell']],
  'journal roundtrip': [['journal', 'roundtrip', 'IN', 'OUT']],
  'journal best': [['journal', 'best', 'FILE']],
  metrics: [['metrics']],
  importances: [['importances']],
  train: [['train']],
  'config default': [['config', 'default']],
  'config validate': [['config', 'validate', 'FILE']],
  'config link': [['config', 'link', 'FILE']],
  'export-cluster': [['export-cluster']],
  infer: [['infer']],
  evaluate: [['evaluate']],
};

const BOGUS = '--zz-not-an-option';

/** `--name` of every option row of a usage text, with whether it shows a value placeholder. */
function documentedOptions(help: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const m of help.matchAll(/^ {2}--([A-Za-z0-9_-]+)( \S+)? {2}/gm)) out.set(m[1]!, m[2] !== undefined);
  return out;
}

function expectQuickHelp(r: Result, name: string): void {
  expect(r.code, r.stderr).toBe(0);
  expect(r.ms).toBeLessThan(QUICK_MS);
  expect(r.stdout.startsWith(`usage: ${PROGRAM} ${name} `)).toBe(true);
  expect(r.stdout).toContain('-h, --help');
  // train and simulate write their progress to stderr
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toMatch(/^(L = |backend \w+, |congruent |\d+ data sets × )/m);
}

describe('CLI help', { timeout: 4 * KILL_MS }, () => {
  it.each([...LISTED, ...PARENTS])('%s -h and --help print the same usage and exit 0', async (name) => {
    const words = name.split(' ');
    const short = await cli([...words, '-h']);
    expectQuickHelp(short, name);
    const long = await cli([...words, '--help']);
    expectQuickHelp(long, name);
    expect(long.stdout).toBe(short.stdout);
  });

  it.each(LISTED)('%s -h documents every option its parser accepts, flags without a value', async (name) => {
    const help = (await cli([...name.split(' '), '-h'])).stdout;
    const documented = documentedOptions(help);
    // The flags go first: a parser that wanted a value for one would fail on it, not on BOGUS.
    const flags = [...documented].filter(([, hasValue]) => !hasValue).map(([o]) => `--${o}`);
    const accepted = new Set<string>();
    for (const probe of PROBES[name]) {
      const r = await cli([...probe, ...flags, BOGUS, '1']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const known = /unknown option --zz-not-an-option \(known: ([^)]*)\)/.exec(r.stderr);
      expect(known, r.stderr).not.toBeNull();
      for (const o of known![1]!.split(', ')) accepted.add(o.replace(/^--/, ''));
    }
    expect(accepted.size).toBeGreaterThan(0);
    expect([...accepted].filter((o) => !documented.has(o))).toEqual([]);
    expect([...documented.keys()].filter((o) => !accepted.has(o))).toEqual([]);
  });

  it('-h after other arguments still only prints the usage: no training, no file or stdin read', async () => {
    expectQuickHelp(await cli(['train', '--epochs', '1', '--train-sets', '2', '-h']), 'train');
    expectQuickHelp(await cli(['simulate', '--prior', 'notebook', '--datasets', '100000', '--help']), 'simulate');
    expectQuickHelp(await cli(['ask-tell', '--space', 'no-such-space.json', '-h']), 'ask-tell');
    const sub = await cli(['config', 'validate', 'no-such-file.json', '--help']);
    expectQuickHelp(sub, 'config validate');
    expect(sub.stdout).not.toContain('config default');
  });

  it('help, --help and -h list every command with one line each and exit 0', async () => {
    const r = await cli(['help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const rows = r.stdout.split('commands:\n')[1]!.trimEnd().split('\n');
    expect(rows.every((row) => /^ {2}\S.* {2,}\S/.test(row))).toBe(true);
    expect(rows.map((row) => row.trim().split(/ {2,}/)[0])).toEqual([...LISTED, 'help [COMMAND]']);
    for (const flag of ['--help', '-h']) {
      const again = await cli([flag]);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(r.stdout);
    }
  });

  it('no command prints the list to stderr as a usage error (exit 2)', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    for (const name of LISTED) expect(r.stderr).toContain(`  ${name} `);
  });

  it('help COMMAND [SUB-COMMAND] prints the same usage as COMMAND [SUB-COMMAND] -h', async () => {
    const train = await cli(['help', 'train']);
    expect(train.code).toBe(0);
    expect(train.stdout).toBe((await cli(['train', '-h'])).stdout);
    const validate = await cli(['help', 'config', 'validate']);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toBe((await cli(['config', 'validate', '-h'])).stdout);
  });

  it('an unknown command or help topic names itself, points at help and exits 2', async () => {
    for (const args of [['frobnicate'], ['help', 'frobnicate'], ['frobnicate', '-h']]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain("unknown command 'frobnicate'");
      expect(r.stderr).toContain(`${PROGRAM} help`);
    }
    const sub = await cli(['help', 'config', 'frobnicate']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("no sub-command 'frobnicate'");
  });
});
