/**
 * Minimal `--name value` / `--flag` parser shared by the CLI commands. Numbers are validated here so
 * every command reports bad input the same way: the option name and the value received.
 */
import { errorMessage } from '../shared/index.ts';

/**
 * The command line itself is wrong: an unknown or missing option, a value out of its range, a
 * contradiction between options. Exit 2. Anything else a command throws (a file that cannot be read
 * or holds invalid content, a journal that contradicts the arguments) is a failure: exit 1.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The exit code of an error a command threw; main.ts is the one place that applies it. */
export function exitCodeOf(err: unknown): 1 | 2 {
  return err instanceof UsageError ? 2 : 1;
}

/** What stderr shows for it: the message, plus the stack only when DEBUG is set (a failure is not a crash). */
export function errorText(err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = errorMessage(err);
  const stack = env['DEBUG'] && err instanceof Error && err.stack !== undefined ? `\n${err.stack}` : '';
  return `error: ${message}${stack}\n`;
}

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (eq >= 0) options.set(name, a.slice(eq + 1));
    else if (booleanFlags.includes(name)) options.set(name, true);
    else {
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && !/^--?\d/.test(v))) {
        throw new UsageError(`option --${name} needs a value`);
      }
      options.set(name, v);
      i++;
    }
  }
  return { positional, options };
}

export function optString(p: ParsedArgs, name: string): string | undefined {
  const v = p.options.get(name);
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v;
}

export function optNumber(p: ParsedArgs, name: string): number | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || Number.isNaN(x)) throw new UsageError(`option --${name}: '${v}' is not a number`);
  return x;
}

export function optInt(p: ParsedArgs, name: string): number | undefined {
  const x = optNumber(p, name);
  if (x !== undefined && !Number.isInteger(x)) throw new UsageError(`option --${name}: ${x} is not an integer`);
  return x;
}

/** An integer option that must be ≥ 1 (counts, sizes): `fallback` when absent. */
export function optPositiveInt(p: ParsedArgs, name: string, fallback: number): number;
export function optPositiveInt(p: ParsedArgs, name: string): number | undefined;
export function optPositiveInt(p: ParsedArgs, name: string, fallback?: number): number | undefined {
  const v = optInt(p, name) ?? fallback;
  if (v !== undefined && v < 1) throw new UsageError(`option --${name}: must be a positive integer, got ${v}`);
  return v;
}

/** A seed: an integer in 0..2³² − 1 (what the generators take), undefined when absent. */
export function optSeed(p: ParsedArgs, name = 'seed'): number | undefined {
  const v = optInt(p, name);
  if (v !== undefined && !(v >= 0 && v < 2 ** 32))
    throw new UsageError(`option --${name}: ${v} is not in 0..4294967295`);
  return v;
}

/** For a command that takes options only: a stray word is a usage error, not silently ignored. */
export function rejectPositional(p: ParsedArgs): void {
  if (p.positional.length > 0) throw new UsageError(`unexpected argument '${p.positional[0]}'`);
}

export function optFlag(p: ParsedArgs, name: string): boolean {
  return p.options.get(name) === true;
}

/** Rejects options the command does not know, naming them (a typo must not be silently ignored). */
export function rejectUnknown(p: ParsedArgs, known: readonly string[]): void {
  for (const k of p.options.keys()) {
    if (!known.includes(k))
      throw new UsageError(`unknown option --${k} (known: ${known.map((x) => '--' + x).join(', ')})`);
  }
}

/** Prints the result as the last line of stdout, JSON-safe (NaN/Infinity become null). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
