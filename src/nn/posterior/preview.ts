/**
 * The live recovery preview of the Run view: after every epoch, posterior means of a few parameters for
 * a fixed handful of validation sets, from a few cheap draws (few draws, few Euler steps). It shows a
 * class whether a network is learning while it trains — points moving from a flat line (every mean at
 * the prior's mean) onto the diagonal (mean = truth) — at a cost of a few percent of an epoch.
 *
 * The same sets and the same base noise every epoch, so the points move only because the weights did.
 * Not a diagnostic: with 20 draws × 10 steps the means are rough; the trial's score uses the full draws.
 */
import type { Approximator } from '../networks/approximator.ts';
import type { SimBatch } from '../model/adapter.ts';
import { samplePosterior } from './sample.ts';

export interface PreviewOptions {
  /** Validation sets shown (the first ones of the validation data; default 16). */
  sets?: number;
  /** Posterior draws per set (default 20). */
  draws?: number;
  /** Euler steps of the flow ODE (default 10). */
  steps?: number;
  /** Parameters shown, by name (default b and mu_r: the ones a network learns first). */
  params?: readonly string[];
  /** Seed of the base noise, the same every epoch. */
  seed?: number;
}

/** Per shown parameter, the truths and the posterior means of the same sets, in set order. */
export interface RecoveryPreview {
  params: string[];
  truths: number[][];
  means: number[][];
}

export const PREVIEW_DEFAULTS = { sets: 16, draws: 20, steps: 10, params: ['b', 'mu_r'] as readonly string[] } as const;

/** The first `k` data sets of `batches` (in order, across batches) as one SimBatch per source batch. */
export function headSets(batches: readonly SimBatch[], k: number): SimBatch[] {
  const out: SimBatch[] = [];
  let left = k;
  for (const b of batches) {
    if (left <= 0) break;
    const n = Math.min(left, b.n);
    const P = b.paramNames.length;
    out.push({
      n,
      numObs: b.numObs,
      paramNames: b.paramNames,
      params: b.params.subarray(0, n * P),
      rt: b.rt.subarray(0, n * b.numObs),
      accuracy: b.accuracy.subarray(0, n * b.numObs),
      conditions: b.conditions.subarray(0, n * b.numObs),
    });
    left -= n;
  }
  return out;
}

/**
 * Posterior means of `opts.params` for the first `opts.sets` validation sets. Parameters the data
 * lack are left out (a study with sd_r fixed still shows b and mu_r). Needs the approximator's
 * standardization, which fit sets before the first step.
 */
export async function recoveryPreview(
  approx: Approximator,
  val: readonly SimBatch[],
  opts: PreviewOptions = {},
  signal?: AbortSignal,
): Promise<RecoveryPreview> {
  const standardization = approx.standardization;
  if (standardization === undefined || standardization === null) {
    throw new Error('recoveryPreview: the network has no standardization yet (call it after fit started)');
  }
  const sets = headSets(val, opts.sets ?? PREVIEW_DEFAULTS.sets);
  const names = sets[0]!.paramNames;
  const P = names.length;
  const n = sets.reduce((a, b) => a + b.n, 0);
  const S = opts.draws ?? PREVIEW_DEFAULTS.draws;
  const draws = await samplePosterior(approx, sets, standardization, {
    numSamples: S,
    steps: opts.steps ?? PREVIEW_DEFAULTS.steps,
    method: 'euler',
    seed: opts.seed ?? 0,
    chunkSize: n,
    ...(signal ? { signal } : {}),
  });
  const shown = (opts.params ?? PREVIEW_DEFAULTS.params).filter((p) => names.includes(p));
  const truths: number[][] = [];
  const means: number[][] = [];
  for (const p of shown) {
    const j = names.indexOf(p);
    const t: number[] = [];
    const m: number[] = [];
    let i = 0;
    for (const b of sets) {
      for (let r = 0; r < b.n; r++, i++) {
        t.push(b.params[r * P + j]!);
        let s = 0;
        for (let d = 0; d < S; d++) s += draws[(i * S + d) * P + j]!;
        m.push(s / S);
      }
    }
    truths.push(t);
    means.push(m);
  }
  return { params: shown, truths, means };
}
