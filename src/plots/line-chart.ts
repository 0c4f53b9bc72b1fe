/**
 * The small line-chart vocabulary shared by the explorer's and the predictive checks' charts: a line
 * dataset, a linear-x chart with titled axes, and (x, y) points from two columns. `animation: false`
 * throughout: these charts are redrawn at every slider step or predictive-check run.
 */
import type { ChartConfiguration } from 'chart.js';
import { formatTick } from './format.ts';

export type Points = { x: number; y: number }[];

export function line(label: string, data: Points, rgb: string, extra: object = {}): object {
  return {
    type: 'line',
    label,
    data,
    borderColor: `rgb(${rgb})`,
    backgroundColor: `rgb(${rgb})`,
    pointRadius: 0,
    borderWidth: 2,
    ...extra,
  };
}

export function lineChart(
  title: string,
  xTitle: string,
  yTitle: string,
  datasets: object[],
  y: object = {},
): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: { datasets: datasets as ChartConfiguration<'line'>['data']['datasets'] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
      scales: {
        x: { type: 'linear', title: { display: true, text: xTitle }, ticks: { callback: formatTick } },
        y: { title: { display: true, text: yTitle }, ticks: { callback: formatTick }, ...y },
      },
    },
  };
}

export const pts = (xs: readonly number[], ys: readonly number[]): Points => xs.map((x, i) => ({ x, y: ys[i]! }));
