/**
 * Parameter recovery (BayesFlow `diagnostics/plots/recovery.py`): per parameter, the posterior median
 * of every test data set against its true value, with the identity line and the NRMSE of docs/design/networks.md
 * (from src/metrics, so the title shows the number that entered the objective).
 */
import type { ChartConfiguration } from 'chart.js';
import { nrmse, quantileSorted } from '../../metrics/index.ts';
import { baseOptions, withUnit } from '../common.ts';
import { formatNumber } from '../format.ts';
import { SERIES_COLORS } from '../colors.ts';
import { chart, empty } from '../types.ts';
import type { ChartPlot, PlotSet } from '../types.ts';
import { sampleProblem, sortedDraws } from './draws.ts';
import type { PosteriorSample } from './draws.ts';

export const RECOVERY_TITLE = 'Parameter Recovery';
export const NO_DRAWS_REASON =
  'No posterior draws for this trial. Diagnostics are stored for trials that finished training.';

export interface DiagnosticsPlotOptions {
  /** Units per parameter name, shown in the axis titles. */
  readonly paramUnits?: Readonly<Record<string, string>>;
}

export interface RecoveryPoint {
  readonly x: number;
  readonly y: number;
}

/** The dashed identity line y = x from lo to hi, as a scatter dataset (recovery plots, live and final). */
export function identityLine(label: string, lo: number, hi: number) {
  return {
    label,
    data: [
      { x: lo, y: lo },
      { x: hi, y: hi },
    ],
    showLine: true,
    pointRadius: 0,
    borderColor: '#555555',
    borderDash: [6, 4],
    borderWidth: 1.5,
  };
}

export function buildRecoveryPlots(sample: PosteriorSample | null, opts: DiagnosticsPlotOptions = {}): PlotSet {
  if (!sample) return empty(RECOVERY_TITLE, NO_DRAWS_REASON);
  const problem = sampleProblem(sample);
  if (problem) return empty(RECOVERY_TITLE, `The stored draws cannot be plotted: ${problem}.`);
  const { n, P, names } = sample;
  const errors = nrmse(sample.draws, sample.truths, n, sample.S, P);
  const plots: ChartPlot[] = [];
  for (let j = 0; j < P; j++) {
    const name = names[j]!;
    const points: RecoveryPoint[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = sample.truths[i * P + j]!;
      const y = quantileSorted(sortedDraws(sample, i, j), 0.5);
      points.push({ x, y });
      lo = Math.min(lo, x, y);
      hi = Math.max(hi, x, y);
    }
    const e = errors[j]!;
    const title = `${name} — NRMSE ${Number.isNaN(e) ? 'undefined (all truths equal)' : formatNumber(e)}`;
    const unit = opts.paramUnits?.[name];
    const options = baseOptions<'scatter'>(title, `${n} test data sets · ${sample.S} posterior draws each`);
    options.plugins!.legend = { display: false };
    options.scales = {
      x: { type: 'linear', title: { display: true, text: withUnit(`True ${name}`, unit) } },
      y: { type: 'linear', title: { display: true, text: withUnit(`Posterior median of ${name}`, unit) } },
    };
    const color = SERIES_COLORS[0]!;
    const config: ChartConfiguration<'scatter', RecoveryPoint[]> = {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'Posterior median', data: points, backgroundColor: color, borderColor: color, pointRadius: 3 },
          identityLine('Identity', lo, hi),
        ],
      },
      options,
    };
    plots.push(chart(title, config as ChartConfiguration));
  }
  return { kind: 'group', title: RECOVERY_TITLE, plots };
}
