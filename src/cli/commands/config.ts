/**
 * `npm run --silent cli -- config default [--preset notebook|cpu|smoke] [--json]` prints a study
 * configuration (docs/study-config.md); the notebook's by default, indented so it can be saved and
 * edited (`--json` prints it on one line).
 * `npm run --silent cli -- config validate FILE [--json]` checks a configuration file and lists every
 * problem with its field path; exit code 1 when it is invalid.
 * `npm run --silent cli -- config link FILE [--base URL]` prints a study link that opens the configuration in
 * Setup (study-config/share-link.ts), for a teacher preparing the class's study from the shell.
 */
import { readFile } from 'node:fs/promises';
import { UsageError, optFlag, optString, parseArgs, printJson, rejectUnknown } from '../args.ts';
import { flagNames, formatUsage, optionNames, type CommandSpec, type CommandUsage } from '../usage.ts';
import { formatIssues, isPresetName, parseStudyConfig, PRESETS, studyLinkUrl } from '../../study-config/index.ts';
import { errorMessage } from '../../shared/index.ts';

const DEFAULT: CommandSpec = {
  name: 'config default',
  summary: 'print a preset study configuration (notebook unless --preset)',
  options: [
    { name: 'preset', value: Object.keys(PRESETS).join('|'), help: 'which preset (notebook)' },
    { name: 'json', help: 'print it on one line instead of indented' },
  ],
};

const VALIDATE: CommandSpec = {
  name: 'config validate',
  summary: 'check a study configuration file, listing every problem (exit 1 when invalid)',
  synopsis: ['FILE [options]'],
  options: [{ name: 'json', help: 'print {valid, errors} as one JSON object' }],
};

const LINK: CommandSpec = {
  name: 'config link',
  summary: "print a link that opens the configuration FILE in the app's Setup",
  synopsis: ['FILE [options]'],
  options: [{ name: 'base', value: 'URL', help: "the app's address (http://localhost:5173/)" }],
};

export const USAGE: CommandUsage = {
  name: 'config',
  summary: 'study configuration: print a preset, check a file, or make a study link',
  options: [],
  subcommands: [DEFAULT, VALIDATE, LINK],
};

async function readConfigFile(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((err: unknown) => {
    throw new Error(`cannot read ${file}: ${errorMessage(err)}`);
  });
}

export async function run(args: string[]): Promise<number> {
  // Both sub-commands' flags, so the sub-command is found among the positionals wherever it stands.
  const p = parseArgs(args, [
    ...flagNames(DEFAULT.options),
    ...flagNames(VALIDATE.options),
    ...flagNames(LINK.options),
  ]);
  const [sub, ...rest] = p.positional;
  const json = optFlag(p, 'json');
  if (sub === 'default') {
    rejectUnknown(p, optionNames(DEFAULT.options));
    if (rest.length > 0) throw new UsageError(`config default takes no positional arguments, got ${rest.join(' ')}`);
    const preset = optString(p, 'preset') ?? 'notebook';
    if (!isPresetName(preset))
      throw new UsageError(`option --preset: unknown preset '${preset}' (known: ${Object.keys(PRESETS).join(', ')})`);
    const config = PRESETS[preset]();
    process.stdout.write(json ? JSON.stringify(config) + '\n' : JSON.stringify(config, null, 2) + '\n');
    return 0;
  }
  if (sub === 'validate') {
    rejectUnknown(p, optionNames(VALIDATE.options));
    const file = rest[0];
    if (file === undefined || rest.length > 1)
      throw new UsageError(`config validate needs exactly one FILE\n${formatUsage(VALIDATE)}`);
    const text = await readConfigFile(file);
    const result = parseStudyConfig(text);
    const errors = 'errors' in result ? result.errors : [];
    if (json) printJson({ valid: errors.length === 0, errors });
    else if (errors.length === 0) process.stdout.write(`${file}: valid study configuration\n`);
    else process.stdout.write(`${file}: ${errors.length} problem(s)\n${formatIssues(errors)}\n`);
    return errors.length === 0 ? 0 : 1;
  }
  if (sub === 'link') {
    rejectUnknown(p, optionNames(LINK.options));
    const file = rest[0];
    if (file === undefined || rest.length > 1)
      throw new UsageError(`config link needs exactly one FILE\n${formatUsage(LINK)}`);
    const result = parseStudyConfig(await readConfigFile(file));
    if ('errors' in result)
      throw new Error(
        `${file} is not a valid study configuration, so no link was made:\n${formatIssues(result.errors)}`,
      );
    process.stdout.write(`${await studyLinkUrl(optString(p, 'base') ?? 'http://localhost:5173/', result.config)}\n`);
    return 0;
  }
  throw new UsageError(sub === undefined ? formatUsage(USAGE) : `unknown subcommand '${sub}'\n${formatUsage(USAGE)}`);
}
