/**
 * `evaluate --num-obs 100,200,…`: the three diagnostics per parameter at each trial count N (validation
 * sets simulated at exactly N trials from the file's simulator settings, the same parameters at every N),
 * printed as a table of N rows, or with --json as {"numObs", "trainedNumObs", "names", "NRMSE": {name:
 * [value per N]}, "Posterior Contraction": {…}, "Calibration Error": {…}, …}.
 */
import { METRIC_ROWS, type MetricsVsNumObs } from '../../metrics/index.ts';
import { evaluateAtNumObs, type NetworkFile } from '../../nn/index.ts';
import { simulateRange } from '../../sim/index.ts';
import type { SimulatorSettings } from '../../inference/index.ts';
import { printJson } from '../args.ts';

export interface NumObsRun {
  file: NetworkFile;
  settings: SimulatorSettings;
  numObs: readonly number[];
  valSets: number;
  draws: number;
  steps: number;
  integrator: 'euler' | 'rk4';
  seed: number;
  backend: string;
  json: boolean;
}

export type NumObsJson = {
  numObs: number[];
  trainedNumObs: [number, number];
  names: string[];
  valSets: number;
  draws: number;
  steps: number;
  integrator: 'euler' | 'rk4';
  seed: number;
  backend: string;
} & Record<(typeof METRIC_ROWS)[number], Record<string, number[]>>;

export function numObsJson(result: MetricsVsNumObs, run: Omit<NumObsRun, 'file' | 'json' | 'numObs'>): NumObsJson {
  const out = {
    numObs: [...result.numObs],
    trainedNumObs: [...run.settings.numObs] as [number, number],
    names: [...result.names],
    valSets: run.valSets,
    draws: run.draws,
    steps: run.steps,
    integrator: run.integrator,
    seed: run.seed,
    backend: run.backend,
  } as NumObsJson;
  for (const row of METRIC_ROWS) {
    out[row] = Object.fromEntries(result.names.map((n, j) => [n, [...result.values[row][j]!]]));
  }
  return out;
}

export async function runNumObs(run: NumObsRun): Promise<number> {
  const { settings } = run;
  const result = await evaluateAtNumObs(
    run.file,
    (numObs) => simulateRange(settings.config, run.seed, 0, run.valSets, numObs),
    {
      numObs: run.numObs,
      numSamples: run.draws,
      steps: run.steps,
      method: run.integrator,
      seed: run.seed,
      onProgress: (done, total, n) => {
        if (!run.json && Number.isInteger(done)) process.stderr.write(`N = ${n} done (${done} of ${total})\n`);
      },
    },
  );
  if (run.json) {
    printJson(numObsJson(result, run));
    return 0;
  }
  const [lo, hi] = settings.numObs;
  process.stdout.write(
    `Metrics vs trial count N on ${run.valSets} validation sets per N (seed ${run.seed}, ${run.draws} draws, ${run.integrator} ${run.steps} steps); trained on N ${lo === hi ? `= ${lo}` : `${lo}–${hi}`}\n`,
  );
  const w = Math.max(8, ...result.names.map((n) => n.length + 1));
  for (const [r, row] of METRIC_ROWS.entries()) {
    process.stdout.write(
      `${r === 0 ? '' : '\n'}${row}\n${'N'.padStart(6)}${result.names.map((n) => n.padStart(w)).join('')}\n`,
    );
    result.numObs.forEach((n, k) => {
      const cells = result.names.map((_, j) => result.values[row][j]![k]!.toFixed(3).padStart(w));
      process.stdout.write(
        `${String(n).padStart(6)}${cells.join('')}${n < lo || n > hi ? '  (outside the trained range)' : ''}\n`,
      );
    });
  }
  return 0;
}
