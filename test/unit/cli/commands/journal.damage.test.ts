/**
 * Damaged journals, one fixture per kind of damage (test/fixtures/journal/damaged/): what Optuna 3.1–4.x
 * load we load, with a warning where we read past something; what they refuse we refuse, saying how
 * much of the file is still usable; an empty file is a message, not an empty study. The CLI roundtrip
 * never overwrites its input and says plainly when the output's folder is missing.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { errorText, exitCodeOf } from '../../../../src/cli/args.ts';
import { run as journalRun } from '../../../../src/cli/commands/journal.ts';
import {
  collectWarnings,
  EngineError,
  importJournal,
  JournalDamageError,
  JournalStorage,
  MemoryJournalBackend,
  parseJournalDetailed,
  readJournalStudies,
} from '../../../../src/engine/index.ts';
import { JournalFileBackend } from '../../../../src/persistence/node/index.ts';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/journal');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const demo = fixture('optuna31-demo.log');
const DEMO_OPS = parseJournalDetailed(demo).ops.length;

const dir = mkdtempSync(path.join(tmpdir(), 'dmc-damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    return { code: await journalRun(args), out: out.join(''), err: err.join('') };
  } catch (e) {
    // What main.ts makes of it.
    return { code: exitCodeOf(e), out: out.join(''), err: err.join('') + errorText(e, {}) };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('an invalid last line', () => {
  const text = fixture('damaged/bad-last-line.log');

  it('is ignored with a warning naming it, even newline-terminated', () => {
    const p = parseJournalDetailed(text);
    expect(p.ops).toHaveLength(DEMO_OPS);
    expect(p.badTail?.line).toBe(27);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]!.message).toMatch(
      /^journal line 27 \(the last line\) is invalid and was ignored, as Optuna ignores it: invalid JSON/,
    );
    const r = readJournalStudies(text);
    expect(r.studies.map((s) => [s.name, s.trials.length])).toEqual([['demo', 3]]);
  });

  it('is cut off before the file backend appends, so the file stays loadable', async () => {
    const file = path.join(dir, 'bad-last-line.log');
    copyFileSync(path.join(FIXTURES, 'damaged/bad-last-line.log'), file);
    const { warnings } = await collectWarnings(async () => {
      const storage = new JournalStorage(await JournalFileBackend.open(file));
      const id = await storage.getStudyIdFromName('demo');
      await storage.setStudyUserAttr(id, 'after', 1);
      await storage.close();
    });
    expect(warnings.some((w) => /journal line 27 \(the last line\) is invalid/.test(w))).toBe(true);
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith(demo)).toBe(true);
    expect(after).not.toContain('"la\n');
    const p = parseJournalDetailed(after);
    expect(p.warnings).toEqual([]);
    expect(p.ops).toHaveLength(DEMO_OPS + 1);
  });
});

describe('an op code from a newer Optuna', () => {
  const text = fixture('damaged/newer-op-code.log');

  it('is skipped with a warning naming the line; the rest of the file loads', async () => {
    const p = parseJournalDetailed(text);
    expect(p.ops).toHaveLength(DEMO_OPS);
    expect(p.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^journal line 6: skipped: op_code 10 \(DISCARD_TRIALS\)/),
      expect.stringMatching(/^journal line 7: skipped: op_code 11 is newer than the Optuna 3\.1–4\.x format/),
    ]);
    const res = await importJournal(text, new JournalStorage(new MemoryJournalBackend()));
    expect(res.studyNames).toEqual(['demo']);
    expect(res.warnings).toHaveLength(2);
  });
});

describe('a damaged line in the middle', () => {
  const text = fixture('damaged/damaged-middle.log');

  it('refuses the file, saying how many operations before it are valid', () => {
    let err: unknown;
    try {
      readJournalStudies(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JournalDamageError);
    const d = err as JournalDamageError;
    expect(d.code).toBe('journal-format');
    expect([d.line, d.validOps]).toEqual([11, 10]);
    expect(d.message).toMatch(
      /^journal line 11: invalid JSON.*\(the 10 operations before line 11 are valid and can be opened on their own\)$/,
    );
  });

  it('opens the valid prefix when asked, with a warning about what was left out', () => {
    const r = readJournalStudies(text, { validPrefix: true });
    expect(r.studies).toHaveLength(1);
    expect(r.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^journal line 11 and everything after it were left out/),
    ]);
    const prefix = readJournalStudies(demo.split('\n').slice(0, 10).join('\n') + '\n');
    expect(r.studies).toEqual(prefix.studies);
  });

  it('is refused by the file backend too, with the line of the whole file', async () => {
    const file = path.join(dir, 'damaged-middle.log');
    copyFileSync(path.join(FIXTURES, 'damaged/damaged-middle.log'), file);
    const storage = new JournalStorage(await JournalFileBackend.open(file));
    await expect(storage.getAllStudies()).rejects.toThrow(/journal line 11: invalid JSON/);
    await storage.close();
  });
});

describe('an empty file', () => {
  it('is a message, not an empty study', async () => {
    for (const text of [fixture('damaged/empty.log'), '\n\n', '{"op_code": 0, "worker_id": "w", "study_na']) {
      expect(() => readJournalStudies(text)).toThrow(EngineError);
      expect(() => readJournalStudies(text)).toThrow(/empty|no complete journal operation/);
    }
  });
});

describe('journal roundtrip with damaged input', () => {
  it('ignores an invalid last line with a warning and writes the rest', async () => {
    const out = path.join(dir, 'rt-bad-last.log');
    const r = await cli(['roundtrip', path.join(FIXTURES, 'damaged/bad-last-line.log'), out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: journal line 27 \(the last line\) is invalid and was ignored/);
    expect(readJournalStudies(readFileSync(out, 'utf8')).studies[0]!.trials).toHaveLength(3);
  });

  it('refuses a damaged middle and offers --valid-prefix, which then works', async () => {
    const out = path.join(dir, 'rt-mid.log');
    const input = path.join(FIXTURES, 'damaged/damaged-middle.log');
    const r = await cli(['roundtrip', input, out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/journal line 11: .*run again with --valid-prefix to keep only those 10/);
    expect(existsSync(out)).toBe(false);
    const ok = await cli(['roundtrip', input, out, '--valid-prefix']);
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/journal line 11 and everything after it were left out/);
    expect(readJournalStudies(readFileSync(out, 'utf8')).studies).toHaveLength(1);
  });

  it('says an empty input is empty', async () => {
    const r = await cli(['roundtrip', path.join(FIXTURES, 'damaged/empty.log'), path.join(dir, 'rt-empty.log')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: the file is empty/);
  });

  it('refuses to overwrite its input, also through another spelling of the path', async () => {
    const file = path.join(dir, 'same.log');
    writeFileSync(file, demo);
    for (const outPath of [file, path.join(dir, '.', 'same.log')]) {
      const r = await cli(['roundtrip', file, outPath]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/never overwrites its input/);
    }
    expect(readFileSync(file, 'utf8')).toBe(demo);
  });

  it('says plainly that the output folder is missing', async () => {
    const out = path.join(dir, 'no', 'such', 'folder', 'out.log');
    const r = await cli(['roundtrip', path.join(FIXTURES, 'optuna31-demo.log'), out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: cannot write ${out}: the folder ${path.dirname(out)} does not exist\n`);
  });
});

describe('Optuna 3.1 agrees on the fixtures', () => {
  const py = (file: string): string =>
    execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys, warnings, optuna\nwarnings.simplefilter("ignore")\noptuna.logging.set_verbosity(optuna.logging.ERROR)\n' +
          's = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))\n' +
          'print([(x.study_name, len(s.get_all_trials(x._study_id))) for x in s.get_all_studies()])',
        file,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();

  it('loads the invalid-last-line file and refuses the damaged middle', () => {
    const copy = path.join(dir, 'py-bad-last.log');
    copyFileSync(path.join(FIXTURES, 'damaged/bad-last-line.log'), copy);
    expect(py(copy)).toBe("[('demo', 3)]");
    const mid = path.join(dir, 'py-mid.log');
    copyFileSync(path.join(FIXTURES, 'damaged/damaged-middle.log'), mid);
    expect(() => py(mid)).toThrow();
  });
});
