/**
 * Metrics vs trial count N (src/metrics/metrics-vs-n.ts; amortized-dmc's `metrics_num_obs.py`): one panel
 * per diagnostic — NRMSE, posterior contraction, calibration error — with a line per parameter over the N
 * the network was scored at. The trained range is shaded, so a reader sees at once whether their
 * participants' trial counts lie inside it. Undefined cells (NaN) leave a gap in the line.
 */
import type { ChartConfiguration } from 'chart.js';
import { METRIC_ROWS, type MetricRow, type MetricsVsNumObs } from '../metrics/index.ts';
import { baseOptions } from './common.ts';
import { seriesColor } from './colors.ts';
import { chart, empty } from './types.ts';
import type { ChartPlot, PlotSet } from './types.ts';

export const METRICS_VS_N_TITLE = 'Metrics vs Trial Count N';
const TRAINED_FILL = 'rgba(46, 125, 50, 0.12)';

/** Lower is better for NRMSE and calibration error, higher for contraction: said on the axis. */
const AXIS: Record<MetricRow, readonly [string, string]> = {
  NRMSE: ['NRMSE', 'lower is better'],
  'Posterior Contraction': ['Posterior contraction', 'higher is better'],
  'Calibration Error': ['Calibration error', 'lower is better'],
};

interface XY {
  readonly x: number;
  readonly y: number | null;
}

export interface MetricsVsNOptions {
  /** [min, max] trial counts the network was trained on. */
  readonly trained?: readonly [number, number];
  /** Validation sets per N, for the subtitle. */
  readonly valSets?: number;
}

export function buildMetricsVsNPlots(result: MetricsVsNumObs | null, opts: MetricsVsNOptions = {}): PlotSet {
  if (!result || result.numObs.length === 0) {
    return empty(METRICS_VS_N_TITLE, 'No evaluation yet: choose the trial counts and press “Metrics vs N”.');
  }
  const { numObs, names } = result;
  const lo = Math.min(...numObs);
  const hi = Math.max(...numObs);
  const pad = lo === hi ? Math.max(1, lo * 0.1) : 0;
  const parts: string[] = [];
  if (opts.valSets !== undefined) parts.push(`${opts.valSets} validation sets per N`);
  if (opts.trained) {
    const [a, b] = opts.trained;
    parts.push(`trained on N ${a === b ? `= ${a}` : `${a}–${b}`} (shaded)`);
  }
  const plots: ChartPlot[] = METRIC_ROWS.map((row) => {
    const datasets: ChartConfiguration<'scatter', XY[]>['data']['datasets'] = names.map((name, j) => {
      const color = seriesColor(j);
      const values = result.values[row][j]!;
      return {
        label: name,
        data: numObs.map((x, k) => ({ x, y: Number.isFinite(values[k]!) ? values[k]! : null })),
        showLine: true,
        spanGaps: false,
        borderColor: color,
        backgroundColor: color,
        pointRadius: 3,
        borderWidth: 1.5,
      };
    });
    if (opts.trained) {
      // A band over the trained range, drawn as two invisible lines at the y-axis limits filled between.
      const [a, b] = opts.trained;
      const ys = result.values[row].flat().filter(Number.isFinite);
      const top = Math.max(row === 'NRMSE' ? 0 : 1, ...ys) * 1.05;
      const edge = { showLine: true, pointRadius: 0, borderWidth: 0, borderColor: TRAINED_FILL };
      datasets.push(
        {
          label: '',
          data: [
            { x: a, y: 0 },
            { x: b, y: 0 },
          ],
          ...edge,
          backgroundColor: TRAINED_FILL,
          fill: false,
        },
        {
          label: 'trained range',
          data: [
            { x: a, y: top },
            { x: b, y: top },
          ],
          ...edge,
          backgroundColor: TRAINED_FILL,
          fill: '-1',
        },
      );
    }
    const options = baseOptions<'scatter'>(row, parts.join(' · '));
    options.plugins!.legend = { display: true, labels: { filter: (item) => item.text !== '' } };
    options.scales = {
      x: {
        type: 'linear',
        min: lo - pad,
        max: hi + pad,
        title: { display: true, text: 'Trials per data set N' },
      },
      y: {
        type: 'linear',
        min: 0,
        ...(row === 'NRMSE' ? {} : { max: 1 }),
        title: { display: true, text: [...AXIS[row]] },
      },
    };
    const config: ChartConfiguration<'scatter', XY[]> = { type: 'scatter', data: { datasets }, options };
    return chart(`${row} vs N`, config as ChartConfiguration);
  });
  return { kind: 'group', title: METRICS_VS_N_TITLE, plots };
}
