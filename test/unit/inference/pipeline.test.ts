/**
 * The inference pipeline with its simulator and sampler injected: the phases in order, what each step is
 * handed, predictive bands that do not depend on where or in which order the simulations finish, and
 * cancellation passed through.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES,
  importTrials,
  predictiveChecks,
  PRIOR_PREDICTIVE_SETS,
  runInference,
  simulatorSettings,
  type InferenceSimulator,
  type ParticipantData,
  type PosteriorSampling,
} from '../../../src/inference/index.ts';
import { NOTEBOOK_CONFIG, simulateBatch, type DmcConfig } from '../../../src/sim/index.ts';
import { Rng } from '../../../src/shared/rng.ts';

const FIX = 'test/fixtures/inference';
const metadata = (
  JSON.parse(readFileSync(`${FIX}/network-small.json`, 'utf8')) as { metadata: Record<string, unknown> }
).metadata;
const settings = simulatorSettings(metadata)!;
const imported = importTrials(readFileSync(`${FIX}/flanker-dmcfun.txt`, 'utf8'), {
  ...DEFAULT_RULES,
  tmaxMs: settings.config.tmax,
}).result;
if (!imported.ok) throw new Error('fixture data did not import');
const participants = imported.data.participants;
const NAMES = ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'];

/** Draws around the prior means (a stand-in network): deterministic in the seed. */
const sampler: PosteriorSampling<{ draws: Float32Array; paramNames: string[]; backend: string }> = async (
  sets,
  { numSamples, seed },
) => {
  const rng = Rng.fromSeed(seed);
  const P = NAMES.length;
  const draws = new Float32Array(sets.length * numSamples * P);
  for (let k = 0; k < draws.length; k++)
    draws[k] = settings.config.priorMeans[k % P]! * (1 + 0.05 * (rng.float() - 0.5));
  return { draws, paramNames: NAMES, backend: 'fake' };
};

/** simulateBatch, recording each request; `delay` lets later requests finish first. */
function recorder(
  delay: (call: number) => number = () => 0,
): InferenceSimulator & { calls: { config: DmcConfig; seed: number; n: number; signal?: AbortSignal }[] } {
  const calls: { config: DmcConfig; seed: number; n: number; signal?: AbortSignal }[] = [];
  return {
    calls,
    simulate: async (config, seed, n, opts) => {
      const call = calls.push({ config, seed, n, ...(opts?.signal ? { signal: opts.signal } : {}) });
      await new Promise((r) => setTimeout(r, delay(call)));
      opts?.signal?.throwIfAborted();
      return simulateBatch(config, seed, n);
    },
  };
}

describe('runInference', () => {
  it('prior check → sampling → summaries → predictive bands, in that order, each handed what it needs', async () => {
    const sim = recorder();
    const phases: string[] = [];
    const sampled: { n: number; numSamples: number; steps: number; seed: number }[] = [];
    const out = await runInference(
      sim,
      async (sets, opts) => {
        sampled.push({ n: sets.length, numSamples: opts.numSamples, steps: opts.steps, seed: opts.seed });
        return sampler(sets, opts);
      },
      { participants, metadata, draws: 40, steps: 7, seed: 3, ppcDraws: 5, onPhase: (p) => phases.push(p) },
    );
    expect(phases).toEqual(['prior-check', 'sampling', 'ppc']);
    expect(sampled).toEqual([{ n: participants.length, numSamples: 40, steps: 7, seed: 3 }]);
    // first the prior predictive sets, then one data set per participant and chosen draw
    expect(sim.calls[0]).toMatchObject({ seed: 3, n: PRIOR_PREDICTIVE_SETS });
    expect(sim.calls.slice(1)).toHaveLength(participants.length * 5);
    expect(sim.calls.slice(1).every((c) => c.n === 1)).toBe(true);
    expect(out.sampled.backend).toBe('fake');
    expect(out.prior).toEqual({
      means: settings.config.priorMeans.slice(0, 6),
      sds: settings.config.priorSds.slice(0, 6),
    });
    expect(out.results.map((r) => r.id)).toEqual(participants.map((p) => p.id));
    for (const r of out.results) {
      expect(Object.keys(r.summaries)).toEqual(NAMES);
      expect(r.predicted?.replicates).toBe(5);
    }
    // the fixture network has barely learned: the pipeline says so once, for the whole run
    expect(out.networkWarnings.map((w) => w.kind)).toContain('not-learned');
  });

  it('no simulator in the file: no prior check; no ppcDraws: no predictive checks', async () => {
    const sim = recorder();
    const phases: string[] = [];
    const bare = { paramNames: NAMES };
    const out = await runInference(sim, sampler, {
      participants,
      metadata: bare,
      draws: 20,
      steps: 5,
      seed: 1,
      onPhase: (p) => phases.push(p),
    });
    expect(phases).toEqual(['sampling']);
    expect(sim.calls).toHaveLength(0);
    expect(out.settings).toBeNull();
    expect(out.prior).toBeNull();
    expect(out.results.every((r) => r.predicted === undefined)).toBe(true);
  });

  it('the signal reaches the simulator and the sampler; an abort rejects', async () => {
    const ac = new AbortController();
    const seen: (AbortSignal | undefined)[] = [];
    const sim = recorder(() => 20);
    const run = runInference(
      sim,
      async (sets, opts) => {
        seen.push(opts.signal);
        return sampler(sets, opts);
      },
      {
        participants,
        metadata,
        draws: 20,
        steps: 5,
        seed: 1,
        ppcDraws: 50,
        signal: ac.signal,
        onPhase: (p) => p === 'ppc' && ac.abort(),
      },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([ac.signal]);
    expect(sim.calls.every((c) => c.signal === ac.signal)).toBe(true);
  });
});

const some: ParticipantData[] = participants.slice(0, 2);
const drawn = await sampler(some, { numSamples: 30, steps: 1, seed: 9 });

describe('predictiveChecks', () => {
  const input = {
    participants: some,
    draws: drawn.draws,
    paramNames: NAMES,
    samples: 30,
    ppcDraws: 12,
    seed: 4,
    base: settings.config,
  };

  it('gives the same bands whatever order the simulations finish in (seeded per participant and draw)', async () => {
    const inOrder = await predictiveChecks(recorder(), input);
    const reversed = await predictiveChecks(
      recorder((call) => 40 - call),
      input,
    );
    expect(reversed).toEqual(inOrder);
    const otherSeed = await predictiveChecks(recorder(), { ...input, seed: 5 });
    expect(otherSeed).not.toEqual(inOrder);
  });

  it('reports progress from 0 to the total, every 10 data sets', async () => {
    const seen: [number, number][] = [];
    await predictiveChecks(recorder(), { ...input, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [0, 24],
      [10, 24],
      [20, 24],
      [24, 24],
    ]);
  });

  it('simulates point masses on the network’s simulator, or on the notebook’s without one', async () => {
    const own = recorder();
    await predictiveChecks(own, { ...input, base: { ...settings.config, tmax: 2222 }, ppcDraws: 1 });
    expect(own.calls.map((c) => c.config.tmax)).toEqual([2222, 2222]);
    expect(own.calls[0]!.config.priorSds.every((sd) => sd === 0)).toBe(true);
    const fallback = recorder();
    await predictiveChecks(fallback, { ...input, base: null, ppcDraws: 1 });
    expect(fallback.calls.map((c) => c.config.tmax)).toEqual([NOTEBOOK_CONFIG.tmax, NOTEBOOK_CONFIG.tmax]);
  });
});
