/**
 * Types of the DMC simulator (docs/design/simulator.md). Parameter names and units: #parameters there.
 */

/** DMC parameters. Prior mapping is positional in this order; `sd_r` only when `sdrFixed` is null. */
export type ParamName = 'A' | 'tau' | 'mu_c' | 'mu_r' | 'b' | 'sd_r';

/** Positional order of the prior vector and inference order of `DmcBatch.params` columns. */
export const PARAM_ORDER: readonly ParamName[] = ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'];

/** Start point of the evidence accumulator: the reference's b·(2·Beta(3,3) − 1), or 0 (DMCfun spDist = 0). */
export type StartPoint = 'beta' | 'zero';

/**
 * Simulator configuration; the reference `DMC(...)` options in camelCase. Validate untrusted input
 * with `validateDmcConfig` (src/sim/config.ts).
 */
export interface DmcConfig {
  /** Names of the prior entries, positional: a prefix of A, tau, mu_c, mu_r, b, sd_r (5 or 6 names). */
  paramNames: ParamName[];
  /** Means of the normals truncated at 0, one per name. */
  priorMeans: number[];
  /** Standard deviations of those normals (≥ 0; 0 fixes the parameter at its mean). */
  priorSds: number[];
  /** null: sd_r is drawn from the 6th prior entry. Any number: sd_r = 0 (the value itself is unused). */
  sdrFixed: number | null;
  /** Last time step in ms (grid t = 1..tmax). */
  tmax: number;
  /** Shape of the gamma-shaped automatic pulse, > 1 (reference `a_value`, default 2). */
  a: number;
  /** Noise sd per √ms (default 4). */
  sigma: number;
  /** Start point distribution (default 'beta', the reference; 'zero' only for DMCfun comparisons). */
  startPoint: StartPoint;
  /** Trials per data set when set (≥ 1); null: numObs ~ U{minNumObs..maxNumObs}, drawn once per batch. */
  fixedNumObs: number | null;
  minNumObs: number;
  maxNumObs: number;
  /** Per-trial contamination probability; null or 0 = off. */
  contamination: number | null;
}

/** One parameter vector, in ms / evidence units. */
export interface DmcParams {
  A: number;
  tau: number;
  mu_c: number;
  mu_r: number;
  b: number;
  sd_r: number;
}

/**
 * A batch of n simulated data sets of N = numObs trials each, columnar and row-major, so every array is a
 * single transferable buffer. It mirrors the reference's output dict:
 *
 * | reference key (shape)                  | here                                                     |
 * |----------------------------------------|----------------------------------------------------------|
 * | A, tau, mu_c, mu_r, b[, sd_r]  (n, 1)  | `params[i*P + j]`, P = paramNames.length, column j = paramNames[j] |
 * | rt (n, N, 1) float64, seconds          | `rt[i*N + k]` (float32); −1 = no bound hit by tmax        |
 * | accuracy (n, N, 1) float64             | `accuracy[i*N + k]`: 1 correct, 0 error, −1 no crossing   |
 * | conditions (n, N, 1) int64             | `conditions[i*N + k]`: 0 congruent (first ceil(N/2)), 1 incongruent |
 * | num_obs (n, 1) int64                   | `numObs` (the same for every data set of a batch)          |
 *
 * Columns follow the inference order A, tau, mu_c, mu_r, b and, only when sd_r is estimated, sd_r.
 * Parameters stay float64 (they are the training targets); trial data are float32, the dtype the
 * networks consume (the simulation itself runs in float64).
 */
export interface DmcBatch {
  n: number;
  numObs: number;
  paramNames: ParamName[];
  params: Float64Array;
  rt: Float32Array;
  accuracy: Float32Array;
  conditions: Float32Array;
}

/** Trial data of one experiment (no parameters), same coding as `DmcBatch`. */
export interface DmcTrials {
  numObs: number;
  rt: Float32Array;
  accuracy: Float32Array;
  conditions: Float32Array;
}

/**
 * What a simulation worker exposes (src/workers/sim.worker.ts, src/workers/node-sim.worker.ts): data sets
 * start … start+count−1 of the batch (seed, numObs), returned with their buffers transferred.
 */
export interface SimChunkApi {
  simulateChunk(
    config: DmcConfig,
    seed: number,
    start: number,
    count: number,
    numObs: number,
  ): DmcBatch | Promise<DmcBatch>;
}
