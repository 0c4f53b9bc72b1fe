import { describe, expect, it } from 'vitest';
import { computeDiagnostics, learningVerdict, tableToRecord, verdictOf } from '../../../src/metrics/index.ts';
import { Rng } from '../../../src/shared/index.ts';

/**
 * Draws of a calibrated Gaussian posterior: for each data set, truth θ ~ N(m, σ), the network "sees"
 * x = θ + noise of sd σ_n and answers the exact posterior N(post mean, post sd). σ_n = ∞ is a network
 * that ignores the data (its posterior is the prior); small σ_n is one that learned the parameter.
 */
function simulate(
  noiseSds: readonly number[],
  n = 200,
  S = 200,
  seed = 3,
): { draws: Float64Array; truths: Float64Array; P: number } {
  const P = noiseSds.length;
  const rng = Rng.stream(seed, 0);
  const m = 100;
  const sd = 30;
  const truths = new Float64Array(n * P);
  const draws = new Float64Array(n * S * P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < P; j++) {
      const theta = m + sd * rng.normal();
      truths[i * P + j] = theta;
      const sn = noiseSds[j]!;
      // conjugate normal: precision adds up
      const postVar = Number.isFinite(sn) ? 1 / (1 / sd ** 2 + 1 / sn ** 2) : sd ** 2;
      const x = Number.isFinite(sn) ? theta + sn * rng.normal() : 0;
      const postMean = Number.isFinite(sn) ? postVar * (m / sd ** 2 + x / sn ** 2) : m;
      for (let s = 0; s < S; s++) draws[(i * S + s) * P + j] = postMean + Math.sqrt(postVar) * rng.normal();
    }
  }
  return { draws, truths, P };
}

const NAMES = ['A', 'tau', 'mu_c', 'mu_r', 'b'];

function verdictFor(noiseSds: readonly number[]) {
  const { draws, truths, P } = simulate(noiseSds);
  return learningVerdict(tableToRecord(computeDiagnostics(draws, truths, 200, 200, P, NAMES)));
}

describe('learningVerdict', () => {
  it('says a network whose posteriors are the prior has not learned', () => {
    const v = verdictFor([Infinity, Infinity, Infinity, Infinity, Infinity]);
    expect(v.kind).toBe('none');
    expect(v.learned).toEqual([]);
    expect(v.none).toEqual(NAMES);
    expect(v.short).toBe('not learned');
    expect(v.text).toMatch(/^has not learned: posteriors about as wide as the prior \(contraction ≤ 0\.[01]\d\)$/);
    // a calibrated uninformative network is not flagged as miscalibrated
    expect(v.miscalibrated).toEqual([]);
  });

  it('names the parameters a network learned (b and mu_r) and those it did not', () => {
    // σ_n = σ/2 → contraction 0.8; σ_n = 4σ/3 → 0.36 (barely); ∞ → 0
    const v = verdictFor([Infinity, 40, Infinity, 15, 15]);
    expect(v.kind).toBe('learned');
    expect(v.learned).toEqual(['mu_r', 'b']);
    expect(v.weak).toEqual(['tau']);
    expect(v.none).toEqual(['A', 'mu_c']);
    expect(v.short).toBe('learned mu_r, b');
    expect(v.text).toMatch(/^learned mu_r 0\.\d\d, b 0\.\d\d \(contraction\); barely tau; not A, mu_c$/);
  });

  it('calls posteriors only a little narrower than the prior "barely learned"', () => {
    const v = verdictFor([40, 40, Infinity, 40, 40]);
    expect(v.kind).toBe('weak');
    expect(v.short).toBe('barely learned');
  });

  it('flags narrow posteriors that miss the truths as miscalibrated and not learned', () => {
    // an overconfident network that ignores the data: sd 3 around the prior mean
    const n = 200;
    const S = 100;
    const rng = Rng.stream(9, 0);
    const truths = Float64Array.from({ length: n }, () => 100 + 30 * rng.normal());
    const draws = Float64Array.from({ length: n * S }, () => 100 + 3 * rng.normal());
    const v = learningVerdict(tableToRecord(computeDiagnostics(draws, truths, n, S, 1, ['b'])));
    expect(v.params[0]!.contraction).toBeGreaterThan(0.9);
    expect(v.miscalibrated).toEqual(['b']);
    expect(v.learned).toEqual([]);
    expect(v.text).toMatch(
      /^has barely learned: posteriors narrower than the prior but off the truths \(calibration error b 0\.\d\d where learned needs ≤ 0\.15\)$/,
    );
  });

  it('reads stored records with nulls (NaN in JSON) and refuses what is not one', () => {
    const rec = {
      NRMSE: { b: 0.1, A: null },
      'Posterior Contraction': { b: 0.7, A: null },
      'Calibration Error': { b: 0.02, A: null },
    };
    const v = verdictOf(rec)!;
    expect(v.kind).toBe('learned');
    expect(v.params.find((p) => p.name === 'A')!.level).toBe('unknown');
    const flat = verdictOf({
      NRMSE: { A: 0.3, b: 0.28 },
      'Posterior Contraction': { A: 0, b: 0 },
      'Calibration Error': { A: 0.02, b: 0.04 },
    })!;
    expect(flat.text).toBe(
      'has not learned: posteriors about as wide as the prior (contraction 0 for every parameter)',
    );
    expect(verdictOf(undefined)).toBeNull();
    expect(verdictOf({ NRMSE: { b: 1 } })).toBeNull();
    expect(verdictOf({ 'Posterior Contraction': { A: null }, NRMSE: { A: null } })!.kind).toBe('unknown');
  });
});
