/**
 * `npm run --silent cli -- evaluate --model FILE [--val-sets N] [--seed S] [--draws N] [--steps N] [--num-obs LIST] [--json]`
 *
 * Scores any network file (the app's, `train --save`'s, or one trained on the cluster by study.py) on fresh
 * validation sets simulated with the file's own simulator settings: the BayesFlow diagnostics and the
 * weighted metric sum L with the study's weights (the same code as a trial's objective: samplePosterior,
 * computeDiagnostics, weightedMetricSum), so a network's score can be checked outside the run that made it.
 * Defaults come from the file's study configuration (validation sets, posterior draws, integrator and
 * steps, weights), else BayesFlow's (100 sets, 1000 draws, Euler with 100 steps, weights 1/1/1).
 * With --json prints {"L", "NRMSE": {name: v}, "Posterior Contraction": {…}, "Calibration Error": {…}, …}.
 * With --num-obs the metrics at each listed trial count N instead (evaluate-num-obs.ts).
 */
import { readFile } from 'node:fs/promises';
import { UsageError, optFlag, optInt, optPositiveInt, optString, printJson } from '../args.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';
import { simulatorSettings } from '../../inference/index.ts';
import {
  computeDiagnostics,
  DEFAULT_METRIC_WEIGHTS,
  defaultNumObsList,
  parseNumObsList,
  tableToRecord,
  weightedMetricSum,
  type MetricWeights,
} from '../../metrics/index.ts';
import { parseNetworkFile, restoreNetwork, samplePosterior, selectBackend } from '../../nn/index.ts';
import { simulateBatch } from '../../sim/index.ts';
import { validateStudyConfig, type StudyConfig } from '../../study-config/index.ts';
import { errorMessage } from '../../shared/index.ts';
import { runNumObs } from './evaluate-num-obs.ts';

export const USAGE: CommandUsage = {
  name: 'evaluate',
  summary: 'score a network file on fresh validation sets: L and its three metrics',
  synopsis: ['--model FILE [options]'],
  options: [
    {
      name: 'model',
      value: 'FILE',
      help: 'network file (app download, train --save, or networks/ of a cluster run) (required)',
    },
    { name: 'val-sets', value: 'N', help: "validation sets to simulate (the study's, else 100)" },
    { name: 'seed', value: 'S', help: 'seed of the simulated sets and of the posterior draws (1)' },
    { name: 'draws', value: 'N', help: "posterior draws per set (the study's, else 1000)" },
    { name: 'steps', value: 'N', help: "integration steps of the flow (the study's, else 100)" },
    {
      name: 'num-obs',
      value: 'LIST',
      help: "metrics at each trial count N, e.g. 100,200,300,400,500 ('trained': five over the network's trained range)",
    },
    { name: 'json', help: 'print the result as one JSON object on the last line' },
  ],
  notes:
    "The sets come from the file's simulator settings (metadata.simulator or metadata.studyConfig); a file without them is refused.",
};

export interface EvaluateResult {
  L: number;
  NRMSE: Record<string, number>;
  'Posterior Contraction': Record<string, number>;
  'Calibration Error': Record<string, number>;
  valSets: number;
  draws: number;
  steps: number;
  integrator: 'euler' | 'rk4';
  seed: number;
  weights: MetricWeights;
  /** The value the file records for the run that made it (trial or final network), for comparison. */
  recordedL: number | null;
  backend: string;
}

function studyConfigOf(metadata: Record<string, unknown>): StudyConfig | null {
  if (metadata['studyConfig'] === undefined) return null;
  const v = validateStudyConfig(metadata['studyConfig']);
  return 'config' in v ? v.config : null;
}

export async function run(args: string[]): Promise<number> {
  const p = parseWithSpec(args, USAGE.options);
  const modelPath = optString(p, 'model');
  if (modelPath === undefined) throw new UsageError('evaluate needs --model FILE');
  let file;
  try {
    file = parseNetworkFile(await readFile(modelPath, 'utf8'));
  } catch (e) {
    throw new Error(`--model ${modelPath}: ${errorMessage(e)}`);
  }
  const settings = simulatorSettings(file.metadata);
  if (settings === null) {
    throw new Error(
      `--model ${modelPath}: the file carries no simulator settings (metadata.simulator or metadata.studyConfig), so there is nothing to simulate validation sets from`,
    );
  }
  const study = studyConfigOf(file.metadata);
  const valSets = optPositiveInt(p, 'val-sets', study?.data.validationSets ?? 100);
  const draws = optPositiveInt(p, 'draws', study?.diagnostics.posteriorDraws ?? 1000);
  const steps = optPositiveInt(p, 'steps', study?.diagnostics.integrationSteps ?? 100);
  const integrator = study?.diagnostics.integrator ?? 'euler';
  const seed = optInt(p, 'seed') ?? 1;
  const weights: MetricWeights = study?.weights ?? DEFAULT_METRIC_WEIGHTS;
  const names = file.metadata.paramNames;
  const batch = simulateBatch(settings.config, seed, valSets);
  if (batch.paramNames.length !== names.length || batch.paramNames.some((n, j) => n !== names[j])) {
    throw new Error(
      `--model ${modelPath}: the simulator settings give parameters [${batch.paramNames.join(', ')}], the network infers [${names.join(', ')}]`,
    );
  }

  const backend = await selectBackend('wasm', { strict: true });
  const numObsText = optString(p, 'num-obs');
  if (numObsText !== undefined) {
    const numObs = numObsText === 'trained' ? defaultNumObsList(settings.numObs) : parseNumObsList(numObsText);
    if (!Array.isArray(numObs)) throw new UsageError(`--num-obs ${numObsText}: ${numObs.error}`);
    const common = { valSets, draws, steps, integrator, seed, backend: backend.backend };
    return runNumObs({ file, settings, numObs, json: optFlag(p, 'json'), ...common });
  }
  const approx = await restoreNetwork(file);
  let out: Float32Array;
  try {
    out = await samplePosterior(approx, batch, approx.standardization!, {
      numSamples: draws,
      steps,
      method: integrator,
      seed,
    });
  } finally {
    approx.dispose();
  }
  const table = computeDiagnostics(out, batch.params, batch.n, draws, names.length, [...names]);
  const L = weightedMetricSum(table, weights);
  const recorded = file.metadata['L'];
  const result: EvaluateResult = {
    L,
    ...tableToRecord(table),
    valSets,
    draws,
    steps,
    integrator,
    seed,
    weights,
    recordedL: typeof recorded === 'number' ? recorded : null,
    backend: backend.backend,
  };
  if (optFlag(p, 'json')) printJson(result);
  else {
    process.stdout.write(
      `L = ${L.toFixed(4)} on ${valSets} fresh validation sets (seed ${seed}, ${draws} draws, ${integrator} ${steps} steps)${result.recordedL === null ? '' : `; the file records L = ${result.recordedL.toFixed(4)}`}\n`,
    );
    for (const row of ['NRMSE', 'Posterior Contraction', 'Calibration Error'] as const) {
      process.stdout.write(
        `  ${row.padEnd(22)} ${names.map((n) => `${n} ${result[row][n]!.toFixed(3)}`).join('  ')}\n`,
      );
    }
  }
  return 0;
}
