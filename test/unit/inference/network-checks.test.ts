/**
 * The one warning above the posteriors: a network that has not learned, data of another trial count
 * than the network saw, draws outside the prior's support, each with its fix, and silence for a
 * network that learned, applied inside its range, whose draws stay inside the prior.
 */
import { describe, expect, it } from 'vitest';
import { networkWarnings, simulatorSettings } from '../../../src/inference/index.ts';
import { Rng } from '../../../src/shared/index.ts';
import { NOTEBOOK_CONFIG } from '../../../src/sim/index.ts';

const NAMES = ['A', 'b'];
const PRIOR = { means: [70, 98], sds: [20, 30] };
const fixed50 = simulatorSettings({ simulator: { ...NOTEBOOK_CONFIG, fixedNumObs: 50, minNumObs: 50, maxNumObs: 50 } });
const range = simulatorSettings({
  simulator: { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 50, maxNumObs: 1000 },
});

const metrics = (pc: number, nrmse: number) => ({
  NRMSE: { A: nrmse, b: nrmse },
  'Posterior Contraction': { A: pc, b: pc },
  'Calibration Error': { A: 0.03, b: 0.03 },
});

/** participants × S draws of (A, b), each N(mean, sd) per parameter. */
function draws(n: number, S: number, mean: [number, number], sd: [number, number], seed = 1): Float32Array {
  const rng = Rng.stream(seed, 0);
  const out = new Float32Array(n * S * 2);
  for (let k = 0; k < n * S; k++) {
    out[2 * k] = mean[0] + sd[0] * rng.normal();
    out[2 * k + 1] = mean[1] + sd[1] * rng.normal();
  }
  return out;
}

describe('networkWarnings', () => {
  it('says nothing for a network that learned, used inside its trial range, with draws inside the prior', () => {
    const w = networkWarnings({
      metadata: { metrics: metrics(0.7, 0.12) },
      settings: range,
      trials: [336, 320],
      draws: draws(2, 500, [70, 98], [8, 10]),
      paramNames: NAMES,
      prior: PRIOR,
    });
    expect(w).toEqual([]);
  });

  it('the demo network applied to the flanker data (issue 18): not learned, 50 vs 336 trials, A below 0, b far out', () => {
    const w = networkWarnings({
      metadata: { metrics: metrics(0.045, 0.27) },
      settings: fixed50,
      trials: Array.from({ length: 16 }, () => 336),
      draws: draws(16, 500, [-12, 178], [20, 25]),
      paramNames: NAMES,
      prior: PRIOR,
    });
    expect(w.map((x) => x.kind)).toEqual(['not-learned', 'num-obs', 'prior-support']);
    expect(w[0]!.message).toContain('has not learned: posteriors about as wide as the prior (contraction ≤ 0.05)');
    expect(w[0]!.fix).toMatch(/Train longer/);
    expect(w[1]!.message).toBe(
      'All 16 participants have 336 trials, but the network was trained on data sets of 50 trials only: it never saw data of this size, and its posteriors here are an extrapolation.',
    );
    expect(w[1]!.fix).toMatch(/^Train a network on a range of trial counts that includes 336 /);
    expect(w[2]!.message).toMatch(
      /^Draws below 0, where the prior \(truncated at 0\) has no mass: A \d+ % of them; draws more than 3 prior sd from the prior mean, where the prior puts 0.3 %: b \d+ % \(prior 98 ± 30\)\.$/,
    );
    expect(w[2]!.fix).toBe('This follows from the warnings above: fix those first.');
  });

  it('names only the participants outside the range, and the range that covers the data', () => {
    const w = networkWarnings({
      metadata: null,
      settings: range,
      trials: [40, 336, 1200],
      draws: draws(3, 100, [70, 98], [8, 10]),
      paramNames: NAMES,
      prior: PRIOR,
    });
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(
      /^2 of 3 participants have 40–1200 trials, but the network was trained on data sets of 50–1000 trials only/,
    );
    expect(w[0]!.fix).toContain('covers 40–1200');
  });

  it('draws in the prior tails alone point at the prior, and a few draws out there are no warning', () => {
    const far = networkWarnings({
      metadata: null,
      settings: null,
      trials: [100],
      draws: draws(1, 1000, [70, 200], [5, 5]),
      paramNames: NAMES,
      prior: PRIOR,
    });
    expect(far.map((x) => x.kind)).toEqual(['prior-support']);
    expect(far[0]!.message).toMatch(
      /^Draws more than 3 prior sd from the prior mean, where the prior puts 0.3 %: b 100 % \(prior 98 ± 30\)\.$/,
    );
    expect(far[0]!.fix).toMatch(/^If such values are plausible for your participants, the prior is too narrow/);
    // draws from the prior itself: 0.3 % beyond 3 sd, and A below 0 at 3.5 sd
    expect(
      networkWarnings({
        metadata: null,
        settings: null,
        trials: [100],
        draws: draws(4, 1000, [70, 98], [20, 30]),
        paramNames: NAMES,
        prior: PRIOR,
      }),
    ).toEqual([]);
  });
});
