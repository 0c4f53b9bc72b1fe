/**
 * `npm run bench`: runs every benchmark module and prints one JSON object with the machine it ran on.
 * Each module exports `run(args): Promise<Record<string, unknown>>`. Select some with `npm run bench -- sim`;
 * arguments that are not module names (`npm run bench -- nn --batch 8`) go to the modules selected.
 */
import os from 'node:os';

const modules: Record<string, string> = {
  sim: './sim.bench.ts',
  sampler: './sampler.bench.ts',
  nn: './nn.bench.ts',
  torch: './torch.bench.ts',
  parity: './parity.bench.ts',
  memory: './memory.bench.ts',
  kernels: './wasm-kernels.ts',
  infer: './infer.bench.ts',
  threads: './threads.bench.ts',
  peak: './wasm-peak.ts',
};
/** Run only when named (`npm run bench -- parity`): minutes to hours, not for a bare `npm run bench`. */
const ONLY_WHEN_NAMED = new Set(['parity', 'memory', 'kernels', 'infer', 'threads', 'peak']);

const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const wanted = firstFlag < 0 ? args : args.slice(0, firstFlag);
const moduleArgs = firstFlag < 0 ? [] : args.slice(firstFlag);
const result: Record<string, unknown> = {
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  },
  date: new Date().toISOString(),
};
for (const [name, file] of Object.entries(modules)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  if (wanted.length === 0 && ONLY_WHEN_NAMED.has(name)) continue;
  const mod = (await import(file)) as { run: (args: readonly string[]) => Promise<Record<string, unknown>> };
  process.stderr.write(`bench: ${name} …\n`);
  result[name] = await mod.run(moduleArgs);
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
