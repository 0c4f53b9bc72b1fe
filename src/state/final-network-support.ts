/**
 * Pure helpers of the final-network run (final-network.svelte.ts): default settings, the simulator with
 * the chosen trial counts, the store key of a final network, the trials offered (best first), the ETA.
 */
import { weightedSumOf } from './pareto.ts';
import { TrialState, type FrozenTrial } from '../engine/index.ts';
import type { FinalRunSettings } from '../persistence/index.ts';
import type { DmcConfig } from '../sim/index.ts';
import { finalRunSeconds, toDmcConfig, type StudyConfig } from '../study-config/index.ts';

/**
 * The published networks' budget (200 epochs × 250 online batches) on the seed study's range of trial
 * counts (50–1000 per participant), so the network applies to real data sets of other sizes.
 */
export const DEFAULT_FINAL_SETTINGS: Readonly<FinalRunSettings> = Object.freeze({
  epochs: 200,
  mode: 'online',
  batchesPerEpoch: 250,
  trainingSets: 2000,
  numObs: { min: 50, max: 1000 },
  validationSets: 200,
  patience: null,
});

/** Store key of a study's final networks in the model store: trial numbers stay those of the source trials. */
export function finalNetworkKey(modelKey: string): string {
  return `${modelKey}/final`;
}

export function isFinalNetworkKey(key: string): boolean {
  return key.endsWith('/final');
}

/** The study's simulator with the final run's trial counts. */
export function finalSimulator(config: StudyConfig, settings: FinalRunSettings): DmcConfig {
  const base = toDmcConfig(config);
  const n = settings.numObs;
  return 'fixed' in n
    ? { ...base, fixedNumObs: n.fixed, minNumObs: n.fixed, maxNumObs: n.fixed }
    : { ...base, fixedNumObs: null, minNumObs: n.min, maxNumObs: n.max };
}

/** Complete trials, lowest L first (the best is offered first). */
export function offeredTrials(trials: readonly FrozenTrial[]): FrozenTrial[] {
  // L: the value of a weighted-sum study, the recorded L of a Pareto one.
  const value = (t: FrozenTrial): number => weightedSumOf(t) ?? Number.NaN;
  return trials
    .filter((t) => t.state === TrialState.COMPLETE && Number.isFinite(value(t)))
    .sort((a, b) => value(a) - value(b) || a.number - b.number);
}

/** Plain reasons the settings cannot run, empty when they can. */
export function settingsProblems(s: FinalRunSettings): string[] {
  const out: string[] = [];
  const whole = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
  if (!whole(s.epochs, 1)) out.push(`Epochs: enter a whole number of at least 1 (got ${s.epochs})`);
  if (s.mode === 'online' && !whole(s.batchesPerEpoch, 1))
    out.push(`Batches per epoch: enter a whole number of at least 1 (got ${s.batchesPerEpoch})`);
  if (s.mode === 'offline' && !whole(s.trainingSets, 2))
    out.push(`Training sets: enter a whole number of at least 2 (got ${s.trainingSets})`);
  if (!whole(s.validationSets, 2))
    out.push(`Validation sets: enter a whole number of at least 2 (got ${s.validationSets})`);
  const n = s.numObs;
  if ('fixed' in n ? !whole(n.fixed, 1) : !(whole(n.min, 1) && whole(n.max, 1) && n.min <= n.max)) {
    out.push('Trials per data set: enter whole numbers of at least 1, the smallest first');
  }
  if (s.mode === 'offline' && !('fixed' in n))
    out.push(
      'Offline training needs one number of trials per data set; choose online training for a range of trial counts',
    );
  if (s.patience !== null && !whole(s.patience, 1))
    out.push(`Patience: enter a whole number of at least 1 epoch (got ${s.patience})`);
  return out;
}

/**
 * Seconds left: this session's time per epoch (from its first epoch, or its first batches while the
 * first epoch runs) times the epochs left; null until there is a measurement.
 */
export function finalEta(p: {
  epochsAtStart: number;
  epochsDone: number;
  epochs: number;
  batchFraction: number;
  elapsedS: number;
}): number | null {
  const done = p.epochsDone - p.epochsAtStart + p.batchFraction;
  if (!(done > 0.02) || p.elapsedS <= 0) return null;
  return Math.max(0, (p.elapsedS / done) * (p.epochs - p.epochsDone - p.batchFraction));
}

/** The time now as stored in run records (a plain timestamp, not reactive state). */
export function isoNow(): string {
  return new Date().toISOString();
}

/** Seconds the run would take on wasm (the Setup estimate's model), for the trial's network and budget. */
export function finalSecondsOnWasm(config: StudyConfig, trial: FrozenTrial, s: FinalRunSettings): number | null {
  const p = trial.params;
  const [embedDim, numSeeds, summaryDim, batchSize] = [
    p['embed_dim'],
    p['num_seeds'],
    p['summary_dim'],
    p['batch_size'],
  ];
  if (
    typeof embedDim !== 'number' ||
    typeof numSeeds !== 'number' ||
    typeof summaryDim !== 'number' ||
    typeof batchSize !== 'number'
  )
    return null;
  if (settingsProblems(s).length > 0) return null;
  return finalRunSeconds(config, {
    network: { embedDim, numSeeds, summaryDim },
    epochs: s.epochs,
    setsPerEpoch: s.mode === 'online' ? s.batchesPerEpoch * batchSize : s.trainingSets,
    online: s.mode === 'online',
    numObs: s.numObs,
    validationSets: s.validationSets,
  });
}

/** A run that has made no progress for this long (s) is reported as possibly stuck, whatever its pace. */
export const STALL_MIN_SECONDS = 120;

/**
 * The watchdog's verdict: seconds since the last progress (a stage begun, a batch or sampling chunk done,
 * a checkpoint stored) when that exceeds both STALL_MIN_SECONDS and `slowness` × the longest gap between
 * progress events seen so far in this session (a slow machine's big batches are not a hang); else null.
 */
export function stalledFor(p: { sinceProgressS: number; longestGapS: number; slowness?: number }): number | null {
  const limit = Math.max(STALL_MIN_SECONDS, (p.slowness ?? 5) * p.longestGapS);
  return p.sinceProgressS > limit ? p.sinceProgressS : null;
}
