/**
 * `npm run --silent cli -- <command> [options]`. Each command lives in src/cli/commands/<name>.ts and
 * exports `USAGE` (its options and help text, see usage.ts) and `run(args: string[]): Promise<number>`
 * (the exit code of a run that did not throw). With `--json` a command prints one JSON object on the
 * last line of stdout.
 *
 * `-h`/`--help` anywhere after a command, and `help [command [sub-command]]`, are answered here from
 * `USAGE` before the command runs, so asking for help never starts a simulation, a training run or a
 * read of stdin.
 *
 * Exit codes are decided here and nowhere else: a command throws `UsageError` for a bad command line
 * (exit 2, like no command at all) and any other error for a failure (exit 1); both print one
 * `error:` line, with the stack only under DEBUG.
 */
import { errorText, exitCodeOf, UsageError } from './args.ts';
import { ensureNodeWebgpu } from '../nn/node/index.ts';
import { formatUsage, isHelpFlag, listEntries, PROGRAM, type CommandSpec, type CommandUsage } from './usage.ts';

interface CommandModule {
  USAGE: CommandUsage;
  run(args: string[]): Promise<number>;
}

// Loaded on demand: train pulls in tfjs, which the other commands should not pay for.
const commands: Record<string, () => Promise<CommandModule>> = {
  simulate: () => import('./commands/simulate.ts'),
  'ask-tell': () => import('./commands/ask-tell.ts'),
  journal: () => import('./commands/journal.ts'),
  metrics: () => import('./commands/metrics.ts'),
  importances: () => import('./commands/importances.ts'),
  train: () => import('./commands/train.ts'),
  config: () => import('./commands/config.ts'),
  'export-cluster': () => import('./commands/export-cluster.ts'),
  infer: () => import('./commands/infer.ts'),
  evaluate: () => import('./commands/evaluate.ts'),
};

const HELP_ENTRY = { name: 'help [COMMAND]', summary: "this list, or a command's usage (same as COMMAND -h)" };

async function commandList(): Promise<string> {
  const mods = await Promise.all(Object.values(commands).map((load) => load()));
  const entries = [...mods.flatMap((m) => listEntries(m.USAGE)), HELP_ENTRY];
  const width = Math.max(...entries.map((e) => e.name.length));
  const lines = entries.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`);
  return `usage: ${PROGRAM} <command> [options]\n       ${PROGRAM} <command> -h\n\ncommands:\n${lines.join('\n')}\n`;
}

function unknownCommand(name: string): UsageError {
  return new UsageError(`unknown command '${name}'; '${PROGRAM} help' lists the commands`);
}

/** With `-h` among a command's arguments: a sub-command's usage when one is named, else the command's. */
function specFor(usage: CommandUsage, args: readonly string[]): CommandSpec {
  return (usage.subcommands ?? []).find((sub) => args.includes(subWord(usage, sub))) ?? usage;
}

function subWord(usage: CommandUsage, sub: CommandSpec): string {
  return sub.name.slice(usage.name.length + 1);
}

async function help(topic: readonly string[]): Promise<number> {
  const [name, word, ...more] = topic;
  if (name === undefined || name === 'help' || isHelpFlag(name)) {
    process.stdout.write(await commandList());
    return 0;
  }
  const load = commands[name];
  if (load === undefined) throw unknownCommand(name);
  const { USAGE } = await load();
  const sub = (USAGE.subcommands ?? []).find((s) => subWord(USAGE, s) === word);
  if ((word !== undefined && sub === undefined) || more.length > 0) {
    throw new UsageError(`'${name}' has no sub-command '${[word, ...more].join(' ')}'; see '${PROGRAM} help ${name}'`);
  }
  process.stdout.write(formatUsage(sub ?? USAGE));
  return 0;
}

/**
 * `--backend webgpu` needs Dawn's navigator.gpu before the command module loads tfjs (tfjs-backend-webgpu
 * registers itself on import only where navigator.gpu exists). Without a GPU driver this may start the
 * process again with SwiftShader (src/nn/node/), which then runs the command.
 */
async function installWebgpuIfAsked(args: readonly string[]): Promise<void> {
  const at = args.indexOf('--backend');
  const backend = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--backend='))?.slice('--backend='.length);
  if (backend !== 'webgpu') return;
  const gpu = await ensureNodeWebgpu();
  process.stderr.write(`webgpu: Dawn on ${gpu.detail}\n`);
}

/** The command being run, for the usage hint after its usage error. */
let running: string | undefined;

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined) {
    process.stderr.write(await commandList());
    return 2;
  }
  if (name === 'help' || isHelpFlag(name)) return help(rest);
  const load = commands[name];
  if (load === undefined) throw unknownCommand(name);
  if (!rest.some(isHelpFlag)) await installWebgpuIfAsked(rest);
  const mod = await load();
  running = name;
  if (rest.some(isHelpFlag)) {
    process.stdout.write(formatUsage(specFor(mod.USAGE, rest)));
    return 0;
  }
  return mod.run(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const hint = err instanceof UsageError && running !== undefined ? `see '${PROGRAM} ${running} -h'\n` : '';
    process.stderr.write(errorText(err) + hint);
    process.exitCode = exitCodeOf(err);
  },
);
