/**
 * The BayesFlow 2.0.5 side of the learning-parity benchmark (bench/reference/bayesflow_parity.py on the
 * project's .venv): our initial network at each seed is written as a network file and loaded into BayesFlow's
 * Keras variables by the cluster export's own mapping (dmc_network.py, generated here as the export generates
 * it), so both sides start from the same weights; BayesFlow trains with its own fit on the same data file.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VENV_PYTHON } from '../../scripts/python-env.mjs';
import { NETWORK_MODULE } from '../../src/cluster/index.ts';
import { networkPy } from '../../src/cluster/network-py.ts';
import { Approximator, serializeNetwork, trialNetworkConfig } from '../../src/nn/index.ts';
import { defaultStudyConfig } from '../../src/study-config/index.ts';
import type { ParityBudget } from './budget.ts';
import { fixedValidationLoss, hyperparameters } from './ours.ts';
import type { ParityData } from './setup.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'reference', 'bayesflow_parity.py');

export interface BayesflowOut {
  versions: Record<string, string>;
  parameters: number;
  runs: {
    seed: number;
    epochs: { loss: number; valLoss: number }[];
    /** Fixed-draw validation loss of the initial weights in BayesFlow: equal to ours if the mapping holds. */
    initialValLoss: number;
    finalValLoss: number;
    msPerStep: number;
    samplingS: number;
    drawsFile: string;
  }[];
  /** Ours on the same initial weights and draws, per seed (filled in by runBayesflow). */
  initialValLoss?: Record<number, number>;
}

/** Null when the .venv is missing (the benchmark then says so instead of failing). */
export function bayesflowAvailable(): boolean {
  return existsSync(VENV_PYTHON);
}

export async function runBayesflow(
  b: ParityBudget,
  data: ParityData,
  dataFile: string,
  dir: string,
): Promise<BayesflowOut> {
  await writeFile(path.join(dir, NETWORK_MODULE), networkPy(defaultStudyConfig()));
  const names = [...data.train.paramNames];
  const initialValLoss: Record<number, number> = {};
  for (const seed of b.seeds) {
    const approx = new Approximator(trialNetworkConfig(hyperparameters(b), names.length), {
      seed,
      standardization: data.standardization,
    });
    await writeFile(path.join(dir, `initial-seed${seed}.json`), JSON.stringify(await serializeNetwork(approx, names)));
    initialValLoss[seed] = await fixedValidationLoss(approx, b, data);
    approx.dispose();
  }
  const out = await new Promise<BayesflowOut>((resolve, reject) => {
    const child = spawn(VENV_PYTHON, [SCRIPT, dataFile, dir, dir], {
      env: { ...process.env, KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0)
        reject(
          new Error(
            `bayesflow_parity.py failed (${signal ?? `exit ${code}`}): ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as BayesflowOut);
    });
  });
  return { ...out, initialValLoss };
}
