import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/shared/rng.ts';
import { CALIBRATION_ALPHAS, calibrationError, nrmse, quantileSorted } from '../../../src/metrics/index.ts';
import { buildRecoveryPlots } from '../../../src/plots/diagnostics/recovery.ts';
import { buildCalibrationPlot } from '../../../src/plots/diagnostics/calibration.ts';
import { buildContractionPlot } from '../../../src/plots/diagnostics/contraction.ts';
import { coverage } from '../../../src/plots/diagnostics/draws.ts';
import type { PosteriorSample } from '../../../src/plots/diagnostics/draws.ts';
import { formatNumber } from '../../../src/plots/format.ts';
import { cfg, panels } from './helpers.ts';

/**
 * A calibrated Gaussian posterior: truth θ, posterior N(θ + σ·e, σ²) with e ~ N(0, 1), so every
 * central interval covers θ with its nominal probability. Two parameters on different scales.
 */
function sample(n = 40, S = 101, seed = 5): PosteriorSample {
  const rng = Rng.fromSeed(seed);
  const P = 2;
  const sd = [0.3, 20];
  const truths = new Float64Array(n * P);
  const draws = new Float32Array(n * S * P);
  for (let i = 0; i < n; i++) {
    truths[i * P] = rng.normal();
    truths[i * P + 1] = rng.uniform(100, 500);
    for (let j = 0; j < P; j++) {
      const centre = truths[i * P + j]! + sd[j]! * rng.normal();
      for (let s = 0; s < S; s++) draws[(i * S + s) * P + j] = centre + sd[j]! * rng.normal();
    }
  }
  return { draws, truths, n, S, P, names: ['A', 'tau'] };
}

const x = sample();

function column(j: number, i: number): number[] {
  return Array.from({ length: x.S }, (_, s) => x.draws[(i * x.S + s) * x.P + j]!);
}

describe('recovery', () => {
  const ps = panels(buildRecoveryPlots(x, { paramUnits: { tau: 'ms' } }));

  it('one panel per parameter with the metrics NRMSE in the title', () => {
    const e = nrmse(x.draws, x.truths, x.n, x.S, x.P);
    expect(ps.map((p) => p.title)).toEqual([`A — NRMSE ${formatNumber(e[0]!)}`, `tau — NRMSE ${formatNumber(e[1]!)}`]);
    expect(cfg(ps[1]!).options.plugins.title.text).toBe(ps[1]!.title);
    expect(cfg(ps[1]!).options.scales.x.title.text).toBe('True tau (ms)');
    expect(cfg(ps[1]!).options.scales.y.title.text).toBe('Posterior median of tau (ms)');
  });

  it('plots posterior medians against truths, with the identity line over both ranges', () => {
    const c = cfg(ps[0]!);
    const pts: { x: number; y: number }[] = c.data.datasets[0].data;
    expect(pts).toHaveLength(x.n);
    pts.forEach((p, i) => {
      expect(p.x).toBe(x.truths[i * x.P]);
      const sorted = column(0, i).sort((a, b) => a - b);
      expect(p.y).toBe(sorted[(x.S - 1) / 2]); // S odd: the middle draw
    });
    const id = c.data.datasets[1].data;
    const all = pts.flatMap((p) => [p.x, p.y]);
    expect(id).toEqual([
      { x: Math.min(...all), y: Math.min(...all) },
      { x: Math.max(...all), y: Math.max(...all) },
    ]);
  });
});

describe('calibration', () => {
  const c = cfg(buildCalibrationPlot(x));

  it('coverage per level per parameter; the diagonal; error matches metrics.calibrationError', () => {
    const errors = calibrationError(x.draws, x.truths, x.n, x.S, x.P);
    expect(c.data.datasets.map((d: { label: string }) => d.label)).toEqual([
      `A (error ${formatNumber(errors[0]!)})`,
      `tau (error ${formatNumber(errors[1]!)})`,
      'Ideal',
    ]);
    for (let j = 0; j < 2; j++) {
      const cov = coverage(x, j, CALIBRATION_ALPHAS);
      expect(c.data.datasets[j].data).toEqual(Array.from(CALIBRATION_ALPHAS, (a, k) => ({ x: a, y: cov[k] })));
      const dev = Array.from(CALIBRATION_ALPHAS, (a, k) => Math.abs(cov[k]! - a)).sort((p, q) => p - q);
      expect((dev[9]! + dev[10]!) / 2).toBe(errors[j]);
    }
    expect(c.data.datasets[2].data).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ]);
    expect(c.options.scales.x.title.text).toBe('Nominal level of the credible interval');
    expect(c.options.scales.y.title.text).toBe('Empirical coverage');
  });

  it('a calibrated posterior stays near the diagonal; an overconfident one falls below it', () => {
    for (const d of c.data.datasets.slice(0, 2)) for (const p of d.data) expect(Math.abs(p.y - p.x)).toBeLessThan(0.25);
    const narrow = {
      ...x,
      draws: x.draws.map((v, k) => {
        const i = Math.floor(k / (x.S * x.P));
        const j = k % x.P;
        const centre = quantileSorted(
          column(j, i).sort((a, b) => a - b),
          0.5,
        );
        return centre + (v - centre) * 0.2;
      }),
    };
    const n = cfg(buildCalibrationPlot(narrow));
    const at90 = n.data.datasets[0].data.find((p: { x: number }) => p.x > 0.89 && p.x < 0.92);
    expect(at90.y).toBeLessThan(0.6);
  });
});

describe('z-score vs contraction', () => {
  it('per data set: x = 1 − var_post/var_prior, y = (mean − truth)/sd', () => {
    const c = cfg(buildContractionPlot(x));
    expect(c.data.datasets.map((d: { label: string }) => d.label)).toEqual(['A', 'tau']);
    const truthsA = Array.from({ length: x.n }, (_, i) => x.truths[i * x.P]!);
    const m = (a: number[]): number => a.reduce((p, q) => p + q, 0) / a.length;
    const v = (a: number[]): number => a.reduce((p, q) => p + (q - m(a)) ** 2, 0) / (a.length - 1);
    const prior = v(truthsA);
    c.data.datasets[0].data.forEach((p: { x: number; y: number }, i: number) => {
      const d = column(0, i);
      expect(p.x).toBeCloseTo(1 - v(d) / prior, 10);
      expect(p.y).toBeCloseTo((m(d) - truthsA[i]!) / Math.sqrt(v(d)), 10);
    });
    expect(c.options.scales.x.title.text).toEqual([
      'Posterior contraction (unclipped)',
      'below 0: posterior wider than the prior',
    ]);
    expect(c.options.scales.y.title.text).toBe('Posterior z-score');
  });

  it('leaves out parameters whose truths are all equal, and says so', () => {
    const flat = { ...x, truths: x.truths.map((t, k) => (k % 2 === 0 ? 1 : t)) };
    const c = cfg(buildContractionPlot(flat));
    expect(c.data.datasets.map((d: { label: string }) => d.label)).toEqual(['tau']);
    expect(c.options.plugins.subtitle.text).toContain('not drawn (truths all equal): A');
  });
});

describe('diagnostics empty states', () => {
  it('no draws, bad shapes and non-finite draws explain themselves', () => {
    for (const build of [buildRecoveryPlots, buildCalibrationPlot, buildContractionPlot]) {
      expect(build(null)).toMatchObject({ kind: 'empty', reason: expect.stringContaining('No posterior draws') });
      expect(build({ ...x, n: 39 })).toMatchObject({
        kind: 'empty',
        reason: expect.stringContaining('draws has length 8080'),
      });
      const bad = x.draws.slice();
      bad[5] = NaN;
      expect(build({ ...x, draws: bad })).toMatchObject({
        kind: 'empty',
        reason: expect.stringContaining('draws[0][2][1] is NaN'),
      });
    }
    expect(buildContractionPlot({ ...sample(3, 1), S: 1 })).toMatchObject({
      kind: 'empty',
      reason: expect.stringContaining('S = 1'),
    });
  });
});
