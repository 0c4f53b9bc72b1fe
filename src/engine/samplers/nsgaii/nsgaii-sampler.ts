/**
 * NSGAIISampler (optuna/samplers/nsgaii/_sampler.py with samplers/_ga/_base.py, v5.0; Deb et al. 2002).
 *
 * Generations as Optuna's GA samplers keep them: a trial's generation is its system attr
 * "NSGAIISampler:generation", set when it first samples — the largest generation among COMPLETE
 * trials, or the next one once that generation has `populationSize` COMPLETE trials. The parents of
 * generation g are the elite (elite.ts) of generation g − 1 together with its own parents, cached as
 * trial ids in the study system attr "NSGAIISampler:parent:<g>". Both travel with a journal, so Optuna
 * and the engine continue each other's runs.
 *
 * A child, over the intersection search space of COMPLETE trials: with probability `crossoverProb`
 * the uniform crossover of two parents, each the winner of a binary tournament (constraint-aware
 * domination when any parent has constraints), each parameter from the second parent with probability
 * `swappingProb`; otherwise a copy of a random parent. Each parameter is then dropped with probability
 * `mutationProb` (default 1 / number of parameters) and sampled at random instead, as Optuna does
 * without a mutation operator. Generation 0 and parameters outside the space are random. Only the
 * uniform crossover is offered (Optuna's default). Random streams come from (seed, trial number).
 */
import { contains, toInternalRepr } from '../../distributions.ts';
import { EngineError, TrialState, type Distribution, type FrozenTrial, type ParamValue } from '../../types.ts';
import { derivedRng, randomSeed } from '../numeric.ts';
import { RandomSampler } from '../random.ts';
import type { Sampler, SamplerStudy } from '../sampler.ts';
import { relativeSearchSpace } from '../search-space.ts';
import { constrainedDominates, isConstrained, selectElitePopulation, trialDominates } from './elite.ts';

export interface NSGAIISamplerOptions {
  /** Individuals per generation (≥ 2; default 50). */
  populationSize?: number;
  /** Chance of resampling each parameter; null or absent: 1 / number of parameters. */
  mutationProb?: number | null;
  /** Chance of crossover (else a parent is copied); default 0.9. */
  crossoverProb?: number;
  /** Uniform crossover: chance of taking a parameter from the second parent; default 0.5. */
  swappingProb?: number;
  seed?: number;
}

export const GENERATION_KEY = 'NSGAIISampler:generation';
export const PARENT_CACHE_KEY_PREFIX = 'NSGAIISampler:parent:';

function inUnitInterval(v: number): boolean {
  return v >= 0 && v <= 1;
}

export class NSGAIISampler implements Sampler {
  readonly populationSize: number;
  readonly mutationProb: number | null;
  readonly crossoverProb: number;
  readonly swappingProb: number;
  readonly seed: number;
  private readonly random: RandomSampler;

  constructor(opts: NSGAIISamplerOptions = {}) {
    this.populationSize = opts.populationSize ?? 50;
    this.mutationProb = opts.mutationProb ?? null;
    this.crossoverProb = opts.crossoverProb ?? 0.9;
    this.swappingProb = opts.swappingProb ?? 0.5;
    if (!(this.populationSize >= 2))
      throw new EngineError('invalid-argument', '`population_size` must be greater than or equal to 2.');
    if (this.mutationProb !== null && !inUnitInterval(this.mutationProb))
      throw new EngineError(
        'invalid-argument',
        '`mutation_prob` must be None or a float value within the range [0.0, 1.0].',
      );
    if (!inUnitInterval(this.crossoverProb))
      throw new EngineError('invalid-argument', '`crossover_prob` must be a float value within the range [0.0, 1.0].');
    if (!inUnitInterval(this.swappingProb))
      throw new EngineError('invalid-argument', '`swapping_prob` must be a float value within the range [0.0, 1.0].');
    this.seed = opts.seed ?? randomSeed();
    this.random = new RandomSampler({ seed: this.seed });
  }

  async inferRelativeSearchSpace(study: SamplerStudy): Promise<Record<string, Distribution>> {
    return relativeSearchSpace(await study.getTrials([TrialState.COMPLETE]), false);
  }

  async sampleRelative(
    study: SamplerStudy,
    trial: FrozenTrial,
    searchSpace: Readonly<Record<string, Distribution>>,
  ): Promise<Record<string, ParamValue>> {
    const generation = await this.trialGeneration(study, trial);
    const parents = await this.parentPopulation(study, generation);
    if (parents.length === 0) return {};
    return this.child(study, trial, searchSpace, parents);
  }

  async sampleIndependent(
    study: SamplerStudy,
    trial: FrozenTrial,
    paramName: string,
    distribution: Distribution,
  ): Promise<ParamValue> {
    return this.random.sampleIndependent(study, trial, paramName, distribution);
  }

  /** `get_trial_generation`: stored, else derived from the COMPLETE trials and stored. */
  async trialGeneration(study: SamplerStudy, trial: FrozenTrial): Promise<number> {
    const stored = trial.systemAttrs[GENERATION_KEY];
    if (typeof stored === 'number') return stored;
    let maxGeneration = 0;
    let count = 0;
    for (const t of await study.getTrials([TrialState.COMPLETE])) {
      const g = t.systemAttrs[GENERATION_KEY];
      const gen = typeof g === 'number' ? g : -1;
      if (gen < maxGeneration) continue;
      if (gen > maxGeneration) {
        maxGeneration = gen;
        count = 1;
      } else count++;
    }
    const generation = count < this.populationSize ? maxGeneration : maxGeneration + 1;
    await writer(study, 'setTrialSystemAttr').call(study, trial.trialId, GENERATION_KEY, generation);
    return generation;
  }

  /** The COMPLETE trials of `generation`. */
  async population(study: SamplerStudy, generation: number): Promise<FrozenTrial[]> {
    return (await study.getTrials([TrialState.COMPLETE])).filter((t) => t.systemAttrs[GENERATION_KEY] === generation);
  }

  /** `get_parent_population`: none for generation 0; else cached, or selected and cached. */
  async parentPopulation(study: SamplerStudy, generation: number): Promise<FrozenTrial[]> {
    if (generation === 0) return [];
    const key = `${PARENT_CACHE_KEY_PREFIX}${generation}`;
    const cached = (await writer(study, 'getStudySystemAttrs').call(study))[key];
    if (Array.isArray(cached)) {
      const ids = new Set(cached);
      return (await study.getTrials()).filter((t) => ids.has(t.trialId));
    }
    const candidates = [
      ...(await this.population(study, generation - 1)),
      ...(await this.parentPopulation(study, generation - 1)),
    ];
    const parents = selectElitePopulation(candidates, study.directions, this.populationSize);
    await writer(study, 'setStudySystemAttr').call(
      study,
      key,
      parents.map((t) => t.trialId),
    );
    return parents;
  }

  private child(
    study: SamplerStudy,
    trial: FrozenTrial,
    space: Readonly<Record<string, Distribution>>,
    parents: readonly FrozenTrial[],
  ): Record<string, ParamValue> {
    const rng = derivedRng(this.seed, 'nsga2', trial.number, '');
    const dominates = isConstrained(parents) ? constrainedDominates : trialDominates;
    const names = Object.keys(space);
    const tournament = (pool: readonly FrozenTrial[]): FrozenTrial => {
      const a = pool[rng.int(0, pool.length - 1)] as FrozenTrial;
      const b = pool[rng.int(0, pool.length - 1)] as FrozenTrial;
      return dominates(a, b, study.directions) ? a : b;
    };
    let child: Record<string, ParamValue> = {};
    if (rng.float() < this.crossoverProb) {
      // Uniform crossover; repeated while a child leaves the space (it cannot when parents are inside).
      for (let attempt = 0; attempt < 100; attempt++) {
        const first = tournament(parents);
        const rest = parents.filter((t) => t !== first);
        const second = rest.length > 0 ? tournament(rest) : first;
        child = {};
        for (const name of names)
          child[name] = (rng.float() >= this.swappingProb ? second : first).params[name] as ParamValue;
        if (names.every((n) => contains(space[n] as Distribution, toInternalRepr(space[n] as Distribution, child[n]))))
          break;
      }
    } else {
      const parent = parents[rng.int(0, parents.length - 1)] as FrozenTrial;
      for (const name of names) child[name] = parent.params[name] as ParamValue;
    }
    const p = this.mutationProb ?? 1 / Math.max(1, names.length);
    const out: Record<string, ParamValue> = {};
    for (const name of names) if (rng.float() >= p) out[name] = child[name] as ParamValue;
    return out;
  }
}

type Writer = 'setTrialSystemAttr' | 'getStudySystemAttrs' | 'setStudySystemAttr';

/** The storage access NSGA-II needs; a view without it cannot run the sampler. */
function writer<K extends Writer>(study: SamplerStudy, name: K): NonNullable<SamplerStudy[K]> {
  const f = study[name];
  if (f === undefined)
    throw new EngineError(
      'invalid-argument',
      `NSGAIISampler needs a study view with ${name} (the study's own view has it).`,
    );
  return f as NonNullable<SamplerStudy[K]>;
}
