/**
 * `npm run --silent cli -- <command> [options]`. Each command lives in src/cli/commands/<name>.ts and
 * exports `run(args: string[]): Promise<number>` (the exit code). With `--json` a command prints one
 * JSON object on the last line of stdout.
 */
const commands: Record<string, { file: string; summary: string }> = {
  simulate: { file: './commands/simulate.ts', summary: 'simulate DMC trials or data sets' },
  'ask-tell': { file: './commands/ask-tell.ts', summary: 'interactive ask/tell loop over stdin/stdout' },
  journal: { file: './commands/journal.ts', summary: 'Optuna journal tools (roundtrip IN OUT)' },
  metrics: { file: './commands/metrics.ts', summary: 'BayesFlow diagnostics from posterior draws' },
  train: { file: './commands/train.ts', summary: 'simulate, train and score a network in Node' },
  config: { file: './commands/config.ts', summary: 'study configuration (config default)' },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: npm run --silent cli -- <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const cmd = commands[name];
  if (cmd === undefined) {
    process.stderr.write(`unknown command '${name}'\n${usage()}`);
    return 2;
  }
  const mod = (await import(cmd.file)) as { run: (args: string[]) => Promise<number> };
  return mod.run(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
