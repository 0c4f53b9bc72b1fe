/**
 * Calibration: empirical coverage of the central credible intervals against their nominal level,
 * one line per parameter, with the diagonal of perfect calibration. The levels are the α grid of the
 * calibration error (src/metrics CALIBRATION_ALPHAS, linspace(0.005, 0.995, 20)), so the legend's
 * error — median over α of |coverage − α| — is the "Calibration Error" row of the diagnostics table.
 */
import type { ChartConfiguration } from 'chart.js';
import { CALIBRATION_ALPHAS, median } from '../../metrics/index.ts';
import { baseOptions } from '../common.ts';
import { formatNumber } from '../format.ts';
import { seriesColor } from '../colors.ts';
import { chart, empty } from '../types.ts';
import type { Plot } from '../types.ts';
import { coverage, sampleProblem } from './draws.ts';
import type { PosteriorSample } from './draws.ts';
import { NO_DRAWS_REASON } from './recovery.ts';

export const CALIBRATION_TITLE = 'Calibration: Coverage vs Nominal Level';

export interface CoveragePoint {
  readonly x: number;
  readonly y: number;
}

export interface CalibrationOptions {
  /** Nominal levels in (0, 1); default CALIBRATION_ALPHAS. */
  readonly levels?: ArrayLike<number>;
}

export function buildCalibrationPlot(sample: PosteriorSample | null, opts: CalibrationOptions = {}): Plot {
  if (!sample) return empty(CALIBRATION_TITLE, NO_DRAWS_REASON);
  const problem = sampleProblem(sample);
  if (problem) return empty(CALIBRATION_TITLE, `The stored draws cannot be plotted: ${problem}.`);
  const levels = Array.from(opts.levels ?? CALIBRATION_ALPHAS);
  const datasets = sample.names.map((name, j) => {
    const cov = coverage(sample, j, levels);
    const error = median(levels.map((a, k) => Math.abs(cov[k]! - a)));
    const color = seriesColor(j);
    return {
      label: `${name} (error ${formatNumber(error)})`,
      data: levels.map((a, k): CoveragePoint => ({ x: a, y: cov[k]! })),
      borderColor: color,
      backgroundColor: color,
      showLine: true,
      pointRadius: 2,
      borderWidth: 1.5,
    };
  });
  datasets.push({
    label: 'Ideal',
    data: [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
    borderColor: '#555555',
    backgroundColor: '#555555',
    showLine: true,
    pointRadius: 0,
    borderWidth: 1.5,
    borderDash: [6, 4],
  } as (typeof datasets)[number]);
  const options = baseOptions<'scatter'>(
    CALIBRATION_TITLE,
    `${sample.n} test data sets · central credible intervals · error = median |coverage − level|`,
  );
  options.scales = {
    x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'Nominal level of the credible interval' } },
    y: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'Empirical coverage' } },
  };
  const config: ChartConfiguration<'scatter', CoveragePoint[]> = { type: 'scatter', data: { datasets }, options };
  return chart(CALIBRATION_TITLE, config as ChartConfiguration);
}
