/**
 * The exit-code convention through the real CLI process, for every command: a bad command line exits 2
 * and points at the command's usage; a failure (a file that is missing or holds invalid content, an
 * output that cannot be written) exits 1 with one `error:` line and no stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, KILL_MS } from './cli-process.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-exit-'));
const missing = path.join(dir, 'no-such-file');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** Per (sub-)command: arguments that would otherwise pass its parser, and a run that fails on its input. */
const CASES: { name: string; words: string[]; failure: (() => string[]) | null; message?: RegExp }[] = [
  // Every input of simulate and of config default is an option: nothing but a usage error can go wrong.
  { name: 'simulate', words: ['simulate', '--prior', 'notebook'], failure: null },
  { name: 'config default', words: ['config', 'default'], failure: null },
  {
    name: 'config validate',
    words: ['config', 'validate', missing],
    failure: () => ['config', 'validate', file('bad-config.json', '{"epochs": 0}')],
    message: /problem/,
  },
  {
    name: 'ask-tell',
    words: ['ask-tell', '--space', missing],
    failure: () => ['ask-tell', '--space', file('space.json', '{"x": {"type": "normal"}}')],
    message: /space\.json: parameter "x"/,
  },
  {
    name: 'journal roundtrip',
    words: ['journal', 'roundtrip', missing, path.join(dir, 'out.log')],
    failure: () => ['journal', 'roundtrip', file('empty.log', ''), path.join(dir, 'out.log')],
    message: /empty/,
  },
  {
    name: 'metrics',
    words: ['metrics', '--input', missing],
    failure: () => ['metrics', '--input', file('metrics.json', '{"draws": 1')],
    message: /not valid JSON/,
  },
  {
    name: 'importances',
    words: ['importances', '--journal', missing],
    failure: () => ['importances', '--journal', missing],
    message: /cannot read/,
  },
  {
    name: 'export-cluster',
    words: ['export-cluster', '--config', missing, '--out', dir],
    failure: () => [
      'export-cluster',
      '--config',
      file('cluster-config.json', '{"epochs": 0}'),
      '--out',
      path.join(dir, 'cluster'),
    ],
    message: /is not a valid study configuration/,
  },
  {
    name: 'infer',
    words: ['infer', '--model', missing, '--data', missing],
    failure: () => ['infer', '--model', missing, '--data', missing],
    message: /--model .*no-such-file/,
  },
  {
    name: 'train',
    words: ['train'],
    // The smallest run that trains, then cannot write its --save file.
    failure: () => [
      'train',
      ...'--backend cpu --epochs 1 --train-sets 2 --val-sets 2 --obs 5 --batch-size 2 --samples 2 --steps 1 --embed-dim 8 --summary-dim 2'.split(
        ' ',
      ),
      '--save',
      path.join(missing, 'm.json'),
    ],
    message: /ENOENT/,
  },
];

// Concurrent: each case is a process start of its own, mostly waiting on tsx and tfjs to load.
describe.concurrent('CLI exit codes', { timeout: 2 * KILL_MS }, () => {
  it.each(CASES)('$name: an unknown option exits 2 and points at its usage', async ({ name, words }) => {
    const r = await cli([...words, '--zz-not-an-option', '1'], { DEBUG: '' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option --zz-not-an-option \(known: /);
    expect(r.stderr).toContain(`see 'npm run --silent cli -- ${name.split(' ')[0]} -h'`);
    expect(r.stdout).toBe('');
  });

  it.each(CASES.filter((c) => c.failure !== null))(
    '$name: a failure exits 1 with a plain message',
    async ({ failure, message }) => {
      const r = await cli(failure!(), { DEBUG: '' });
      expect(r.code, r.stderr).toBe(1);
      // config validate lists the problems on stdout as its result; the others say what failed on stderr.
      expect(`${r.stdout}${r.stderr}`).toMatch(message!);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('DEBUG adds the stack to a failure, not to the exit code', async () => {
    const r = await cli(['metrics', '--input', missing], { DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --input .*cannot read/);
    expect(r.stderr).toMatch(/^\s+at .*metrics\.ts/m);
  });
});
