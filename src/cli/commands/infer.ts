/**
 * `npm run --silent cli -- infer --model MODEL.json --data FILE [--draws 1000] [--steps 100] [--ppc]
 *   [--ppc-draws 100] [--seed 1] [--json]`
 *
 * Posteriors for the participants of a trial-level data file (DMCfun text files, amortized-dmc CSVs, or
 * any file whose columns are detected the same way as in the app) from a trained network file, with the
 * out-of-range warnings; with --ppc, posterior predictive RT quantiles per condition next to the
 * observed ones. Prints {participants: {id: {param: {mean, sd, median, hdi95}, warnings, [ppc]}}}.
 */
import { readFile } from 'node:fs/promises';
import { UsageError, optFlag, optInt, optPositiveInt, optString, printJson } from '../args.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';
import {
  DEFAULT_RULES,
  formatIssue,
  importTrials,
  resultsJson,
  runInference,
  simulatorSettings,
  type ColumnMapping,
  type InferenceSimulator,
} from '../../inference/index.ts';
import { parseNetworkFile, sampleObserved, selectBackend } from '../../nn/index.ts';
import { simulateBatch } from '../../sim/index.ts';
import { errorMessage } from '../../shared/index.ts';

export const USAGE: CommandUsage = {
  name: 'infer',
  summary: 'posteriors (and predictive checks) for the participants of a data file',
  options: [
    { name: 'model', value: 'MODEL.json', help: 'trained network file (app download or train --save)' },
    { name: 'data', value: 'FILE', help: 'trial-level data: tab/comma separated, one trial per line' },
    { name: 'draws', value: 'N', help: 'posterior draws per participant (1000)' },
    { name: 'steps', value: 'N', help: 'integration steps of the flow (100)' },
    { name: 'seed', value: 'S', help: 'seed of the draws and the simulations (1)' },
    { name: 'ppc', help: 'posterior predictive RT quantiles per condition' },
    { name: 'ppc-draws', value: 'N', help: 'posterior draws simulated for --ppc (100)' },
    { name: 'rt-unit', value: 's|ms', help: 'override the detected RT unit' },
    { name: 'congruent', value: 'VALUE', help: 'override which condition value is congruent' },
    { name: 'json', help: 'print the result as one JSON object on the last line' },
  ],
  notes:
    'Columns are detected by name (participant/Subject, rt/RT, accuracy or Error, congruency_num/Comp); extra columns with few values (e.g. spacing_num) group the inference.',
};

export async function run(args: string[]): Promise<number> {
  const p = parseWithSpec(args, USAGE.options);
  const modelPath = optString(p, 'model');
  const dataPath = optString(p, 'data');
  if (modelPath === undefined || dataPath === undefined)
    throw new UsageError('infer needs --model MODEL.json and --data FILE');
  const draws = optPositiveInt(p, 'draws', 1000);
  const steps = optPositiveInt(p, 'steps', 100);
  const ppcDraws = optPositiveInt(p, 'ppc-draws', 100);
  const seed = optInt(p, 'seed') ?? 1;
  const unit = optString(p, 'rt-unit');
  if (unit !== undefined && unit !== 's' && unit !== 'ms')
    throw new UsageError(`option --rt-unit: expected s or ms, got '${unit}'`);
  const congruent = optString(p, 'congruent');

  let file;
  try {
    file = parseNetworkFile(await readFile(modelPath, 'utf8'));
  } catch (e) {
    throw new Error(`--model ${modelPath}: ${errorMessage(e)}`);
  }
  const tmaxMs = simulatorSettings(file.metadata)?.config.tmax ?? DEFAULT_RULES.tmaxMs;
  const override: Partial<ColumnMapping> = {
    ...(unit ? { rtUnit: unit } : {}),
    ...(congruent ? { congruentValue: congruent } : {}),
  };
  const { result } = importTrials(await readFile(dataPath, 'utf8'), { ...DEFAULT_RULES, tmaxMs }, override);
  if (!result.ok) throw new Error(`--data ${dataPath}:\n  ${result.issues.map(formatIssue).join('\n  ')}`);
  const data = result.data;
  if (data.excluded.lines.length > 0)
    process.stderr.write(`excluded ${data.excluded.lines.length} trials: ${data.excluded.rule}\n`);

  await selectBackend('wasm', { strict: true });
  // The simulations run here, one after another: simulateBatch gives the pool's data sets bit for bit.
  const simulator: InferenceSimulator = { simulate: async (config, s, n) => simulateBatch(config, s, n) };
  const { results, networkWarnings: netWarnings } = await runInference(
    simulator,
    (participants, opts) => sampleObserved(file, participants, opts),
    {
      participants: data.participants,
      metadata: file.metadata,
      draws,
      steps,
      seed,
      ...(optFlag(p, 'ppc') ? { ppcDraws } : {}),
    },
  );
  // Said once, on stderr (the JSON on stdout keeps its shape): the network has not learned, the data's
  // trial counts lie outside its range, or draws fall outside the prior.
  for (const w of netWarnings) process.stderr.write(`warning: ${w.title}. ${w.message} Fix: ${w.fix}\n`);
  const json = resultsJson(results, optFlag(p, 'ppc'));
  if (optFlag(p, 'json')) printJson(json);
  else {
    for (const r of results) {
      process.stdout.write(`${r.id} (${r.trials} trials)\n`);
      for (const [name, s] of Object.entries(r.summaries)) {
        process.stdout.write(
          `  ${name.padEnd(5)} mean ${s.mean.toFixed(3)}  sd ${s.sd.toFixed(3)}  median ${s.median.toFixed(3)}  95% HDI [${s.hdi95[0].toFixed(3)}, ${s.hdi95[1].toFixed(3)}]\n`,
        );
      }
      for (const w of r.warnings) process.stdout.write(`  warning: ${w.message}\n`);
    }
  }
  return 0;
}
