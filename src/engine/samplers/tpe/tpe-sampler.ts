/**
 * TPESampler (optuna/samplers/_tpe/sampler.py, v5.0). See docs/design/study-engine.md#tpe.
 *
 * Defaults, as Optuna 5.0: 10 startup trials (random sampling while fewer than 10 COMPLETE + PRUNED
 * trials exist, through a separate RandomSampler with the same seed), 24 EI candidates, prior weight 1,
 * magic clip on, endpoints off, `defaultGamma`, `defaultWeights`, multivariate sampling (parameters of
 * the intersection search space sampled jointly; the others fall back to 1-D TPE), the constant liar,
 * and the per-dimension neighbour bandwidth for multivariate kernels too (`bandwidth: 'neighbor'`).
 * Optuna ≤ 4.x defaulted to independent sampling without the liar, and its multivariate kernels
 * used the Scott-like 0.2·n^(−1/(d+4))·range (`bandwidth: 'scott'`); a study written then keeps
 * those settings explicitly (study-config version 1 → 2) so that it reproduces.
 *
 * One step: split the history into below/above by gamma(N), build Parzen estimators l and g from the
 * trials that contain every parameter of the (sub)space, draw the candidates from l, and return the
 * one with the largest log l − log g (the first on ties; a NaN score wins, as with numpy's argmax).
 * All state is derived from the stored trials; random streams from (seed, trial number, parameters).
 * Trials whose constraints (Optuna 5's `trial.constraints`) are violated rank after the feasible
 * COMPLETE and PRUNED ones, by summed violation, as 5.0's `_split_trials` does for every study.
 *
 * With `constantLiar` (Optuna ≥ 2.8, `_sample` / `_split_trials`), the other RUNNING trials that
 * already hold every parameter being sampled join the history as the worst value: gamma counts only
 * the finished trials, and the RUNNING ones always go to `above`, so g(x) grows where another worker
 * is already evaluating and the next proposal moves away from it. The trial being sampled is left
 * out. The startup count still counts COMPLETE and PRUNED trials only, as Optuna does.
 *
 * Several objectives (5.0's default sampler for them): independent sampling unless `multivariate` is
 * set (5.0's default for them), gamma ceil(0.1·n) without the cap, COMPLETE
 * trials split by non-domination rank with HSSP on the rank that does not fit (split-multi-objective.ts),
 * and every below trial weighted the same (`weights` applies to g only), as 5.0's `_build_parzen_estimator`.
 */
import { toExternalRepr } from '../../distributions.ts';
import { TrialState, type Distribution, type FrozenTrial, type ParamValue } from '../../types.ts';
import { derivedRng, randomSeed } from '../numeric.ts';
import { RandomSampler } from '../random.ts';
import type { DirectionName, Sampler, SamplerStudy } from '../sampler.ts';
import { relativeSearchSpace } from '../search-space.ts';
import { HistoryColumns } from './history-columns.ts';
import { ParzenEstimator, type ParzenEstimatorParameters } from './parzen-estimator.ts';
import { Workspace } from './workspace.ts';
import { defaultGamma, defaultWeights, splitTrials } from './split.ts';
import { defaultGammaMultiObjective } from './split-multi-objective.ts';

export interface TPESamplerOptions {
  seed?: number;
  nStartupTrials?: number;
  nEiCandidates?: number;
  multivariate?: boolean;
  /** Deprecated in Optuna 4.9 (fixed fallbacks below); kept for ablation studies. */
  priorWeight?: number;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  gamma?: (n: number) => number;
  weights?: (n: number) => ArrayLike<number>;
  /** Count other workers' RUNNING trials as the worst value (Optuna's `constant_liar`; default on, as 5.0). */
  constantLiar?: boolean;
  /** Multivariate kernel bandwidth: 'neighbor' (Optuna 5.0, the default) or 'scott' (Optuna ≤ 4.x). */
  bandwidth?: TpeBandwidth;
}

export type TpeBandwidth = NonNullable<ParzenEstimatorParameters['bandwidth']>;

const FINISHED_FOR_TPE = [TrialState.COMPLETE, TrialState.PRUNED] as const;
const WITH_RUNNING = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING] as const;

interface SplitCache {
  directions: string;
  nBelow: number;
  below: Uint8Array;
}

export class TPESampler implements Sampler {
  readonly seed: number;
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  /** Absent: joint sampling for one objective, independent for several (5.0's `_is_multivariate`). */
  readonly multivariate: boolean | undefined;
  readonly constantLiar: boolean;
  readonly bandwidth: TpeBandwidth;
  /** Absent: by the number of objectives (`defaultGamma`, `defaultGammaMultiObjective`). */
  private readonly gamma: ((n: number) => number) | undefined;
  private readonly parzen: ParzenEstimatorParameters;
  private readonly random: RandomSampler;
  /** The split depends only on the history snapshot, which a trial reuses for all of its suggests. */
  private readonly splits = new WeakMap<readonly FrozenTrial[], SplitCache>();
  private readonly columns = new HistoryColumns();
  // Work buffers, one set per sampler (two samplers in one process share nothing).
  private readonly splitWs = new Workspace();
  private readonly obsWs = new Workspace();
  private readonly belowWs = new Workspace();
  private readonly aboveWs = new Workspace();

  constructor(opts: TPESamplerOptions = {}) {
    this.seed = opts.seed ?? randomSeed();
    this.nStartupTrials = opts.nStartupTrials ?? 10;
    this.nEiCandidates = opts.nEiCandidates ?? 24;
    this.multivariate = opts.multivariate;
    this.constantLiar = opts.constantLiar ?? true;
    this.bandwidth = opts.bandwidth ?? 'neighbor';
    this.gamma = opts.gamma;
    this.parzen = {
      priorWeight: opts.priorWeight ?? 1,
      considerMagicClip: opts.considerMagicClip ?? true,
      considerEndpoints: opts.considerEndpoints ?? false,
      multivariate: this.multivariate ?? true,
      bandwidth: this.bandwidth,
      weights: opts.weights ?? defaultWeights,
    };
    this.random = new RandomSampler({ seed: this.seed });
  }

  async inferRelativeSearchSpace(study: SamplerStudy): Promise<Record<string, Distribution>> {
    if (!(this.multivariate ?? study.directions.length === 1)) return {};
    return relativeSearchSpace(await study.getTrials(FINISHED_FOR_TPE), true);
  }

  async sampleRelative(
    study: SamplerStudy,
    trial: FrozenTrial,
    searchSpace: Readonly<Record<string, Distribution>>,
  ): Promise<Record<string, ParamValue>> {
    if (Object.keys(searchSpace).length === 0) return {};
    const trials = await study.getTrials(FINISHED_FOR_TPE);
    if (trials.length < this.nStartupTrials) return {};
    return this.sample(study.directions, await this.history(study, trials, trial), trial, Object.entries(searchSpace));
  }

  async sampleIndependent(
    study: SamplerStudy,
    trial: FrozenTrial,
    paramName: string,
    distribution: Distribution,
  ): Promise<ParamValue> {
    const trials = await study.getTrials(FINISHED_FOR_TPE);
    if (trials.length < this.nStartupTrials) {
      return this.random.sampleIndependent(study, trial, paramName, distribution);
    }
    const out = this.sample(study.directions, await this.history(study, trials, trial), trial, [
      [paramName, distribution],
    ]);
    return out[paramName] as ParamValue;
  }

  /** The trials the split sees: the finished ones, plus with the constant liar the other RUNNING ones. */
  private async history(
    study: SamplerStudy,
    finished: readonly FrozenTrial[],
    trial: FrozenTrial,
  ): Promise<readonly FrozenTrial[]> {
    if (!this.constantLiar) return finished;
    const all = await study.getTrials(WITH_RUNNING);
    // Without other RUNNING trials the history is exactly `finished`: hand back that very array so the
    // split cache keyed on it still hits, and a single worker gets what it gets without the liar.
    if (!all.some((t) => t.state === TrialState.RUNNING && t.number !== trial.number)) return finished;
    return all.filter((t) => t.number !== trial.number);
  }

  private split(directions: readonly DirectionName[], trials: readonly FrozenTrial[]): Uint8Array {
    let finished = 0;
    for (const t of trials) if (t.state !== TrialState.RUNNING) finished++;
    const gamma = this.gamma ?? (directions.length > 1 ? defaultGammaMultiObjective : defaultGamma);
    const nBelow = gamma(finished);
    const key = directions.join(',');
    const hit = this.splits.get(trials);
    if (hit !== undefined && hit.directions === key && hit.nBelow === nBelow) return hit.below;
    const below = splitTrials(trials, nBelow, directions, true, this.splitWs);
    this.splits.set(trials, { directions: key, nBelow, below });
    return below;
  }

  /**
   * The Parzen estimators l (below) and g (above) this sampler fits for `space` on the trial's
   * history, as Optuna's `_build_parzen_estimator` (for inspection and the parity tests; valid until
   * the sampler fits again).
   */
  async fit(
    study: SamplerStudy,
    trial: FrozenTrial,
    space: Readonly<Record<string, Distribution>>,
  ): Promise<{ below: ParzenEstimator; above: ParzenEstimator }> {
    const trials = await study.getTrials(FINISHED_FOR_TPE);
    return this.estimators(study.directions, await this.history(study, trials, trial), Object.entries(space));
  }

  private estimators(
    directions: readonly DirectionName[],
    trials: readonly FrozenTrial[],
    space: (readonly [string, Distribution])[],
  ): { below: ParzenEstimator; above: ParzenEstimator } {
    const below = this.split(directions, trials);
    const [obsBelow, obsAbove] = observations(this.columns, trials, below, space, this.obsWs);
    const belowParams = directions.length > 1 ? { ...this.parzen, weights: uniformWeights } : this.parzen;
    return {
      below: new ParzenEstimator(obsBelow, space, belowParams, this.belowWs),
      above: new ParzenEstimator(obsAbove, space, this.parzen, this.aboveWs),
    };
  }

  private sample(
    directions: readonly DirectionName[],
    trials: readonly FrozenTrial[],
    trial: FrozenTrial,
    space: (readonly [string, Distribution])[],
  ): Record<string, ParamValue> {
    const { below: l, above: g } = this.estimators(directions, trials, space);
    const rng = derivedRng(this.seed, 'tpe', trial.number, space.map(([name]) => name).join('\u0000'));
    const size = this.nEiCandidates;
    const candidates = l.sample(rng, size);
    const ll = l.logPdf(candidates, size);
    const lg = g.logPdf(candidates, size);
    let best = 0;
    let bestScore = -Infinity;
    for (let m = 0; m < size; m++) {
      const score = (ll[m] as number) - (lg[m] as number);
      if (Number.isNaN(score)) {
        best = m;
        break;
      }
      if (score > bestScore) {
        bestScore = score;
        best = m;
      }
    }
    const out: Record<string, ParamValue> = {};
    space.forEach(([name, d], i) => {
      out[name] = toExternalRepr(d, (candidates[i] as Float64Array)[best] as number);
    });
    return out;
  }
}

/** The below weights of a multi-objective study: all ones (before the prior is appended and all are normalised). */
function uniformWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

/**
 * Internal values of the trials holding every parameter of `space`, split by the below flags, in
 * number order (each trial's own distribution gives its internal value, e.g. a categorical index).
 */
function observations(
  columns: HistoryColumns,
  trials: readonly FrozenTrial[],
  below: Uint8Array,
  space: readonly (readonly [string, Distribution])[],
  ws: Workspace,
): [Float64Array[], Float64Array[]] {
  const cols = space.map(([name]) => columns.column(trials, name));
  const include = ws.i32('include', trials.length);
  let nBelow = 0;
  let nAbove = 0;
  for (let i = 0; i < trials.length; i++) {
    let missing = false;
    for (let p = 0; p < cols.length && !missing; p++) missing = Number.isNaN((cols[p] as Float64Array)[i] as number);
    if (missing) continue;
    include[i] = 1;
    if (below[i] === 1) nBelow++;
    else nAbove++;
  }
  const b: Float64Array[] = [];
  const a: Float64Array[] = [];
  cols.forEach((col, p) => {
    const ob = ws.f64(`below${p}`, nBelow);
    const oa = ws.f64(`above${p}`, nAbove);
    let ib = 0;
    let ia = 0;
    for (let i = 0; i < trials.length; i++) {
      if (include[i] !== 1) continue;
      if (below[i] === 1) ob[ib++] = col[i] as number;
      else oa[ia++] = col[i] as number;
    }
    b.push(ob);
    a.push(oa);
  });
  return [b, a];
}
