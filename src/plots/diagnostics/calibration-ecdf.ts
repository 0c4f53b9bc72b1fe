/**
 * Calibration ECDF (BayesFlow `diagnostics/plots/calibration_ecdf.py`), one panel per parameter: the ECDF
 * of the fractional ranks of the truths among their posterior draws minus the uniform CDF
 * (`difference=True`, as amortized-dmc's notebooks draw it; BayesFlow's own default is the plain ECDF),
 * with the simultaneous 95 % band of Säilynoja et al. (2022) shaded grey. A calibrated posterior stays
 * inside the band; a curve above it means truths sit low in their posteriors (overestimation), below
 * it high (underestimation); a ∩ shape means posteriors are too wide, a ∪ too narrow.
 * The band is simulated from a fixed seed, so the same draws always give the same picture.
 */
import type { ChartConfiguration } from 'chart.js';
import { fractionalRanks, rankEcdf, simultaneousEcdfBands, type EcdfBandOptions } from '../../metrics/index.ts';
import { baseOptions } from '../common.ts';
import { chart, empty } from '../types.ts';
import type { ChartPlot, PlotSet } from '../types.ts';
import { sampleProblem } from './draws.ts';
import type { PosteriorSample } from './draws.ts';
import { NO_DRAWS_REASON } from './recovery.ts';

export const CALIBRATION_ECDF_TITLE = 'Calibration ECDF';
/** BayesFlow's `rank_ecdf_color` and `fill_color="grey"` at alpha 0.2. */
const ECDF_COLOR = '#132a70';
const BAND_FILL = 'rgba(128, 128, 128, 0.2)';

export interface CalibrationEcdfOptions {
  /** Plot the ECDF itself instead of its difference from the uniform CDF. */
  readonly plainEcdf?: boolean;
  /** Band settings (BayesFlow defaults: 95 %, 1000 simulations); the seed defaults to 1. */
  readonly band?: EcdfBandOptions;
}

interface XY {
  readonly x: number;
  readonly y: number;
}

export function buildCalibrationEcdfPlots(sample: PosteriorSample | null, opts: CalibrationEcdfOptions = {}): PlotSet {
  if (!sample) return empty(CALIBRATION_ECDF_TITLE, NO_DRAWS_REASON);
  const problem = sampleProblem(sample);
  if (problem) return empty(CALIBRATION_ECDF_TITLE, `The stored draws cannot be plotted: ${problem}.`);
  const { n, S, P, names } = sample;
  const difference = !opts.plainEcdf;
  const ranks = fractionalRanks(sample.draws, sample.truths, n, S, P);
  const band = simultaneousEcdfBands(n, { seed: 1, ...opts.band });
  const level = Math.round((1 - band.alpha) * 100);
  const shift = (k: number) => (difference ? band.z[k]! : 0);
  const lower: XY[] = Array.from(band.z, (z, k) => ({ x: z, y: band.lower[k]! - shift(k) }));
  const upper: XY[] = Array.from(band.z, (z, k) => ({ x: z, y: band.upper[k]! - shift(k) }));
  const plots: ChartPlot[] = [];
  for (let j = 0; j < P; j++) {
    const column = Array.from({ length: n }, (_, i) => ranks[i * P + j]!);
    const line = rankEcdf(column, difference);
    const data: XY[] = Array.from(line.x, (x, k) => ({ x, y: line.y[k]! }));
    const title = `${names[j]!} — rank ECDF`;
    const options = baseOptions<'scatter'>(title, `${n} test data sets · ${S} posterior draws each`);
    options.plugins!.legend = { labels: { filter: (item) => item.text !== '' } };
    options.scales = {
      x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'Fractional rank statistic' } },
      y: { type: 'linear', title: { display: true, text: difference ? 'ECDF difference' : 'ECDF' } },
    };
    const edge = { showLine: true, pointRadius: 0, borderWidth: 0, borderColor: BAND_FILL, backgroundColor: BAND_FILL };
    const config: ChartConfiguration<'scatter', XY[]> = {
      type: 'scatter',
      data: {
        datasets: [
          { label: '', data: lower, ...edge, fill: false },
          { label: `${level} % confidence band`, data: upper, ...edge, fill: '-1' },
          {
            label: 'Rank ECDF',
            data,
            showLine: true,
            pointRadius: 0,
            borderWidth: 1.5,
            borderColor: ECDF_COLOR,
            backgroundColor: ECDF_COLOR,
          },
        ],
      },
      options,
    };
    plots.push(chart(title, config as ChartConfiguration));
  }
  return { kind: 'group', title: CALIBRATION_ECDF_TITLE, plots };
}
