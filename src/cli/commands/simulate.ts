/**
 * `npm run --silent cli -- simulate …`. Two forms:
 *
 *   simulate --A 20 --tau 150 --mu_c 0.5 --mu_r 300 --b 75 --sd_r 30 --trials 100000 --seed 7 --json
 *     one experiment with these parameters, `--trials` per condition; prints per-condition summaries
 *     {"congruent": S, "incongruent": S} (src/sim/summary.ts).
 *   simulate --prior notebook --datasets 2000 --obs 500 --workers 2 --seed 1 --json
 *     a batch from a prior of docs/design/simulator.md#prior on Node worker threads; prints
 *     {"datasets", "obs", "workers", "seconds", "msPerDataset"} (wall time of the simulation, measured
 *     after the workers have started).
 *
 * Both accept --tmax, --a, --sigma, --contamination and --start-point beta|zero. Bad options exit with 2
 * (a setting the simulator refuses counts as one: every setting comes from an option).
 */
import {
  UsageError,
  optFlag,
  optInt,
  optNumber,
  optPositiveInt,
  optString,
  parseArgs,
  printJson,
  rejectPositional,
  rejectUnknown,
  type ParsedArgs,
} from '../args.ts';
import {
  DmcConfigError,
  NOTEBOOK_CONFIG,
  PRIORS,
  configWithPrior,
  isPriorName,
  simulateTrials,
  summarizeConditions,
  validateDmcConfig,
  type ConditionSummary,
  type DmcConfig,
  type StartPoint,
  type TrialOptions,
} from '../../sim/index.ts';
import { NodeSimPool, defaultNodeWorkers } from '../../workers/node-sim-pool.ts';
import { formatNumber } from '../../plots/index.ts';
import { flagNames, optionNames, type CommandUsage, type OptionSpec } from '../usage.ts';

const PARAMS = ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'] as const;
const PARAM_HELP: Record<(typeof PARAMS)[number], string> = {
  A: 'amplitude of the automatic activation',
  tau: 'time constant of the automatic pulse (ms)',
  mu_c: 'drift of the controlled process (per ms)',
  mu_r: 'mean non-decision time (ms)',
  b: 'boundary, absorbing at +b and −b',
  sd_r: 'sd of the non-decision time (ms)',
};

const PARAM_OPTIONS: readonly OptionSpec[] = [
  ...PARAMS.map((name) => ({ name, value: 'X', help: `${PARAM_HELP[name]} (required)`, group: 'parameter form' })),
  { name: 'trials', value: 'N', help: 'trials per condition (100000)', group: 'parameter form' },
];
const PRIOR_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'prior',
    value: 'NAME',
    help: `prior of docs/design/simulator.md#prior: ${Object.keys(PRIORS).join(', ')} (required)`,
    group: 'prior form',
  },
  { name: 'datasets', value: 'N', help: 'data sets to simulate (1000)', group: 'prior form' },
  { name: 'obs', value: 'N', help: 'trials per data set (500)', group: 'prior form' },
  { name: 'workers', value: 'N', help: 'worker threads (cores − 1, at least 1)', group: 'prior form' },
];
const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'seed', value: 'S', help: 'seed (1)', group: 'both forms' },
  { name: 'tmax', value: 'MS', help: 'longest trial simulated (1500)', group: 'both forms' },
  { name: 'a', value: 'SHAPE', help: 'gamma shape of the automatic pulse (2)', group: 'both forms' },
  { name: 'sigma', value: 'SD', help: 'noise sd per √ms (4)', group: 'both forms' },
  { name: 'contamination', value: 'P', help: 'per-trial contamination probability (off)', group: 'both forms' },
  { name: 'start-point', value: 'beta|zero', help: 'start-point distribution (beta)', group: 'both forms' },
  { name: 'json', help: 'print the result as one JSON object on the last line', group: 'both forms' },
];
const PARAM_FORM = optionNames([...PARAM_OPTIONS, ...COMMON_OPTIONS]);
const PRIOR_FORM = optionNames([...PRIOR_OPTIONS, ...COMMON_OPTIONS]);

export const USAGE: CommandUsage = {
  name: 'simulate',
  summary: 'simulate DMC trials with given parameters, or data sets from a prior on worker threads',
  synopsis: ['--A X --tau X --mu_c X --mu_r X --b X --sd_r X [options]', '--prior NAME [options]'],
  options: [...PARAM_OPTIONS, ...PRIOR_OPTIONS, ...COMMON_OPTIONS],
  notes: 'The parameter form prints per-condition summaries; the prior form the simulation throughput.',
};

function trialOptions(p: ParsedArgs): Partial<TrialOptions> {
  const sp = optString(p, 'start-point');
  if (sp !== undefined && sp !== 'beta' && sp !== 'zero')
    throw new UsageError(`option --start-point: '${sp}' must be 'beta' or 'zero'`);
  const out: Partial<TrialOptions> = {};
  const tmax = optNumber(p, 'tmax');
  const a = optNumber(p, 'a');
  const sigma = optNumber(p, 'sigma');
  const contamination = optNumber(p, 'contamination');
  if (tmax !== undefined) out.tmax = tmax;
  if (a !== undefined) out.a = a;
  if (sigma !== undefined) out.sigma = sigma;
  if (contamination !== undefined) out.contamination = contamination;
  if (sp !== undefined) out.startPoint = sp as StartPoint;
  return out;
}

/** Milliseconds to a tenth, percentages to a hundredth: the resolution the simulator's SEs allow. */
const fmt = (x: number | null, decimals = 1): string => formatNumber(x, { decimals });

function describe(name: string, s: ConditionSummary): string {
  const q = s.quantilesCorrectMs;
  return `${name.padEnd(12)} n ${s.n}  correct RT ${fmt(s.meanRtCorrectMs)} ± ${fmt(s.sdRtCorrectMs)} ms  errors ${fmt(s.errorRate === null ? null : 100 * s.errorRate, 2)} %  error RT ${fmt(s.meanRtErrorMs)} ms  q10/30/50/70/90 ${[q['0.1'], q['0.3'], q['0.5'], q['0.7'], q['0.9']].map((v) => fmt(v, 0)).join('/')}  timeouts ${s.timeouts}`;
}

async function runParams(p: ParsedArgs): Promise<number> {
  rejectUnknown(p, PARAM_FORM);
  const params = {} as Record<(typeof PARAMS)[number], number>;
  for (const name of PARAMS) {
    const v = optNumber(p, name);
    if (v === undefined)
      throw new UsageError(`option --${name} is required (give all of ${PARAMS.map((n) => '--' + n).join(' ')})`);
    params[name] = v;
  }
  const trials = optPositiveInt(p, 'trials', 100_000);
  const seed = optInt(p, 'seed') ?? 1;
  const t = simulateTrials(params, 2 * trials, seed, trialOptions(p));
  const s = summarizeConditions(t.rt, t.accuracy, t.conditions);
  if (optFlag(p, 'json')) printJson(s);
  else process.stdout.write(`${describe('congruent', s.congruent)}\n${describe('incongruent', s.incongruent)}\n`);
  return 0;
}

async function runPrior(p: ParsedArgs): Promise<number> {
  rejectUnknown(p, PRIOR_FORM);
  const name = optString(p, 'prior')!;
  if (!isPriorName(name))
    throw new UsageError(`option --prior: '${name}' is not a known prior (${Object.keys(PRIORS).join(', ')})`);
  const datasets = optPositiveInt(p, 'datasets', 1000);
  const workers = optPositiveInt(p, 'workers', defaultNodeWorkers());
  const seed = optInt(p, 'seed') ?? 1;
  const obs = optPositiveInt(p, 'obs');
  const config: DmcConfig = validateDmcConfig({
    ...configWithPrior(name, NOTEBOOK_CONFIG),
    ...trialOptions(p),
    ...(obs !== undefined ? { fixedNumObs: obs } : {}),
  });
  const pool = new NodeSimPool({ workers });
  try {
    await pool.warmUp();
    const t0 = performance.now();
    const batch = await pool.simulate(config, seed, datasets);
    const seconds = (performance.now() - t0) / 1000;
    const out = { datasets, obs: batch.numObs, workers, seconds, msPerDataset: (1000 * seconds) / datasets };
    if (optFlag(p, 'json')) printJson(out);
    else
      process.stdout.write(
        `${datasets} data sets × ${batch.numObs} trials on ${workers} worker(s): ${seconds.toFixed(3)} s, ${out.msPerDataset.toFixed(3)} ms per data set\n`,
      );
  } finally {
    pool.dispose();
  }
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, flagNames(USAGE.options));
  rejectPositional(p);
  const hasParams = PARAMS.some((n) => p.options.has(n));
  if (p.options.has('prior') && hasParams)
    throw new UsageError('give either --prior or the parameters --A … --sd_r, not both');
  try {
    if (p.options.has('prior')) return await runPrior(p);
    if (hasParams || p.options.has('trials')) return await runParams(p);
  } catch (err) {
    // Every simulator setting comes from an option here, so a setting the simulator refuses is a usage error.
    if (err instanceof DmcConfigError) throw new UsageError(err.message);
    throw err;
  }
  throw new UsageError('give the parameters --A --tau --mu_c --mu_r --b --sd_r, or --prior NAME');
}
