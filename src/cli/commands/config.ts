/**
 * `npm run --silent cli -- config default [--preset notebook|cpu|smoke] [--json]` prints a study
 * configuration (docs/study-config.md); the notebook's by default, indented so it can be saved and
 * edited (`--json` prints it on one line).
 * `npm run --silent cli -- config validate FILE [--json]` checks a configuration file and lists every
 * problem with its field path; exit code 1 when it is invalid.
 */
import { readFile } from 'node:fs/promises';
import { CliError, optFlag, optString, parseArgs, printJson, rejectUnknown } from '../args.ts';
import { formatIssues, isPresetName, parseStudyConfig, PRESETS } from '../../study-config/index.ts';

const USAGE = 'usage: config default [--preset notebook|cpu|smoke] [--json] | config validate FILE [--json]';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['json']);
  const [sub, ...rest] = p.positional;
  const json = optFlag(p, 'json');
  if (sub === 'default') {
    rejectUnknown(p, ['preset', 'json']);
    if (rest.length > 0) throw new CliError(`config default takes no positional arguments, got ${rest.join(' ')}`);
    const preset = optString(p, 'preset') ?? 'notebook';
    if (!isPresetName(preset)) throw new CliError(`option --preset: unknown preset '${preset}' (known: ${Object.keys(PRESETS).join(', ')})`);
    const config = PRESETS[preset]();
    process.stdout.write(json ? JSON.stringify(config) + '\n' : JSON.stringify(config, null, 2) + '\n');
    return 0;
  }
  if (sub === 'validate') {
    rejectUnknown(p, ['json']);
    const file = rest[0];
    if (file === undefined || rest.length > 1) throw new CliError(`config validate needs exactly one FILE\n${USAGE}`);
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new CliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const result = parseStudyConfig(text);
    const errors = 'errors' in result ? result.errors : [];
    if (json) printJson({ valid: errors.length === 0, errors });
    else if (errors.length === 0) process.stdout.write(`${file}: valid study configuration\n`);
    else process.stdout.write(`${file}: ${errors.length} problem(s)\n${formatIssues(errors)}\n`);
    return errors.length === 0 ? 0 : 1;
  }
  throw new CliError(sub === undefined ? USAGE : `unknown subcommand '${sub}'\n${USAGE}`);
}
