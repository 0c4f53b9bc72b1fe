/**
 * No stranded RUNNING trials from ask-tell, through the real CLI process: a SPACE.json that contradicts
 * the journal fails before any trial is popped; SIGTERM or SIGINT while a trial waits for its answer
 * ends that trial FAIL, the reason recorded, before the process exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failReasonOf, readJournalStudies, TrialState } from '../../../../src/engine/index.ts';

const ROOT = path.resolve(__dirname, '../../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'dmc-asktell-sig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACE = '{"x": {"type": "float", "low": 0, "high": 1}, "c": {"type": "categorical", "choices": [16, 32]}}';

interface Child {
  lines: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  firstLine: Promise<string>;
  write: (s: string) => void;
  end: () => void;
  kill: (sig: NodeJS.Signals) => void;
}

function askTell(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ask-tell', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  let buf = '';
  let first: (l: string) => void = () => undefined;
  const firstLine = new Promise<string>((r) => (first = r));
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) {
      lines.push(p);
      if (lines.length === 1) first(p);
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return {
    lines,
    stderr: () => err,
    exit,
    firstLine,
    write: (s) => child.stdin.write(s),
    end: () => child.stdin.end(),
    kill: (sig) => child.kill(sig),
  };
}

function journalState(file: string): {
  states: number[];
  reasons: (string | undefined)[];
  study: ReturnType<typeof readJournalStudies>['studies'][number];
} {
  const study = readJournalStudies(readFileSync(file, 'utf8')).studies[0]!;
  const reasons = study.trials.map((t, number) =>
    failReasonOf({ number, systemAttrs: t.systemAttrs ?? {} } as Parameters<typeof failReasonOf>[0], study.systemAttrs),
  );
  return { states: study.trials.map((t) => t.state ?? -1), reasons, study };
}

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s while waiting for an answer', (sig, exitCode) => {
  it('ends the open trial FAIL with the reason recorded, then exits', async () => {
    const space = path.join(dir, `space-${sig}.json`);
    const journal = path.join(dir, `${sig}.log`);
    writeFileSync(space, SPACE);
    const c = askTell(['--space', space, '--journal', journal, '--seed', '1']);
    await c.firstLine;
    c.write('0.5\n');
    while (c.lines.length < 2) await new Promise((r) => setTimeout(r, 20));
    c.kill(sig);
    const { code } = await c.exit;
    expect(code).toBe(exitCode);
    expect(c.stderr()).toContain(`${sig} while waiting for the answer`);
    const { states, reasons, study } = journalState(journal);
    expect(states).toEqual([TrialState.COMPLETE, TrialState.FAIL]);
    expect(reasons[1]).toMatch(new RegExp(`^${sig} while waiting for the answer`));
    // Kept as the app's own metadata, not as a trial attribute Optuna's tools would list.
    expect(study.trials[1]!.systemAttrs).toEqual({});
  }, 60_000);
});

describe('a SPACE.json that conflicts with the journal', () => {
  it('fails before any trial is popped, naming the parameter and both distributions', async () => {
    const space = path.join(dir, 'space.json');
    const journal = path.join(dir, 'conflict.log');
    writeFileSync(space, SPACE);
    // An answered trial, then one left WAITING at end of input.
    const first = askTell(['--space', space, '--journal', journal, '--seed', '2']);
    await first.firstLine;
    first.write('0.25\n');
    while (first.lines.length < 2) await new Promise((r) => setTimeout(r, 20));
    first.end();
    expect((await first.exit).code).toBe(0);
    expect(journalState(journal).states).toEqual([TrialState.COMPLETE, TrialState.WAITING]);
    const text = readFileSync(journal, 'utf8');
    const bad = path.join(dir, 'bad-space.json');
    writeFileSync(
      bad,
      '{"x": {"type": "float", "low": 0, "high": 1}, "c": {"type": "categorical", "choices": [8, 16]}}',
    );
    const c = askTell(['--space', bad, '--journal', journal]);
    const { code } = await c.exit;
    expect(code).toBe(1);
    expect(c.stderr()).toMatch(
      /SPACE\.json: parameter "c": \{"name": "CategoricalDistribution", "attributes": \{"choices": \[8, 16\]\}\} conflicts with \{"name": "CategoricalDistribution", "attributes": \{"choices": \[16, 32\]\}\}, which study "ask-tell" in the journal uses since trial 0/,
    );
    expect(c.lines).toEqual([]);
    expect(readFileSync(journal, 'utf8')).toBe(text);
    expect(journalState(journal).states).toEqual([TrialState.COMPLETE, TrialState.WAITING]);
  }, 60_000);
});
