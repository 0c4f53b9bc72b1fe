/**
 * Charts of Infer's posterior predictive checks: correct-RT quantiles per condition, the delta function,
 * the conditional accuracy functions and the error rates. Observed statistics are points; predicted ones
 * the mean over simulated data sets (line) and their central 95 % (dashed). The inputs are structural
 * (inference/ppc.ts's TrialStats and PredictiveStats fit them), so this layer needs no inference import.
 */
import type { ChartConfiguration } from 'chart.js';
import { PRIMARY_RGB, SECONDARY_RGB } from './colors.ts';
import { line, lineChart, pts } from './line-chart.ts';

type Cond = 'congruent' | 'incongruent';
const CONDS: readonly Cond[] = ['congruent', 'incongruent'];
const COL: Record<Cond, string> = { congruent: PRIMARY_RGB, incongruent: SECONDARY_RGB };
const DELTA_RGB = '90, 60, 160';

export interface PpcBand {
  mean: number;
  lo: number;
  hi: number;
}

export interface PpcObserved {
  quantiles: Record<Cond, readonly number[]>;
  delta: readonly number[];
  deltaX: readonly number[];
  caf: Record<Cond, readonly number[]>;
  errorRate: Record<Cond, number>;
}

export interface PpcPredicted {
  quantiles: Record<Cond, readonly PpcBand[]>;
  delta: readonly PpcBand[];
  deltaX: readonly number[];
  caf: Record<Cond, readonly PpcBand[]>;
  errorRate: Record<Cond, PpcBand>;
}

export interface PpcCharts {
  quantiles: ChartConfiguration;
  delta: ChartConfiguration;
  caf: ChartConfiguration;
  errors: ChartConfiguration;
}

/** The legend hides the upper dashed line: one "95 %" entry stands for the band. */
const UPPER = '(upper)';

function bandLines(name: string, xs: readonly number[], b: readonly PpcBand[], rgb: string): object[] {
  const dashed = { borderDash: [4, 3], borderWidth: 1 };
  return [
    line(
      `${name} predicted`,
      pts(
        xs,
        b.map((v) => v.mean),
      ),
      rgb,
      { borderWidth: 1.5 },
    ),
    line(
      `${name} 95 %`,
      pts(
        xs,
        b.map((v) => v.lo),
      ),
      rgb,
      dashed,
    ),
    line(
      `${name} 95 % ${UPPER}`,
      pts(
        xs,
        b.map((v) => v.hi),
      ),
      rgb,
      dashed,
    ),
  ];
}

function observedPoints(name: string, xs: readonly number[], ys: readonly number[], rgb: string): object {
  return {
    type: 'scatter',
    label: `${name} observed`,
    data: pts(xs, ys),
    backgroundColor: `rgb(${rgb})`,
    pointRadius: 4,
  };
}

function withBandLegend(chart: ChartConfiguration<'line'>): ChartConfiguration {
  chart.options!.plugins!.legend = {
    position: 'bottom',
    labels: { filter: (item) => !item.text.includes(UPPER) },
  };
  return chart as ChartConfiguration;
}

function errorChart(observed: PpcObserved, predicted: PpcPredicted | null): ChartConfiguration {
  const pct = (x: number): string => (100 * x).toFixed(1);
  const range = (c: Cond): string => `${pct(predicted!.errorRate[c].lo)}–${pct(predicted!.errorRate[c].hi)} %`;
  return {
    type: 'bar',
    data: {
      labels: [...CONDS],
      datasets: [
        {
          label: 'observed',
          data: CONDS.map((c) => 100 * observed.errorRate[c]),
          backgroundColor: 'rgba(60, 60, 60, 0.75)',
        },
        ...(predicted
          ? [
              {
                label: 'predicted (mean)',
                data: CONDS.map((c) => 100 * predicted.errorRate[c].mean),
                backgroundColor: `rgba(${PRIMARY_RGB}, 0.6)`,
              },
            ]
          : []),
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        title: { display: true, text: 'Error rate' },
        legend: { position: 'bottom' },
        subtitle: predicted
          ? {
              display: true,
              text: `predicted 95 %: congruent ${range('congruent')}, incongruent ${range('incongruent')}`,
            }
          : { display: false },
      },
      scales: { y: { beginAtZero: true, title: { display: true, text: '% errors' } } },
    },
  };
}

/**
 * The four predictive-check charts at the quantile levels the statistics were taken at (inference's
 * PPC_QUANTILES); `predicted` null draws the observed statistics alone.
 */
export function buildPpcCharts(
  observed: PpcObserved,
  predicted: PpcPredicted | null,
  quantileXs: readonly number[],
): PpcCharts {
  const quantiles = lineChart(
    'RT quantiles (correct trials)',
    'quantile',
    'RT (ms)',
    CONDS.flatMap((c) => [
      observedPoints(c, quantileXs, observed.quantiles[c], COL[c]),
      ...(predicted ? bandLines(c, quantileXs, predicted.quantiles[c], COL[c]) : []),
    ]),
  );
  const delta = lineChart('Delta function (incongruent − congruent)', 'mean RT of the quantile (ms)', 'Δ RT (ms)', [
    observedPoints('delta', observed.deltaX, observed.delta, DELTA_RGB),
    ...(predicted ? bandLines('delta', predicted.deltaX, predicted.delta, DELTA_RGB) : []),
  ]);
  const caf = lineChart(
    'Conditional accuracy functions',
    'RT bin (fast → slow)',
    'accuracy',
    CONDS.flatMap((c) => {
      const bins = observed.caf[c].map((_, i) => i + 1);
      return [
        observedPoints(c, bins, observed.caf[c], COL[c]),
        ...(predicted ? bandLines(c, bins, predicted.caf[c], COL[c]) : []),
      ];
    }),
    { max: 1 },
  );
  return {
    quantiles: withBandLegend(quantiles),
    delta: withBandLegend(delta),
    caf: withBandLegend(caf),
    errors: errorChart(observed, predicted),
  };
}
