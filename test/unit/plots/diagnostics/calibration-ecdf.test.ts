import { describe, expect, it } from 'vitest';
import { fractionalRanks, rankEcdf, simultaneousEcdfBands } from '../../../../src/metrics/index.ts';
import { buildCalibrationEcdfPlots } from '../../../../src/plots/diagnostics/calibration-ecdf.ts';
import type { PosteriorSample } from '../../../../src/plots/diagnostics/draws.ts';
import { Rng } from '../../../../src/shared/rng.ts';
import { cfg, panels } from '../helpers.ts';

function sample(n = 50, S = 60): PosteriorSample {
  const rng = Rng.fromSeed(3);
  const P = 2;
  const truths = new Float64Array(n * P);
  const draws = new Float32Array(n * S * P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < P; j++) {
      truths[i * P + j] = rng.normal();
      for (let s = 0; s < S; s++) draws[(i * S + s) * P + j] = truths[i * P + j]! + rng.normal();
    }
  }
  return { draws, truths, n, S, P, names: ['A', 'tau'] };
}

describe('calibration ECDF plot', () => {
  const x = sample();
  const ps = panels(buildCalibrationEcdfPlots(x));

  it('draws one panel per parameter: the band (lower, upper filled to it) and the difference ECDF', () => {
    expect(ps.map((p) => p.title)).toEqual(['A — rank ECDF', 'tau — rank ECDF']);
    const ranks = fractionalRanks(x.draws, x.truths, x.n, x.S, x.P);
    const band = simultaneousEcdfBands(x.n, { seed: 1 });
    for (let j = 0; j < 2; j++) {
      const [lower, upper, ecdf] = cfg(ps[j]!).data.datasets;
      expect(upper.fill).toBe('-1');
      expect(upper.label).toBe('95 % confidence band');
      expect(lower.data[3]).toEqual({ x: band.z[3], y: band.lower[3]! - band.z[3]! });
      expect(upper.data[3]).toEqual({ x: band.z[3], y: band.upper[3]! - band.z[3]! });
      const line = rankEcdf(
        Array.from({ length: x.n }, (_, i) => ranks[i * 2 + j]!),
        true,
      );
      expect(ecdf.data.map((p: { y: number }) => p.y)).toEqual(Array.from(line.y));
      expect(cfg(ps[j]!).options.scales.y.title.text).toBe('ECDF difference');
    }
  });

  it('draws the plain ECDF on request, and says why nothing is drawn without draws', () => {
    const plain = panels(buildCalibrationEcdfPlots(x, { plainEcdf: true, band: { confidence: 0.9 } }));
    const [, upper, ecdf] = cfg(plain[0]!).data.datasets;
    expect(upper.label).toBe('90 % confidence band');
    expect(ecdf.data.at(-1)).toEqual({ x: 1, y: 1 });
    const none = buildCalibrationEcdfPlots(null);
    expect(none.kind).toBe('empty');
    const bad = buildCalibrationEcdfPlots({ ...x, n: 7 });
    expect(bad.kind === 'empty' && bad.reason).toMatch(/draws has length/);
  });
});
