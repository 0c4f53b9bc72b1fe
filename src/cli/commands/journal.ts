/**
 * `npm run --silent cli -- journal roundtrip IN OUT [--full] [--valid-prefix] [--separators compact|python] [--json]`
 * (`journal best FILE`: ./journal-best.ts)
 *
 * Imports an Optuna journal file (every study, trial, param, value, intermediate value, attribute and
 * state) and exports it again: by default in the compact form (one full-template CREATE_TRIAL per
 * trial), with --full as the recorded op log minus the ops Optuna's replay skips. Separators default
 * to Optuna 4.x's compact ones; `python` writes 3.1's `", "`. Malformed input is reported with its
 * line and nothing is written (exit 1); --valid-prefix accepts the lines before a damaged one. OUT is
 * written to a temporary file and renamed into place, never over IN.
 */
import { realpath, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  COMPACT,
  exportJournal,
  importJournal,
  JournalDamageError,
  JournalStorage,
  MemoryJournalBackend,
  parseJournalDetailed,
  PYTHON_DEFAULT,
  readJournalStudies,
  serializeJournal,
} from '../../engine/index.ts';
import { UsageError, optFlag, optString, printJson } from '../args.ts';
import { formatUsage, parseWithSpec, type CommandSpec, type CommandUsage } from '../usage.ts';
import { best, BEST } from './journal-best.ts';

const ROUNDTRIP: CommandSpec = {
  name: 'journal roundtrip',
  summary: 'import an Optuna journal file and export it again',
  synopsis: ['IN OUT [options]'],
  options: [
    { name: 'full', help: 'export the recorded op log instead of one CREATE_TRIAL per trial' },
    { name: 'valid-prefix', help: 'a journal damaged in the middle: keep only the valid lines before the damage' },
    {
      name: 'separators',
      value: 'compact|python',
      help: 'Optuna 4.x\'s compact JSON separators or 3.1\'s ", " (compact)',
    },
    { name: 'json', help: 'print the summary as one JSON object on the last line' },
  ],
  notes:
    'Malformed input is reported with its line and nothing is written (exit 1); an invalid last line is ignored\n' +
    'with a warning, as Optuna ignores it. OUT must differ from IN and its folder must exist.',
};

export const USAGE: CommandUsage = {
  name: 'journal',
  summary: 'Optuna journal tools',
  options: [],
  subcommands: [ROUNDTRIP, BEST],
};

/** Refuses an output that is the input (the roundtrip would overwrite what it reads) or sits in no folder. */
async function checkOutput(input: string, output: string): Promise<void> {
  const real = (p: string): Promise<string> => realpath(p).catch(() => resolve(p));
  if ((await real(input)) === (await real(output))) {
    throw new UsageError(`OUT is the input file ${input}; the roundtrip never overwrites its input, name another file`);
  }
  const folder = dirname(resolve(output));
  const st = await stat(folder).catch(() => null);
  if (st === null) throw new Error(`cannot write ${output}: the folder ${folder} does not exist`);
  if (!st.isDirectory()) throw new Error(`cannot write ${output}: ${folder} is not a folder`);
}

async function roundtrip(
  input: string,
  output: string,
  full: boolean,
  python: boolean,
  json: boolean,
  validPrefix: boolean,
): Promise<number> {
  await checkOutput(input, output);
  let text: string;
  try {
    text = await readFile(input, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${input}: ${(e as Error).message}`);
  }
  let checked;
  try {
    checked = readJournalStudies(text, { validPrefix });
  } catch (e) {
    if (e instanceof JournalDamageError && e.validOps > 0) {
      throw new Error(`${input}: ${e.message}; run again with --valid-prefix to keep only those ${e.validOps}`);
    }
    throw e;
  }
  // Only the accepted part goes on, whatever form is written.
  const source = serializeJournal(parseJournalDetailed(text, { validPrefix }).ops.slice(0, checked.opsUsed));
  const style = python ? PYTHON_DEFAULT : COMPACT;
  let out: string;
  if (full) {
    out = await exportJournal(new JournalStorage(MemoryJournalBackend.fromText(source)), undefined, {
      form: 'full',
      style,
    });
  } else {
    const storage = new JournalStorage(new MemoryJournalBackend());
    await importJournal(source, storage);
    out = await exportJournal(storage, undefined, { style });
  }
  const tmp = `${output}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, out, 'utf8');
    await rename(tmp, output);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new Error(`cannot write ${output}: ${(e as Error).message}`);
  }
  const summary = {
    studies: checked.studies.map((s) => ({ name: s.name, trials: s.trials.length })),
    skippedOps: checked.skipped,
    tornLastLineIgnored: checked.tornTail !== null,
    warnings: checked.warnings,
    output,
  };
  if (json) printJson(summary);
  else {
    for (const s of summary.studies) process.stdout.write(`${s.name}: ${s.trials} trials\n`);
    for (const k of checked.skipped) process.stdout.write(`skipped line ${k.line}: ${k.reason}\n`);
    if (checked.tornTail !== null) process.stdout.write('ignored an unterminated last line (torn write)\n');
    for (const w of checked.warnings) process.stderr.write(`warning: ${w.message}\n`);
    process.stdout.write(`wrote ${output}\n`);
  }
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'best') {
    const b = parseWithSpec(argv, BEST.options);
    const [, file, extra] = b.positional;
    if (file === undefined || extra !== undefined) throw new UsageError(formatUsage(USAGE));
    return best(file, optString(b, 'study'), optFlag(b, 'json'));
  }
  const p = parseWithSpec(argv, ROUNDTRIP.options);
  const [sub, input, output, extra] = p.positional;
  if (sub !== 'roundtrip' || input === undefined || output === undefined || extra !== undefined)
    throw new UsageError(formatUsage(USAGE));
  const sep = optString(p, 'separators') ?? 'compact';
  if (sep !== 'compact' && sep !== 'python')
    throw new UsageError(`option --separators: '${sep}' is not compact or python`);
  return roundtrip(input, output, optFlag(p, 'full'), sep === 'python', optFlag(p, 'json'), optFlag(p, 'valid-prefix'));
}
