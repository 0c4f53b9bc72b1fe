/**
 * RandomSampler (optuna/samplers/_random.py with optuna/_transform.py, v4.9): every parameter
 * independently and uniformly in its transformed space — log space for log parameters; for stepped
 * and integer parameters on [low − step/2, high + step/2], then rounded to the grid (so both end
 * points get a full cell); categoricals uniformly by index.
 */
import type { Rng } from '../../shared/index.ts';
import { toExternalRepr } from '../distributions.ts';
import type { Distribution, FrozenTrial, ParamValue } from '../types.ts';
import { derivedRng, nextDown, randomSeed, roundHalfEven } from './numeric.ts';
import type { Sampler, SamplerStudy } from './sampler.ts';

export interface RandomSamplerOptions {
  seed?: number;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** One uniform draw in internal representation. */
export function sampleUniformInternal(d: Distribution, rng: Rng): number {
  if (d.type === 'categorical') return rng.int(0, d.choices.length - 1);
  if (d.low === d.high) return d.low;
  const step = d.step;
  if (d.log) {
    if (d.type === 'int') {
      const u = rng.uniform(Math.log(d.low - 0.5), Math.log(d.high + 0.5));
      return clamp(roundHalfEven(Math.exp(u)), d.low, d.high);
    }
    const v = Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high)));
    return clamp(Math.min(v, nextDown(d.high)), d.low, d.high);
  }
  if (step !== null) {
    const u = rng.uniform(d.low - step / 2, d.high + step / 2);
    return clamp(roundHalfEven((u - d.low) / step) * step + d.low, d.low, d.high);
  }
  return clamp(Math.min(rng.uniform(d.low, d.high), nextDown(d.high)), d.low, d.high);
}

export class RandomSampler implements Sampler {
  readonly seed: number;

  constructor(opts: RandomSamplerOptions = {}) {
    this.seed = opts.seed ?? randomSeed();
  }

  async inferRelativeSearchSpace(): Promise<Record<string, Distribution>> {
    return {};
  }

  async sampleRelative(): Promise<Record<string, ParamValue>> {
    return {};
  }

  async sampleIndependent(
    _study: SamplerStudy,
    trial: FrozenTrial,
    paramName: string,
    distribution: Distribution,
  ): Promise<ParamValue> {
    const rng = derivedRng(this.seed, 'random', trial.number, paramName);
    return toExternalRepr(distribution, sampleUniformInternal(distribution, rng));
  }
}
