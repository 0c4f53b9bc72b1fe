/**
 * Scores one network at several trial counts N (src/metrics/metrics-vs-n.ts): for each N, validation sets
 * simulated at exactly N trials, posterior draws, and the three diagnostics, as a trial's objective
 * computes them. The simulator is passed in (nn/ does not import sim/): the worker and the CLI give
 * `simulateRange(config, seed, 0, sets, N)`, so data set i has the same parameters at every N and
 * the curves compare like with like. Shared by the inference worker and `cli evaluate --num-obs`.
 */
import {
  computeDiagnostics,
  metricsVsNumObs,
  type MetricsAtNumObs,
  type MetricsVsNumObs,
} from '../../metrics/index.ts';
import type { SimBatch } from '../model/adapter.ts';
import type { IntegrationMethod } from '../networks/integrate.ts';
import { restoreNetwork } from '../networks/network-file-io.ts';
import type { NetworkFile } from '../model/network-file.ts';
import { samplePosterior } from './sample.ts';

export interface NumObsEvaluation {
  /** Trial counts to evaluate, in the order they run. */
  numObs: readonly number[];
  /** Posterior draws per validation set. */
  numSamples: number;
  steps: number;
  method: IntegrationMethod;
  /** Seed of the posterior draws (the simulator's seed is the caller's). */
  seed: number;
  signal?: AbortSignal;
  /** After every sampling chunk: N values done (fractional within the current N) of the total. */
  onProgress?: (done: number, total: number, numObs: number) => void;
}

export async function evaluateAtNumObs(
  file: NetworkFile,
  simulate: (numObs: number) => SimBatch | Promise<SimBatch>,
  opts: NumObsEvaluation,
): Promise<MetricsVsNumObs> {
  const names = [...file.metadata.paramNames];
  const approx = await restoreNetwork(file);
  const points: MetricsAtNumObs[] = [];
  try {
    const total = opts.numObs.length;
    for (const [k, numObs] of opts.numObs.entries()) {
      opts.signal?.throwIfAborted();
      const batch = await simulate(numObs);
      if (batch.paramNames.length !== names.length || batch.paramNames.some((n, j) => n !== names[j])) {
        throw new Error(
          `the simulator gives parameters [${batch.paramNames.join(', ')}], the network infers [${names.join(', ')}]`,
        );
      }
      const draws = await samplePosterior(approx, batch, approx.standardization!, {
        numSamples: opts.numSamples,
        steps: opts.steps,
        method: opts.method,
        seed: opts.seed,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (done, sets) => opts.onProgress?.(k + done / sets, total, numObs),
      });
      const table = computeDiagnostics(draws, batch.params, batch.n, opts.numSamples, names.length, names);
      points.push({ numObs, table });
    }
  } finally {
    approx.dispose();
  }
  return metricsVsNumObs(points);
}
