/**
 * Batches of simulated data sets (docs/design/simulator.md#data-sets-and-batches). Determinism contract: data set i of
 * a batch draws its parameters and trials from `Rng.stream(seed, i)` only, and num_obs comes from the
 * batch stream `Rng.stream(seed, NUM_OBS_STREAM)`. A batch is therefore bit-identical however it is cut
 * into chunks or spread over workers (`simulateRange` on any partition, concatenated, = `simulateBatch`).
 * Bit identity holds within one JavaScript engine (Node and Chromium share V8); another engine may round
 * Math.exp/log differently in the last place and so produce a different, equally valid stream.
 */
import { Rng, stateFromRng } from '../shared/index.ts';
import { DmcConfigError, batchParamNames, validateDmcConfig, validateDmcParams } from './config.ts';
import { DmcKernel, type TrialOptions } from './kernel.ts';
import { drawPrior } from './prior.ts';
import type { DmcBatch, DmcConfig, DmcParams, DmcTrials } from './types.ts';

/** Stream index reserved for batch-level draws (num_obs); data sets use 0, 1, 2, … */
export const NUM_OBS_STREAM = -1;

function checkSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isFinite(seed))
    throw new DmcConfigError('seed', seed, 'must be a finite number');
}

function checkCount(field: string, v: number, min: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new DmcConfigError(field, v, `must be an integer ≥ ${min}`);
}

/** Trials per data set: fixedNumObs, or one uniform draw from {min..max} shared by the whole batch. */
export function drawNumObs(config: DmcConfig, seed: number): number {
  checkSeed(seed);
  if (config.fixedNumObs !== null) return config.fixedNumObs;
  return Rng.stream(seed, NUM_OBS_STREAM).int(config.minNumObs, config.maxNumObs);
}

/**
 * Data sets start … start+count−1 of the batch (seed, numObs); the building block of chunked and parallel
 * simulation. `numObs` must be the batch's value (`drawNumObs`).
 */
export function simulateRange(config: DmcConfig, seed: number, start: number, count: number, numObs: number): DmcBatch {
  const c = validateDmcConfig(config);
  checkSeed(seed);
  checkCount('start', start, 0);
  checkCount('count', count, 0);
  checkCount('numObs', numObs, 1);
  const paramNames = batchParamNames(c);
  const P = paramNames.length;
  const params = new Float64Array(count * P);
  const rt = new Float32Array(count * numObs);
  const accuracy = new Float32Array(count * numObs);
  const conditions = new Float32Array(count * numObs);
  const kernel = new DmcKernel(c);
  for (let d = 0; d < count; d++) {
    const st = stateFromRng(Rng.stream(seed, start + d));
    const theta = drawPrior(c, st, params, d * P);
    kernel.run(theta, numObs, st, rt, accuracy, conditions, d * numObs);
  }
  return { n: count, numObs, paramNames, params, rt, accuracy, conditions };
}

/** The buffers of a batch, for a zero-copy transfer between threads. */
export function batchBuffers(batch: DmcBatch): ArrayBuffer[] {
  return [batch.params.buffer, batch.rt.buffer, batch.accuracy.buffer, batch.conditions.buffer] as ArrayBuffer[];
}

/** n data sets on the calling thread; the worker pools return exactly this batch. */
export function simulateBatch(config: DmcConfig, seed: number, n: number): DmcBatch {
  const c = validateDmcConfig(config);
  checkCount('n', n, 0);
  return simulateRange(c, seed, 0, n, drawNumObs(c, seed));
}

/**
 * One experiment with explicit parameters (no prior): numObs trials, the first ceil(numObs/2) congruent,
 * drawn from `Rng.stream(seed, 0)`. Options default to the notebook's (tmax 1500, a 2, sigma 4, Beta start).
 */
export function simulateTrials(
  params: DmcParams,
  numObs: number,
  seed: number,
  options: Partial<TrialOptions> = {},
): DmcTrials {
  const p = validateDmcParams(params);
  checkSeed(seed);
  checkCount('numObs', numObs, 1);
  // reuse the configuration validator for the options so both paths reject the same inputs
  const c = validateDmcConfig({
    paramNames: ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'],
    priorMeans: [p.A, p.tau, p.mu_c, p.mu_r, p.b, p.sd_r],
    priorSds: [1, 1, 1, 1, 1, 1],
    sdrFixed: null,
    tmax: options.tmax ?? 1500,
    a: options.a ?? 2,
    sigma: options.sigma ?? 4,
    startPoint: options.startPoint ?? 'beta',
    fixedNumObs: numObs,
    minNumObs: 1,
    maxNumObs: numObs,
    contamination: options.contamination ?? null,
  });
  const rt = new Float32Array(numObs);
  const accuracy = new Float32Array(numObs);
  const conditions = new Float32Array(numObs);
  new DmcKernel(c).run(p, numObs, stateFromRng(Rng.stream(seed, 0)), rt, accuracy, conditions, 0);
  return { numObs, rt, accuracy, conditions };
}
