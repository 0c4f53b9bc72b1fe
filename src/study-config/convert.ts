/**
 * From a validated StudyConfig to what the layers below take: the simulator's DmcConfig, the engine's
 * distributions, sampler and pruner, the objective's hyperparameters, and the seeds. Every seed is a
 * pure function of the study seed (and the trial number), so a study continued after a reload
 * regenerates exactly the same data sets and a trial's network initialisation does not
 * depend on which session ran it.
 */
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  MedianPruner,
  NopPruner,
  NSGAIISampler,
  RandomSampler,
  SuccessiveHalvingPruner,
  TPESampler,
  type Distribution,
  type Pruner,
  type Sampler,
  type Trial,
} from '../engine/index.ts';
import { Rng } from '../shared/index.ts';
import type { TrialHyperparameters } from '../nn/pure.ts';
import type { DmcConfig } from '../sim/index.ts';
import {
  HYPERPARAMETER_NAMES,
  PARAM_NAMES,
  type HyperparameterName,
  type SearchDistribution,
  type StudyConfig,
} from './types.ts';

/** The simulator configuration (docs/design/simulator.md#parameters) with the project's fixed constants a = 2, σ = 4, Beta start. */
export function toDmcConfig(c: StudyConfig): DmcConfig {
  const names = c.simulator.sdr === 'estimated' ? [...PARAM_NAMES] : PARAM_NAMES.slice(0, 5);
  const n = c.simulator.numObs;
  return {
    paramNames: names,
    priorMeans: names.map((p) => c.simulator.prior[p].mean),
    priorSds: names.map((p) => c.simulator.prior[p].sd),
    // Only null vs not-null matters (docs/design/simulator.md#prior): not null ⇒ constant non-decision time.
    sdrFixed: c.simulator.sdr === 'estimated' ? null : 0,
    tmax: c.simulator.tmax,
    a: 2,
    sigma: 4,
    startPoint: 'beta',
    fixedNumObs: 'fixed' in n ? n.fixed : null,
    minNumObs: 'fixed' in n ? n.fixed : n.min,
    maxNumObs: 'fixed' in n ? n.fixed : n.max,
    contamination: c.simulator.contamination,
  };
}

export function toDistribution(d: SearchDistribution): Distribution {
  switch (d.type) {
    case 'float':
      return floatDistribution(d.low, d.high, { log: d.log ?? false, step: d.step ?? null });
    case 'int':
      return intDistribution(d.low, d.high, { log: d.log ?? false, step: d.step ?? 1 });
    case 'categorical':
      return categoricalDistribution(d.choices);
  }
}

/** Seed streams under the study seed: data sets and trials never share one. */
const STREAM = { training: 1, validation: 2, trial: 1000 } as const;

export function dataSeeds(c: StudyConfig): { training: number; validation: number } {
  return {
    training: Rng.stream(c.seed, STREAM.training).nextU32(),
    validation: Rng.stream(c.seed, STREAM.validation).nextU32(),
  };
}

/** Seed of a trial's network initialisation, batch order, noise and posterior draws. */
export function trialSeed(c: StudyConfig, trialNumber: number): number {
  return Rng.stream(c.seed, STREAM.trial + trialNumber).nextU32();
}

/**
 * The sampler, seeded with the configured seed however many trials the study already has. Every draw
 * is derived from (seed, trial number, parameter) and the stored history (engine/samplers/numeric.ts),
 * so a study interrupted after k trials and continued proposes trial k exactly as the uninterrupted
 * run would, and a continued random search cannot repeat earlier points: their trial numbers differ.
 * Re-seeding on resume would break the first property and is not needed for the second.
 */
export function makeSampler(c: StudyConfig): Sampler {
  const seed = c.sampler.seed;
  if (c.sampler.type === 'random') return new RandomSampler({ seed });
  if (c.sampler.type === 'nsga2') return new NSGAIISampler({ seed, populationSize: c.sampler.populationSize ?? 50 });
  const { nStartupTrials, multivariate, constantLiar, bandwidth } = c.sampler;
  return new TPESampler({ seed, nStartupTrials, multivariate, constantLiar, bandwidth });
}

export function makePruner(c: StudyConfig): Pruner {
  const p = c.pruner;
  switch (p.type) {
    case 'none':
      return new NopPruner();
    case 'median':
      return new MedianPruner({
        nStartupTrials: p.nStartupTrials,
        nWarmupSteps: p.nWarmupSteps,
        intervalSteps: p.intervalSteps,
        nMinTrials: p.nMinTrials,
      });
    case 'successive-halving':
      return new SuccessiveHalvingPruner({
        minResource: p.minResource,
        reductionFactor: p.reductionFactor,
        minEarlyStoppingRate: p.minEarlyStoppingRate,
        bootstrapCount: p.bootstrapCount,
      });
  }
}

export type SuggestedHyperparameters = Record<HyperparameterName, number>;

/** Suggests every hyperparameter of the search space on `trial`, in a fixed order (the journal's order). */
export async function suggestAll(trial: Trial, c: StudyConfig): Promise<SuggestedHyperparameters> {
  const out = {} as SuggestedHyperparameters;
  for (const name of HYPERPARAMETER_NAMES) {
    const d = c.searchSpace[name];
    if (d.type === 'float')
      out[name] = await trial.suggestFloat(name, d.low, d.high, { log: d.log ?? false, step: d.step ?? null });
    else if (d.type === 'int')
      out[name] = await trial.suggestInt(name, d.low, d.high, { log: d.log ?? false, step: d.step ?? 1 });
    else out[name] = await trial.suggestCategorical(name, d.choices);
  }
  return out;
}

/** The objective's hyperparameters (src/nn/objective.ts TrialHyperparameters) for a suggestion. */
export function trialHyperparameters(h: SuggestedHyperparameters, c: StudyConfig): TrialHyperparameters {
  return {
    dropout: h.dropout,
    lr: h.lr,
    numSeeds: h.num_seeds,
    batchSize: h.batch_size,
    embedDim: h.embed_dim,
    summaryDim: h.summary_dim,
    epochs: c.epochs,
    posteriorDraws: c.diagnostics.posteriorDraws,
    integrationSteps: c.diagnostics.integrationSteps,
    integrator: c.diagnostics.integrator,
  };
}

/** Online training's batches per epoch, or null for offline training (docs/study-config.md, data.mode). */
export function onlineBatchesPerEpoch(c: StudyConfig): number | null {
  return c.data.mode === 'online' ? (c.data.batchesPerEpoch ?? null) : null;
}
