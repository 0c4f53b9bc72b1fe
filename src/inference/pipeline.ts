/**
 * The inference pipeline, once, for the CLI (`infer`) and the Infer view (state/inference-session.svelte.ts):
 * prior predictive check → posterior sampling → participant summaries → posterior predictive draws →
 * bands. What runs where is injected: the simulator (the page's worker pool, or simulateBatch in the
 * CLI) and the posterior sampler (the inference worker, or tfjs in Node), so this module stays pure.
 */
import { NOTEBOOK_CONFIG, type DmcBatch, type DmcConfig } from '../sim/index.ts';
import {
  drawToParams,
  pointMass,
  ppcSeed,
  PRIOR_PREDICTIVE_SETS,
  priorCheckConfig,
  priorRanges,
  simulatorSettings,
  spreadIndices,
  type PriorRanges,
  type SimulatorSettings,
} from './checks.ts';
import { networkWarnings, type NetworkWarning } from './network-checks.ts';
import { predictiveBands, trialStats, type PredictiveStats } from './ppc.ts';
import { participantResult, type ParticipantResult } from './results.ts';
import type { ParticipantData } from './table.ts';

type Progress = (done: number, total: number) => void;

/** n data sets of `config` under `seed`: bit-identical to simulateBatch, wherever it runs. */
export interface InferenceSimulator {
  simulate(
    config: DmcConfig,
    seed: number,
    n: number,
    opts?: { signal?: AbortSignal; onProgress?: Progress },
  ): Promise<DmcBatch>;
}

/** Posterior draws of every participant: (participants × numSamples × P), row-major. */
export interface PosteriorDraws {
  draws: Float32Array;
  paramNames: string[];
}

export type PosteriorSampling<D extends PosteriorDraws> = (
  participants: readonly ParticipantData[],
  opts: { numSamples: number; steps: number; seed: number; signal?: AbortSignal; onProgress?: Progress },
) => Promise<D>;

export type InferencePhase = 'prior-check' | 'sampling' | 'ppc';

export interface InferenceInput {
  participants: readonly ParticipantData[];
  /** The network file's metadata: its simulator settings and training metrics. */
  metadata: Record<string, unknown>;
  /** Posterior draws per participant. */
  draws: number;
  /** Integration steps of the flow. */
  steps: number;
  seed: number;
  /** Posterior draws simulated per participant for the predictive checks; none when absent. */
  ppcDraws?: number;
  signal?: AbortSignal;
  /** A phase starts (progress restarts from 0). */
  onPhase?: (phase: InferencePhase) => void;
  onProgress?: Progress;
}

export interface InferenceOutcome<D extends PosteriorDraws> {
  settings: SimulatorSettings | null;
  /** The sampler's own answer (its draws, and whatever it reports besides, such as its backend). */
  sampled: D;
  /** The prior the draws are checked against (null when the network file carries no simulator). */
  prior: { means: number[]; sds: number[] } | null;
  results: ParticipantResult[];
  networkWarnings: NetworkWarning[];
}

/** Runs the pipeline; each result gets `predicted` bands when `ppcDraws` is given. */
export async function runInference<D extends PosteriorDraws>(
  sim: InferenceSimulator,
  sample: PosteriorSampling<D>,
  input: InferenceInput,
): Promise<InferenceOutcome<D>> {
  const { participants, metadata, draws, steps, seed, signal, onPhase, onProgress } = input;
  const opts = { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) };
  const settings = simulatorSettings(metadata);
  let ranges: PriorRanges | null = null;
  if (settings !== null) {
    onPhase?.('prior-check');
    ranges = priorRanges(
      await sim.simulate(priorCheckConfig(settings, participants), seed, PRIOR_PREDICTIVE_SETS, opts),
    );
  }
  onPhase?.('sampling');
  const sampled = await sample(participants, { numSamples: draws, steps, seed, ...opts });
  const P = sampled.paramNames.length;
  const results = participants.map((q, i) =>
    participantResult(
      q,
      sampled.draws.subarray(i * draws * P, (i + 1) * draws * P),
      draws,
      sampled.paramNames,
      settings,
      ranges,
    ),
  );
  const cfg = settings?.config;
  const prior = cfg === undefined ? null : { means: cfg.priorMeans.slice(0, P), sds: cfg.priorSds.slice(0, P) };
  const warnings = networkWarnings({
    metadata,
    settings,
    trials: participants.map((q) => q.rt.length),
    draws: sampled.draws,
    paramNames: sampled.paramNames,
    prior,
  });
  if (input.ppcDraws !== undefined) {
    onPhase?.('ppc');
    const predicted = await predictiveChecks(sim, {
      participants,
      draws: sampled.draws,
      paramNames: sampled.paramNames,
      samples: draws,
      ppcDraws: input.ppcDraws,
      seed,
      base: settings?.config ?? null,
      ...opts,
    });
    results.forEach((r, i) => (r.predicted = predicted[i]!));
  }
  return { settings, sampled, prior, results, networkWarnings: warnings };
}

export interface PredictiveInput {
  participants: readonly ParticipantData[];
  /** (participants × samples × P), row-major. */
  draws: ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> };
  paramNames: readonly string[];
  /** Draws per participant. */
  samples: number;
  /** Draws simulated per participant, evenly spread over the samples. */
  ppcDraws: number;
  seed: number;
  /**
   * The simulator the network was trained with; without it each point mass takes a, sigma, tmax and the
   * start point from the notebook's simulator.
   */
  base: DmcConfig | null;
  signal?: AbortSignal;
  /** Called at the start, every 10 data sets and at the last. */
  onProgress?: Progress;
}

/**
 * Posterior predictive checks: one experiment the size of the participant's simulated per chosen draw
 * (seeded by participant and draw, so the answer does not depend on where or in which order it runs),
 * reduced to bands per participant.
 */
export async function predictiveChecks(sim: InferenceSimulator, input: PredictiveInput): Promise<PredictiveStats[]> {
  const { participants, draws, paramNames, samples, seed, signal, onProgress } = input;
  const P = paramNames.length;
  const base = input.base ?? NOTEBOOK_CONFIG;
  const picks = spreadIndices(samples, input.ppcDraws);
  const total = participants.length * picks.length;
  let done = 0;
  onProgress?.(0, total);
  const predicted: PredictiveStats[] = [];
  for (let i = 0; i < participants.length; i++) {
    const n = participants[i]!.rt.length;
    const reps = await Promise.all(
      picks.map(async (k, rep) => {
        const o = (i * samples + k) * P;
        const params = drawToParams(paramNames, draws.subarray(o, o + P));
        const b = await sim.simulate(pointMass(params, base, n), ppcSeed(seed, i, rep), 1, signal ? { signal } : {});
        done++;
        if (done % 10 === 0 || done === total) onProgress?.(done, total);
        return trialStats(b);
      }),
    );
    predicted.push(predictiveBands(reps));
  }
  return predicted;
}
