/**
 * The Run view's live chart: training and validation loss of the running trial per epoch, with the
 * validation loss of a few earlier trials faded behind it so that a diverging trial stands out.
 */
import type { ChartConfiguration } from 'chart.js';
import { FADED_COLOR, PRIMARY_RGB, SECONDARY_RGB } from './colors.ts';

export interface RunningTrialLoss {
  readonly number: number;
  readonly epochs: number;
  readonly loss: readonly (number | null)[];
  readonly valLoss: readonly (number | null)[];
}

export interface EarlierTrialLoss {
  readonly number: number;
  readonly valLoss: readonly (number | null)[];
}

export type RunLossChart = ChartConfiguration<'line', { x: number; y: number | null }[]>;

const EARLIER_LABEL = /^Trial \d+, validation loss$/;

export function buildRunLossChart(live: RunningTrialLoss, earlier: readonly EarlierTrialLoss[]): RunLossChart {
  // Epochs count from 1 here, in the progress bar and in the Results plots alike.
  const points = (ys: readonly (number | null)[]) => ys.map((y, k) => ({ x: k + 1, y }));
  const faded = earlier.map((t, i) => ({
    label: i === 0 ? 'Earlier trials, validation loss' : `Trial ${t.number}, validation loss`,
    data: points(t.valLoss),
    borderColor: FADED_COLOR,
    backgroundColor: FADED_COLOR,
    borderWidth: 1.25,
    pointRadius: 0,
    tension: 0.2,
    order: 1,
  }));
  return {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'Training loss',
          data: points(live.loss),
          borderColor: `rgb(${PRIMARY_RGB})`,
          backgroundColor: `rgb(${PRIMARY_RGB})`,
          tension: 0.2,
          order: 0,
        },
        {
          label: 'Validation loss',
          data: points(live.valLoss),
          borderColor: `rgb(${SECONDARY_RGB})`,
          backgroundColor: `rgb(${SECONDARY_RGB})`,
          borderDash: [6, 3],
          tension: 0.2,
          order: 0,
        },
        ...faded,
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        title: { display: true, text: `Trial ${live.number}: flow-matching loss per epoch` },
        subtitle: {
          display: earlier.length > 0,
          text: `grey: validation loss of trial${earlier.length > 1 ? 's' : ''} ${earlier.map((t) => t.number).join(', ')}`,
        },
        // One legend entry stands for all the grey curves.
        legend: {
          position: 'bottom',
          labels: { usePointStyle: true, pointStyle: 'line', filter: (item) => !EARLIER_LABEL.test(item.text) },
        },
      },
      scales: {
        x: {
          type: 'linear',
          min: 1,
          max: Math.max(1, live.epochs),
          title: { display: true, text: 'Epoch' },
          ticks: { precision: 0 },
        },
        y: { title: { display: true, text: 'Loss (mean squared velocity error)' } },
      },
    },
  };
}
