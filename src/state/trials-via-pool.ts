/**
 * One experiment with chosen parameters, simulated by the data-set pool (src/workers/sim-pool.ts) so it
 * gets the pool's chunking, progress and cancel. The pool draws each data set's parameters from a prior;
 * a prior with sd 0 is a point mass at its mean (src/sim/types.ts, `priorSds`), so every data set uses
 * exactly the chosen parameters. The experiment is cut into data sets of at most 2·1000 trials; since
 * trials are independent given the parameters, their union is distributed as one experiment of that
 * size, and a fixed (seed, trials) gives the same data whatever the worker count.
 */
import type { DmcBatch, DmcConfig, DmcTrials } from '../sim/index.ts';
import type { TrialsRequest, TrialsSimulator } from './simulation-run.svelte.ts';

export interface BatchPool {
  simulate(
    config: DmcConfig,
    seed: number,
    n: number,
    opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<DmcBatch>;
  /** Data sets start … start+n−1 of `seed` with numObs trials each (online batches, src/sim/online.ts). */
  simulateRange?(
    config: DmcConfig,
    seed: number,
    start: number,
    n: number,
    numObs: number,
    opts?: { signal?: AbortSignal },
  ): Promise<DmcBatch>;
}

/** Trials per condition in one data set of the split. */
export const PER_SET = 1000;

export function splitPlan(trialsPerCondition: number): { sets: number; perCondition: number } {
  const sets = Math.ceil(trialsPerCondition / PER_SET);
  return { sets, perCondition: Math.ceil(trialsPerCondition / sets) };
}

export function pointMassConfig(req: TrialsRequest, perCondition: number): DmcConfig {
  const p = req.params;
  // sd_r = 0 is the reference's sdr_fixed case (constant non-decision time), not a prior entry.
  const sdrFixed = p.sd_r === 0 ? 0 : null;
  const means = [p.A, p.tau, p.mu_c, p.mu_r, p.b];
  if (sdrFixed === null) means.push(p.sd_r);
  return {
    paramNames: (['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'] as const).slice(0, means.length),
    priorMeans: means,
    priorSds: means.map(() => 0),
    sdrFixed,
    tmax: req.tmax,
    a: 2,
    sigma: 4,
    startPoint: 'beta',
    fixedNumObs: 2 * perCondition,
    minNumObs: 1,
    maxNumObs: 2 * perCondition,
    contamination: null,
  };
}

/**
 * Gathers exactly `trialsPerCondition` trials of each condition from the batch (data set order), congruent
 * first, as one experiment is laid out (docs/design/simulator.md#data-sets-and-batches).
 */
export function mergeExperiment(batch: DmcBatch, trialsPerCondition: number): DmcTrials {
  const N = batch.numObs;
  const half = Math.ceil(N / 2);
  const total = 2 * trialsPerCondition;
  const rt = new Float32Array(total);
  const accuracy = new Float32Array(total);
  const conditions = new Float32Array(total);
  conditions.fill(1, trialsPerCondition);
  const copy = (cond: 0 | 1, offset: number): void => {
    let k = 0;
    for (let i = 0; i < batch.n && k < trialsPerCondition; i++) {
      const from = i * N + (cond === 0 ? 0 : half);
      const take = Math.min(cond === 0 ? half : N - half, trialsPerCondition - k);
      rt.set(batch.rt.subarray(from, from + take), offset + k);
      accuracy.set(batch.accuracy.subarray(from, from + take), offset + k);
      k += take;
    }
    if (k !== trialsPerCondition)
      throw new Error(
        `the pool returned ${k} ${cond === 0 ? 'congruent' : 'incongruent'} trials, expected ${trialsPerCondition}`,
      );
  };
  copy(0, 0);
  copy(1, trialsPerCondition);
  return { numObs: total, rt, accuracy, conditions };
}

export function trialsViaPool(pool: BatchPool): TrialsSimulator {
  return async (req, { signal, onProgress }) => {
    const { sets, perCondition } = splitPlan(req.trialsPerCondition);
    const total = 2 * req.trialsPerCondition;
    const batch = await pool.simulate(pointMassConfig(req, perCondition), req.seed, sets, {
      signal,
      onProgress: (done) => onProgress(Math.min(total, done * 2 * perCondition), total),
    });
    return mergeExperiment(batch, req.trialsPerCondition);
  };
}
