import { describe, expect, it } from 'vitest';
import type { MetricsVsNumObs } from '../../../src/metrics/index.ts';
import { buildMetricsVsNPlots } from '../../../src/plots/metrics-vs-n.ts';
import { cfg, panels } from './helpers.ts';

const result: MetricsVsNumObs = {
  numObs: [100, 300, 500],
  names: ['A', 'tau'],
  values: {
    NRMSE: [
      [0.3, 0.2, 0.15],
      [0.4, Number.NaN, 0.2],
    ],
    'Posterior Contraction': [
      [0.5, 0.7, 0.8],
      [0.4, 0.6, 0.7],
    ],
    'Calibration Error': [
      [0.05, 0.04, 0.03],
      [0.06, 0.05, 0.02],
    ],
  },
};

describe('metrics vs N plot', () => {
  it('draws one panel per metric with a line per parameter over N, NaN as a gap', () => {
    const ps = panels(buildMetricsVsNPlots(result, { trained: [400, 600], valSets: 50 }));
    expect(ps.map((p) => p.title)).toEqual(['NRMSE vs N', 'Posterior Contraction vs N', 'Calibration Error vs N']);
    const c = cfg(ps[0]!);
    expect(c.data.datasets[0].data).toEqual([
      { x: 100, y: 0.3 },
      { x: 300, y: 0.2 },
      { x: 500, y: 0.15 },
    ]);
    expect(c.data.datasets[1].data[1]).toEqual({ x: 300, y: null });
    // The trained range as a filled band between two invisible lines.
    const band = c.data.datasets.slice(2);
    expect(band.map((d: { data: { x: number }[] }) => d.data.map((p) => p.x))).toEqual([
      [400, 600],
      [400, 600],
    ]);
    expect(band[1].fill).toBe('-1');
    expect(c.options.plugins.subtitle.text).toBe('50 validation sets per N · trained on N 400–600 (shaded)');
    expect(c.options.scales.x).toMatchObject({ min: 100, max: 500 });
    expect(cfg(ps[1]!).options.scales.y).toMatchObject({ min: 0, max: 1 });
  });

  it('says what to do before any evaluation', () => {
    const none = buildMetricsVsNPlots(null);
    expect(none.kind === 'empty' && none.reason).toMatch(/press “Metrics vs N”/);
    const fixed = panels(buildMetricsVsNPlots(result, { trained: [500, 500] }));
    expect(cfg(fixed[2]!).options.plugins.subtitle.text).toBe('trained on N = 500 (shaded)');
  });
});
