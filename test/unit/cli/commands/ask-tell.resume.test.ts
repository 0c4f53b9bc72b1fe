/**
 * ask-tell with --journal and --seed, stopped and continued, proposes what one uninterrupted run
 * proposes: the trial left unanswered at EOF is offered again first, and every later draw is the same
 * because the sampler keeps its seed and derives each draw from (seed, trial number).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { askTellLoop, parseSearchSpace } from '../../../../src/cli/commands/ask-tell.ts';
import { JournalStorage } from '../../../../src/engine/index.ts';
import { JournalFileBackend } from '../../../../src/persistence/node/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'dmc-asktell-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACE =
  '{"x": {"type": "float", "low": -2, "high": 2, "log": false}, "lr": {"type": "float", "low": 1e-4, "high": 1e-1, "log": true}, "c": {"type": "categorical", "choices": ["a", "b", "c"]}}';
const TOTAL = 16; // past TPE's 10 startup trials

/** Answers each printed trial with a function of its params, `answers` times, then ends the input. */
async function session(file: string, sampler: 'tpe' | 'random', answers: number): Promise<string[]> {
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  const printed: string[] = [];
  async function* input(): AsyncGenerator<string> {
    for (let k = 0; k < answers; k++) {
      const p = JSON.parse(printed.at(-1)!).params as { x: number; lr: number; c: string };
      yield String((p.x - 0.5) ** 2 + Math.abs(Math.log10(p.lr) + 2) + (p.c === 'b' ? 0 : 1));
    }
  }
  try {
    await askTellLoop(
      { space: parseSearchSpace(SPACE), storage, sampler, seed: 42, multivariate: false },
      input(),
      async (l) => void printed.push(l),
    );
  } finally {
    await storage.close();
  }
  return printed;
}

function cli(args: readonly string[], stdin: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`ask-tell exited ${code}`)),
    );
    child.stdin.end(stdin);
  });
}

describe('ask-tell resume', () => {
  for (const sampler of ['tpe', 'random'] as const) {
    it(`${sampler}: stopped after k answers and continued == uninterrupted`, async () => {
      const whole = await session(path.join(dir, `${sampler}-whole.log`), sampler, TOTAL);
      for (const k of [4, 12]) {
        const file = path.join(dir, `${sampler}-${k}.log`);
        const first = await session(file, sampler, k);
        const second = await session(file, sampler, TOTAL - k);
        expect(second[0]).toBe(first.at(-1)); // the unanswered trial, offered again
        expect([...first, ...second.slice(1)]).toEqual(whole);
      }
    });
  }

  it('the command itself: two processes on one journal == one process', async () => {
    const space = path.join(dir, 'space.json');
    writeFileSync(space, SPACE);
    // Fixed answers, so the processes need not read their own output.
    const answers = Array.from({ length: 13 }, (_, k) => String(((k * 7) % 11) / 3));
    const args = (file: string): string[] => [
      'ask-tell',
      '--space',
      space,
      '--seed',
      '9',
      '--journal',
      path.join(dir, file),
    ];
    const whole = await cli(args('cli-whole.log'), answers.join('\n') + '\n');
    const first = await cli(args('cli-split.log'), answers.slice(0, 11).join('\n') + '\n');
    const second = await cli(args('cli-split.log'), answers.slice(11).join('\n') + '\n');
    expect([...first, ...second.slice(1)]).toEqual(whole);
    expect(whole).toHaveLength(14);
  }, 60_000);
});
