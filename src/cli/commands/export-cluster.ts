/**
 * `npm run --silent cli -- export-cluster --config STUDY.json [--journal FILE] --out DIR` writes the
 * files that let Optuna workers on a cluster continue the study (src/cluster): study.py, the NumPy
 * simulator, the journal so far, the study's training and validation sets (.npz), README.md and a Slurm script. DIR may exist but must not hold any of
 * those files already, so an export never overwrites a journal that workers have grown.
 */
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { clusterData, clusterExport, type ClusterOptions } from '../../cluster/index.ts';
import { simulateBatch } from '../../sim/index.ts';
import { formatIssues, parseStudyConfig } from '../../study-config/index.ts';
import { UsageError, optFlag, optString, printJson, rejectPositional } from '../args.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';

export const USAGE: CommandUsage = {
  name: 'export-cluster',
  summary: 'write study.py, a NumPy simulator, the journal and a README for Optuna workers on a cluster',
  synopsis: ['--config STUDY.json [--journal FILE] --out DIR [options]'],
  options: [
    { name: 'config', value: 'FILE', help: 'the study configuration (config default prints one)' },
    { name: 'journal', value: 'FILE', help: "the study's Optuna journal so far (default: a new study)" },
    { name: 'out', value: 'DIR', help: 'folder for the files (created if missing)' },
    {
      name: 'simulator',
      value: 'numpy|amortized-dmc',
      help: "the project's NumPy simulator or simschaefer/amortized-dmc's DMC (numpy)",
    },
    {
      name: 'network',
      value: 'project|reference',
      help: "dropout and embed_dim applied, or the reference notebook's effective networks (the study's network option)",
    },
    { name: 'json', help: 'print {out, files, trialsCarried} as one JSON object' },
  ],
  notes: 'The cluster side: see the README.md written into DIR. Existing files in DIR are never overwritten (exit 1).',
};

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} ${file}: ${(e as Error).message}`);
  }
}

function choice<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`option --${name}: '${value}' is not ${allowed.join(' or ')}`);
  return value as T;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseWithSpec(argv, USAGE.options);
  rejectPositional(p);
  const configFile = optString(p, 'config');
  const out = optString(p, 'out');
  if (configFile === undefined || out === undefined)
    throw new UsageError('export-cluster needs --config FILE and --out DIR');
  const parsed = parseStudyConfig(await readText(configFile, 'configuration'));
  if ('errors' in parsed)
    throw new Error(`${configFile} is not a valid study configuration:\n${formatIssues(parsed.errors)}`);
  // A study that trains the reference network goes to the cluster as one, unless told otherwise.
  const studyNetwork = parsed.config.network?.variant === 'reference' ? 'reference' : 'project';
  const options: ClusterOptions = {
    simulator: choice(optString(p, 'simulator'), 'simulator', ['numpy', 'amortized-dmc'], 'numpy'),
    network: choice(optString(p, 'network'), 'network', ['project', 'reference'], studyNetwork),
  };
  const journalFile = optString(p, 'journal');
  const journal = journalFile === undefined ? null : await readText(journalFile, 'journal');
  // The study's own training and validation sets, exactly as the browser simulates them from its seed.
  const data = await clusterData(parsed.config, simulateBatch);
  const result = clusterExport(parsed.config, journal, options, data);
  await mkdir(out, { recursive: true });
  const clashes = [];
  for (const f of result.files) {
    const target = path.join(out, f.path);
    if (
      await access(target).then(
        () => true,
        () => false,
      )
    )
      clashes.push(target);
  }
  if (clashes.length > 0) throw new Error(`not overwriting ${clashes.join(', ')}: choose an empty --out folder`);
  for (const f of result.files) {
    const target = path.join(out, f.path);
    await writeFile(target, f.content, { flag: 'wx' });
    if (f.executable === true) await chmod(target, 0o755);
  }
  const summary = {
    out,
    files: result.files.map((f) => f.path),
    trialsCarried: result.trialsCarried,
    trialsLeftOut: result.trialsLeftOut,
  };
  if (optFlag(p, 'json')) printJson(summary);
  else {
    process.stdout.write(
      `wrote ${summary.files.join(', ')} to ${out} (${result.trialsCarried} finished trial(s) carried`,
    );
    process.stdout.write(result.trialsLeftOut > 0 ? `, ${result.trialsLeftOut} unfinished left out)\n` : ')\n');
    process.stdout.write(`next: cd ${out} && python3 study.py --dry-run --n-trials 3 --storage journal:dry-run.log\n`);
  }
  return 0;
}
