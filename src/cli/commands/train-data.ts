/**
 * The data of a `cli train` run: fixed training sets (offline) or an online feed from the Node
 * simulation pool (`--online`: fresh batches for every step, prepared ahead in worker threads), and the
 * fixed validation sets — one part for a fixed N, several parts spread over a range of trial counts
 * (`--obs 50-1000`, src/sim/online.ts validationPlans).
 */
import { UsageError } from '../args.ts';
import {
  NOTEBOOK_CONFIG,
  OnlineFeed,
  simulateBatch,
  simulateRange,
  validateDmcConfig,
  validationPlans,
  type DmcBatch,
  type DmcConfig,
} from '../../sim/index.ts';
import { splitmix32 } from '../../shared/index.ts';
import { NodeSimPool } from '../../workers/node-sim-pool.ts';

/** Validation sets use their own simulation seed so they never share data sets with training. */
export const VALIDATION_SALT = 0x76616c;

/** `--obs`: "100" (every set) or "50-1000" (a range, one N per batch). */
export function parseObs(text: string | undefined): { fixed: number } | { min: number; max: number } {
  const t = text ?? '100';
  const one = /^\d+$/.exec(t);
  if (one !== null && Number(t) >= 1) return { fixed: Number(t) };
  const range = /^(\d+)-(\d+)$/.exec(t);
  if (range !== null) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (min >= 1 && min <= max) return { min, max };
  }
  throw new UsageError(`option --obs: expected trials per data set (100) or a range (50-1000), got '${t}'`);
}

/** The simulator (default the notebook's; a study's from its journal) with these trial counts. */
export function simulatorFor(
  obs: { fixed: number } | { min: number; max: number },
  base: DmcConfig = NOTEBOOK_CONFIG,
): DmcConfig {
  return validateDmcConfig(
    'fixed' in obs
      ? {
          ...base,
          fixedNumObs: obs.fixed,
          minNumObs: Math.min(base.minNumObs, obs.fixed),
          maxNumObs: Math.max(base.maxNumObs, obs.fixed),
        }
      : { ...base, fixedNumObs: null, minNumObs: obs.min, maxNumObs: obs.max },
  );
}

export interface TrainData {
  train: DmcBatch | null;
  val: DmcBatch[];
  /** Online: the feed training asks for batch j, and the pool behind it. */
  feed: OnlineFeed | null;
  dispose(): void;
}

export interface TrainDataRequest {
  config: DmcConfig;
  seed: number;
  trainSets: number;
  valSets: number;
  online: { batchesPerEpoch: number; epochs: number; batchSize: number; workers?: number } | null;
}

export function makeTrainData(r: TrainDataRequest): TrainData {
  const valSeed = splitmix32(r.seed ^ VALIDATION_SALT);
  const val = validationPlans(r.config, valSeed, r.valSets).map((p) =>
    simulateRange(r.config, p.seed, p.start, p.count, p.numObs),
  );
  if (r.online === null) {
    if (r.config.fixedNumObs === null)
      throw new UsageError(
        "option --obs: a range of trial counts (--obs MIN-MAX, or the study's) needs --online (an offline training batch has one N)",
      );
    return { train: simulateBatch(r.config, r.seed, r.trainSets), val, feed: null, dispose: () => undefined };
  }
  const pool = new NodeSimPool(r.online.workers !== undefined ? { workers: r.online.workers } : {});
  const config = r.config;
  const feed = new OnlineFeed({
    config,
    seed: r.seed,
    batchSize: r.online.batchSize,
    total: r.online.epochs * r.online.batchesPerEpoch,
    simulate: (p, signal) => pool.simulateRange(config, p.seed, p.start, p.count, p.numObs, { signal }),
  });
  return {
    train: null,
    val,
    feed,
    dispose: () => {
      feed.dispose();
      pool.dispose();
    },
  };
}
