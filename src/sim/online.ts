/**
 * Online training data (BayesFlow's `fit_online`): fresh data sets for every optimizer step, each one a
 * function of (seed, global batch index, position in the batch) only, so a run is the same whatever the
 * number of simulation workers or how far ahead batches are prepared.
 *
 * Seed namespace: online batch j of size B holds the data sets ONLINE_BASE + j·B … ONLINE_BASE + (j+1)·B − 1
 * of the training seed's per-data-set streams (`Rng.stream(seed, index)`, batch.ts). Offline training sets
 * are the indices 0 … n − 1 of the same seed and validation sets use a seed of their own, so no online set
 * can repeat a training or validation set, and no two online sets repeat each other (distinct indices).
 * The batch's trial count (one per batch, as `drawNumObs` draws one per offline batch) comes from the
 * negative stream −2 − j, disjoint from NUM_OBS_STREAM (−1) and from every data-set index.
 */
import { Rng } from '../shared/index.ts';
import { NUM_OBS_STREAM, simulateRange } from './batch.ts';
import { validateDmcConfig } from './config.ts';
import type { DmcBatch, DmcConfig } from './types.ts';

/** First data-set index of online batches: far above any offline set count (2^40 ≈ 1.1·10^12). */
export const ONLINE_BASE = 2 ** 40;

/** Where online batch j comes from: data sets start … start+count−1 of `seed`, with numObs trials each. */
export interface OnlineBatchPlan {
  seed: number;
  start: number;
  count: number;
  numObs: number;
}

export function onlineBatchPlan(config: DmcConfig, seed: number, batch: number, batchSize: number): OnlineBatchPlan {
  if (!Number.isInteger(batch) || batch < 0)
    throw new RangeError(`online batch index ${batch}: must be an integer ≥ 0`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`online batch size ${batchSize}: must be an integer ≥ 1`);
  const numObs =
    config.fixedNumObs !== null
      ? config.fixedNumObs
      : Rng.stream(seed, NUM_OBS_STREAM - 1 - batch).int(config.minNumObs, config.maxNumObs);
  return { seed, start: ONLINE_BASE + batch * batchSize, count: batchSize, numObs };
}

/** Validation parts over a range of trial counts (one num_obs per part). */
export const VALIDATION_PARTS = 8;

/**
 * The fixed validation sets as plans: one part with the batch's own num_obs draw for a fixed N, and for a
 * range of trial counts VALIDATION_PARTS parts at evenly spaced N from min to max (stratified, so the
 * validation loss and the diagnostics cover the whole range rather than one random N). Data set i is
 * stream i of `seed` in both cases.
 */
export function validationPlans(config: DmcConfig, seed: number, n: number): OnlineBatchPlan[] {
  const c = validateDmcConfig(config);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`validation sets ${n}: must be an integer ≥ 1`);
  if (c.fixedNumObs !== null || c.minNumObs === c.maxNumObs)
    return [{ seed, start: 0, count: n, numObs: c.fixedNumObs ?? c.minNumObs }];
  const parts = Math.min(n, VALIDATION_PARTS);
  const out: OnlineBatchPlan[] = [];
  let start = 0;
  for (let k = 0; k < parts; k++) {
    const count = Math.floor(((k + 1) * n) / parts) - Math.floor((k * n) / parts);
    const numObs = Math.round(c.minNumObs + ((c.maxNumObs - c.minNumObs) * k) / (parts - 1));
    out.push({ seed, start, count, numObs });
    start += count;
  }
  return out;
}

/** Online batch j on the calling thread (the reference the worker pools must reproduce exactly). */
export function simulateOnlineBatch(config: DmcConfig, seed: number, batch: number, batchSize: number): DmcBatch {
  const c = validateDmcConfig(config);
  const p = onlineBatchPlan(c, seed, batch, batchSize);
  return simulateRange(c, p.seed, p.start, p.count, p.numObs);
}

/** Simulates one planned batch (a worker pool's `simulateRange`, or `simulateRange` itself). */
export type SimulatePlan = (plan: OnlineBatchPlan, signal: AbortSignal) => Promise<DmcBatch>;

export interface OnlineFeedOptions {
  config: DmcConfig;
  seed: number;
  batchSize: number;
  /** Batches prepared ahead of the one training asks for (default 3). */
  ahead?: number;
  simulate: SimulatePlan;
  /** Batches beyond this index are never prepared (the run's last batch + 1); default unbounded. */
  total?: number;
}

/**
 * Prepares online batches ahead of training: asking for batch j starts j+1 … j+ahead too, so while
 * the network trains on one batch the simulation workers make the next ones. Batches are handed out
 * once each, in any order (a resumed run starts in the middle); `dispose` aborts what is still running.
 */
export class OnlineFeed {
  readonly #opts: Required<Omit<OnlineFeedOptions, 'total'>> & { total: number };
  readonly #ready = new Map<number, Promise<DmcBatch>>();
  readonly #controller = new AbortController();
  /** Batches handed to training so far (for tests and progress). */
  delivered = 0;

  constructor(opts: OnlineFeedOptions) {
    const ahead = opts.ahead ?? 3;
    if (!Number.isInteger(ahead) || ahead < 0) throw new RangeError(`ahead = ${ahead}: must be an integer ≥ 0`);
    this.#opts = {
      ...opts,
      ahead,
      total: opts.total ?? Number.POSITIVE_INFINITY,
      config: validateDmcConfig(opts.config),
    };
  }

  /** Batch j (simulated now unless prepared already), and batches j+1 … j+ahead started. */
  next(j: number): Promise<DmcBatch> {
    if (this.#controller.signal.aborted) return Promise.reject(new Error('OnlineFeed: used after dispose()'));
    const got = this.#start(j);
    this.#ready.delete(j);
    // Batches behind j are never asked for again (training goes forward).
    for (const k of this.#ready.keys()) if (k < j) this.#ready.delete(k);
    for (let k = j + 1; k <= j + this.#opts.ahead && k < this.#opts.total; k++)
      void this.#start(k).catch(() => undefined);
    this.delivered++;
    return got;
  }

  /** Batches being prepared or ready, not yet handed out. */
  get pending(): number[] {
    return [...this.#ready.keys()].sort((a, b) => a - b);
  }

  dispose(): void {
    this.#controller.abort(new DOMException('The online feed was closed', 'AbortError'));
    this.#ready.clear();
  }

  #start(j: number): Promise<DmcBatch> {
    let p = this.#ready.get(j);
    if (p === undefined) {
      const { config, seed, batchSize } = this.#opts;
      p = this.#opts.simulate(onlineBatchPlan(config, seed, j, batchSize), this.#controller.signal);
      this.#ready.set(j, p);
    }
    return p;
  }
}
