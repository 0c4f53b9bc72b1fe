/** The ask-tell command in-process: SPACE.json parsing, answers, the loop, continuation, exit codes. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  askTellLoop,
  formatTrialLine,
  parseAnswer,
  parseSearchSpace,
  run,
  type AskTellOptions,
} from '../../../../src/cli/commands/ask-tell.ts';
import { run as journalRun } from '../../../../src/cli/commands/journal.ts';
import { exitCodeOf } from '../../../../src/cli/args.ts';
import {
  categoricalDistribution,
  floatDistribution,
  InMemoryStorage,
  intDistribution,
  TrialState,
} from '../../../../src/engine/index.ts';
import { JournalStorage, MemoryJournalBackend } from '../../../../src/engine/storages/journal/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'dmc-asktell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACE =
  '{"x": {"type": "float", "low": 0, "high": 1, "log": false}, "n": {"type": "int", "low": 1, "high": 8}, "c": {"type": "categorical", "choices": [16, 32]}}';

async function* feed(lines: string[]): AsyncGenerator<string> {
  for (const l of lines) yield l;
}

async function loop(opts: Partial<AskTellOptions>, answers: string[]): Promise<{ printed: string[]; code: number }> {
  const printed: string[] = [];
  const code = await askTellLoop(
    { space: parseSearchSpace(SPACE), storage: new InMemoryStorage(), sampler: 'tpe', multivariate: false, ...opts },
    feed(answers),
    async (l) => void printed.push(l),
  );
  return { printed, code };
}

describe('SPACE.json', () => {
  it('reads Optuna abbreviated distributions', () => {
    expect(parseSearchSpace(SPACE)).toEqual({
      x: floatDistribution(0, 1),
      n: intDistribution(1, 8),
      c: categoricalDistribution([16, 32]),
    });
    expect(
      parseSearchSpace(
        '{"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}, "k": {"type": "int", "low": 0, "high": 10, "step": 2}}',
      ),
    ).toEqual({
      lr: floatDistribution(1e-5, 0.1, { log: true }),
      k: intDistribution(0, 10, { step: 2 }),
    });
  });

  it.each([
    [
      '{"x": {"type": "float", "low": 2, "high": 1}}',
      /parameter "x": `low <= high` must hold, but got \(low=2(\.0)?, high=1(\.0)?\)\./,
    ],
    [
      '{"x": {"type": "float", "low": 0.1, "high": 1, "log": true, "step": 0.1}}',
      /parameter "x": The parameter `step` is not supported when `log` is true\./,
    ],
    [
      '{"c": {"type": "categorical", "choices": []}}',
      /parameter "c": The `choices` must contain one or more elements\./,
    ],
    ['{"x": {"type": "normal"}}', /parameter "x": Unknown distribution type/],
    ['{}', /defines no parameters/],
    ['[1]', /expected an object/],
    ['{"x": ', /invalid JSON/],
  ])('rejects %s', (text, msg) => {
    expect(() => parseSearchSpace(text)).toThrow(msg);
  });

  it('makes the command fail (exit 1) naming the file and parameter; bad options are usage errors (exit 2)', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"lr": {"type": "float", "low": 0, "high": 1, "log": true}}');
    const thrown = (args: string[]): Promise<unknown> =>
      run(args).then(
        () => expect.fail('ask-tell did not throw'),
        (e: unknown) => e,
      );
    const invalid = await thrown(['--space', bad]);
    expect(String(invalid)).toMatch(/bad\.json: parameter "lr": `low > 0` must hold for `log=True`/);
    expect(exitCodeOf(invalid)).toBe(1);
    expect(exitCodeOf(await thrown(['--space', path.join(dir, 'missing.json')]))).toBe(1);
    expect(exitCodeOf(await thrown(['--space', bad, '--sampler', 'cmaes']))).toBe(2);
    expect(exitCodeOf(await thrown(['--space', bad, '--bogus', '1']))).toBe(2);
  });
});

describe('answers and output lines', () => {
  it.each([
    ['0.5', { state: TrialState.COMPLETE, value: 0.5 }],
    [' -1e-3 ', { state: TrialState.COMPLETE, value: -0.001 }],
    ['inf', { state: TrialState.COMPLETE, value: Infinity }],
    ['-Infinity', { state: TrialState.COMPLETE, value: -Infinity }],
    ['pruned', { state: TrialState.PRUNED }],
    ['FAIL', { state: TrialState.FAIL }],
    ['0x10', null],
    ['1,5', null],
    ['done', null],
  ])('reads %j', (line, expected) => {
    expect(parseAnswer(line)).toEqual(expected);
  });

  it('prints Python-style lines with external values', () => {
    const space = parseSearchSpace(SPACE);
    expect(formatTrialLine(3, { x: 1, n: 4, c: 32 }, space)).toBe(
      '{"number": 3, "params": {"x": 1.0, "n": 4, "c": 32}}',
    );
  });
});

describe('the loop', () => {
  it('asks, tells and stops at EOF; the same seed gives the same trials', async () => {
    const a = await loop({ seed: 5 }, ['1', '0.5', 'pruned', 'fail']);
    const b = await loop({ seed: 5 }, ['1', '0.5', 'pruned', 'fail']);
    expect(a.code).toBe(0);
    expect(a.printed).toHaveLength(5);
    expect(a.printed).toEqual(b.printed);
    for (const [i, l] of a.printed.entries())
      expect(JSON.parse(l)).toMatchObject({ number: i, params: { x: expect.any(Number), n: expect.any(Number) } });
    const c = await loop({ seed: 6 }, ['1']);
    expect(c.printed[0]).not.toBe(a.printed[0]);
  });

  it('records states and values, and re-queues the unanswered trial with its params', async () => {
    const storage = new JournalStorage(new MemoryJournalBackend());
    const first: string[] = [];
    await askTellLoop(
      { space: parseSearchSpace(SPACE), storage, sampler: 'random', seed: 1, multivariate: false },
      feed(['2.5', 'nan', 'pruned', '', 'fail']),
      async (l) => void first.push(l),
    );
    const trials = await storage.getAllTrials(0);
    expect(trials.map((t) => [t.state, t.values])).toEqual([
      [TrialState.COMPLETE, [2.5]],
      [TrialState.FAIL, null],
      [TrialState.PRUNED, null],
      [TrialState.FAIL, null],
      [TrialState.WAITING, null],
    ]);
    const second: string[] = [];
    await askTellLoop(
      { space: parseSearchSpace(SPACE), storage, sampler: 'random', seed: 1, multivariate: false },
      feed(['1']),
      async (l) => void second.push(l),
    );
    expect(second[0]).toBe(first[4]);
    expect(JSON.parse(second[1]!).number).toBe(5);
    // The resumed run did not replay the first run's random points.
    expect(JSON.parse(second[1]!).params).not.toEqual(JSON.parse(first[0]!).params);
  });

  it('refuses a direction that contradicts the stored study, and a malformed answer', async () => {
    const storage = new InMemoryStorage();
    await loop({ storage, direction: 'maximize' }, ['1']);
    await expect(loop({ storage, direction: 'minimize' }, [])).rejects.toThrow(
      /is maximized; --direction minimize contradicts it/,
    );
    await expect(loop({ storage }, ['0.3', 'twelve'])).rejects.toThrow(
      /trial 2: expected a number, 'pruned' or 'fail', got "twelve"/,
    );
    expect((await storage.getAllTrials(0)).map((t) => t.state)).toEqual([
      TrialState.COMPLETE,
      TrialState.COMPLETE,
      TrialState.WAITING,
    ]);
  });

  it('refuses a multi-objective study (it tells one value per trial)', async () => {
    const storage = new InMemoryStorage();
    await storage.createNewStudy([1, 1], 'mo');
    await expect(loop({ storage, studyName: 'mo' }, ['1'])).rejects.toThrow(
      'study "mo" in the journal has 2 objectives; ask-tell tells one value per trial',
    );
  });
});

describe('journal roundtrip command', () => {
  it('fails (exit 1) naming the line of malformed input and writes nothing', async () => {
    const bad = path.join(dir, 'bad.log');
    writeFileSync(
      bad,
      '{"op_code": 0, "worker_id": "w", "study_name": "s", "directions": [1]}\n{"op_code": -42, "worker_id": "w"}\n{"op_code": 1, "worker_id": "w", "study_id": 0}\n',
    );
    const out = path.join(dir, 'out.log');
    const e = await journalRun(['roundtrip', bad, out]).then(
      () => expect.fail('roundtrip did not throw'),
      (x: unknown) => x,
    );
    expect(String(e)).toMatch(/journal line 2: unknown op_code -42/);
    expect(exitCodeOf(e)).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
