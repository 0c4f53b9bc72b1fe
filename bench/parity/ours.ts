/**
 * Our side of the learning-parity benchmark: `runObjective` on wasm, as `npm run cli -- train` drives
 * it, once per seed, then the final validation loss on the fixed (x0, t) draws of the data file,
 * computed with the trained network's own `loss` (dropout off) — the same quantity torch_parity.py
 * reports. Also the scoring of posterior draws shared by both sides.
 */
import * as tf from '@tensorflow/tfjs';
import {
  computeDiagnostics,
  tableToRecord,
  weightedMetricSum,
  type DiagnosticsRecord,
} from '../../src/metrics/index.ts';
import {
  restoreNetwork,
  runObjective,
  selectBackend,
  trialSpec,
  unstandardize,
  type Approximator,
  type TrialHyperparameters,
} from '../../src/nn/index.ts';
import type { ParityBudget } from './budget.ts';
import type { ParityData } from './setup.ts';

export interface ImplRun {
  seed: number;
  epochs: { loss: number; valLoss: number }[];
  /** Mean loss over validation sets × valReps fixed draws, dropout off. */
  finalValLoss: number;
  msPerStep: number;
  samplingS: number;
  metrics: DiagnosticsRecord;
  L: number;
}

export function hyperparameters(b: ParityBudget): TrialHyperparameters {
  return {
    dropout: b.dropout,
    lr: b.lr,
    numSeeds: b.numSeeds,
    batchSize: b.batchSize,
    embedDim: b.embedDim,
    summaryDim: b.summaryDim,
    epochs: b.epochs,
    posteriorDraws: b.posteriorDraws,
    integrationSteps: b.integrationSteps,
    integrator: 'euler',
  };
}

/** Diagnostics of draws on the standardized scale (n × S × P), as runObjective scores its own. */
export function scoreDraws(
  b: ParityBudget,
  data: ParityData,
  standardized: Float32Array,
): { metrics: DiagnosticsRecord; L: number } {
  const draws = unstandardize(standardized, data.standardization);
  const table = computeDiagnostics(
    draws,
    data.val.params,
    data.val.n,
    b.posteriorDraws,
    data.val.paramNames.length,
    data.val.paramNames,
  );
  return { metrics: tableToRecord(table), L: weightedMetricSum(table) };
}

/** Batch-size-weighted mean of the loss over the fixed draws, in data order (fit's validationLoss, other draws). */
export async function fixedValidationLoss(approx: Approximator, b: ParityBudget, data: ParityData): Promise<number> {
  const a = data.arrays;
  const n = b.valSets;
  const p = data.val.paramNames.length;
  const obs = a['val_trials']!.shape[1]!;
  let sum = 0;
  for (let k = 0; k < b.valReps; k++) {
    for (let from = 0; from < n; from += b.batchSize) {
      const to = Math.min(n, from + b.batchSize);
      const m = to - from;
      const loss = tf.tidy(() =>
        approx.loss(
          {
            summary: tf.tensor3d(a['val_trials']!.data.subarray(from * obs * 3, to * obs * 3), [m, obs, 3]),
            mask: null,
            sqrtNumObs: tf.tensor2d(a['val_cond']!.data.subarray(from, to), [m, 1]),
            x1: tf.tensor2d(a['val_x1']!.data.subarray(from * p, to * p), [m, p]),
            x0: tf.tensor2d(a['val_x0']!.data.subarray((k * n + from) * p, (k * n + to) * p), [m, p]),
            t: tf.tensor2d(a['val_t']!.data.subarray(k * n + from, k * n + to), [m, 1]),
          },
          false,
        ),
      );
      sum += (await loss.data())[0]! * m;
      loss.dispose();
    }
  }
  return sum / (n * b.valReps);
}

/** Our runs, one per seed, and the network's parameter count. */
export async function trainOurs(b: ParityBudget, data: ParityData): Promise<{ runs: ImplRun[]; parameters: number }> {
  await selectBackend('wasm', { strict: true });
  const runs: ImplRun[] = [];
  let parameters = 0;
  for (const seed of b.seeds) {
    const spec = trialSpec(hyperparameters(b), {
      seed,
      network: { standardizeCondition: b.standardizeCondition },
      keep: { network: { metadata: {} } },
    });
    const outcome = await runObjective(spec, data.train, data.val, {
      onEpoch: (r) => {
        process.stderr.write(
          `tfjs seed ${seed} epoch ${r.epoch + 1}/${r.epochs}: loss ${r.loss.toFixed(4)}, val_loss ${r.valLoss.toFixed(4)} (${(r.trainMs / 1000).toFixed(1)} s)\n`,
        );
      },
    });
    if (outcome.status !== 'complete')
      throw new Error(`parity: tfjs seed ${seed} stopped after epoch ${outcome.epoch + 1} unasked`);
    const r = outcome.result;
    const approx = await restoreNetwork(r.network!);
    let finalValLoss: number;
    try {
      finalValLoss = await fixedValidationLoss(approx, b, data);
    } finally {
      approx.dispose();
    }
    runs.push({
      seed,
      epochs: r.history.loss.map((loss, i) => ({ loss, valLoss: r.history.valLoss[i]! })),
      finalValLoss,
      msPerStep: r.msPerStep,
      samplingS: r.samplingMs / 1000,
      metrics: tableToRecord(r.table),
      L: r.L,
    });
    parameters = r.parameterCount;
    const c = r.table.values[1]!;
    const col = (name: string): number => c[r.table.names.indexOf(name)]!;
    process.stderr.write(
      `tfjs seed ${seed}: final val loss ${finalValLoss.toFixed(4)}, contraction b ${col('b').toFixed(3)}, mu_r ${col('mu_r').toFixed(3)}\n`,
    );
  }
  return { runs, parameters };
}
