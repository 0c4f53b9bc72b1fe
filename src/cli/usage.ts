/**
 * A command's usage is declared once, as data: the parser takes its known options and boolean flags
 * from the same `OptionSpec` list that `-h` prints, so the help cannot list an option the parser
 * rejects or leave out one it accepts.
 */
import { parseArgs, rejectUnknown, type ParsedArgs } from './args.ts';

export const PROGRAM = 'npm run --silent cli --';

export interface OptionSpec {
  readonly name: string;
  /** Placeholder for the value (`N`, `tpe|random`); absent for a boolean flag. */
  readonly value?: string;
  readonly help: string;
  /** Heading the option is listed under, for commands whose forms accept different options. */
  readonly group?: string;
}

export interface CommandSpec {
  /** As typed after the program: `train`, `config default`. */
  readonly name: string;
  /** One line, shown in `help`'s list. */
  readonly summary: string;
  /** What follows the name in each synopsis line; `[options]` when absent. */
  readonly synopsis?: readonly string[];
  readonly options: readonly OptionSpec[];
  /** Free text printed after the options. */
  readonly notes?: string;
}

/** What every command module exports next to `run`. */
export interface CommandUsage extends CommandSpec {
  /** Sub-commands each with their own options; `help` lists these instead of the command itself. */
  readonly subcommands?: readonly CommandSpec[];
}

export const HELP_OPTION: OptionSpec = { name: 'help', help: 'print this help and exit' };

export function isHelpFlag(arg: string): boolean {
  return arg === '-h' || arg === '--help';
}

export function optionNames(options: readonly OptionSpec[]): string[] {
  return options.map((o) => o.name);
}

export function flagNames(options: readonly OptionSpec[]): string[] {
  return options.filter((o) => o.value === undefined).map((o) => o.name);
}

/** Parses `argv` with exactly the options of the spec: its flags take no value, anything else is rejected. */
export function parseWithSpec(argv: readonly string[], options: readonly OptionSpec[]): ParsedArgs {
  const p = parseArgs(argv, flagNames(options));
  rejectUnknown(p, optionNames(options));
  return p;
}

const optionLabel = (o: OptionSpec): string =>
  o.name === HELP_OPTION.name ? '-h, --help' : `--${o.name}${o.value === undefined ? '' : ` ${o.value}`}`;

/**
 * Options under their group headings, in order of first appearance, ungrouped ones under `options:`;
 * `-h` joins the last group so a grouped command does not grow a heading for it alone.
 */
function optionSections(options: readonly OptionSpec[]): string[] {
  const last = options.at(-1)?.group;
  const all = [...options, last === undefined ? HELP_OPTION : { ...HELP_OPTION, group: last }];
  const width = Math.max(...all.map((o) => optionLabel(o).length));
  const groups = new Map<string, string[]>();
  for (const o of all) {
    const key = o.group ?? 'options';
    groups.set(key, [...(groups.get(key) ?? []), `  ${optionLabel(o).padEnd(width)}  ${o.help}`]);
  }
  return [...groups].flatMap(([heading, lines]) => [`${heading}:`, ...lines]);
}

function synopsisLines(spec: CommandSpec): string[] {
  return (spec.synopsis ?? ['[options]']).map((s) => `${PROGRAM} ${spec.name} ${s}`);
}

export function formatUsage(spec: CommandUsage): string {
  const subs = spec.subcommands ?? [];
  const all = subs.length > 0 ? subs : [spec];
  const synopsis = all.flatMap(synopsisLines).map((l, i) => (i === 0 ? `usage: ${l}` : `       ${l}`));
  const lines = [...synopsis, '', spec.summary];
  if (subs.length === 0) {
    lines.push('', ...optionSections(spec.options));
    if (spec.notes !== undefined) lines.push('', spec.notes);
  } else {
    for (const sub of subs) {
      lines.push('', `${sub.name}: ${sub.summary}`, ...optionSections(sub.options));
      if (sub.notes !== undefined) lines.push(sub.notes);
    }
  }
  return lines.join('\n') + '\n';
}

/** The rows of `help`'s list: a command's sub-commands replace it. */
export function listEntries(spec: CommandUsage): { name: string; summary: string }[] {
  const subs = spec.subcommands ?? [];
  return (subs.length > 0 ? subs : [spec]).map((s) => ({ name: s.name, summary: s.summary }));
}
