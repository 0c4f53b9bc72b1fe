/**
 * The Simulate view's charts of one simulated data set: correct-RT and error-RT histograms
 * (congruent and incongruent overlaid on shared bins) and the share of correct, error and
 * no-crossing trials per condition.
 */
import type { ChartConfiguration } from 'chart.js';
import type { ConditionSummaries, ConditionSummary } from '../sim/index.ts';
import { OUTCOME_COLORS, PRIMARY_RGB, SECONDARY_RGB } from './colors.ts';
import { formatNumber } from './format.ts';

/** Counts per bin of both conditions on shared edges (rt-histogram.ts computes them). */
export interface RtHistogramCounts {
  /** Bin edges in ms, length bins + 1. */
  readonly edgesMs: readonly number[];
  readonly binMs: number;
  readonly congruent: readonly number[];
  readonly incongruent: readonly number[];
}

export function buildRtHistogram(title: string, h: RtHistogramCounts): ChartConfiguration<'bar'> {
  const labels = h.edgesMs.slice(0, -1).map((e) => String(Math.round(e + h.binMs / 2)));
  const ds = (label: string, data: readonly number[], rgb: string) => ({
    label: `${label} (n = ${data.reduce((a, b) => a + b, 0).toLocaleString('en-US')})`,
    data: [...data],
    backgroundColor: `rgba(${rgb}, 0.45)`,
    borderColor: `rgb(${rgb})`,
    borderWidth: 1,
    grouped: false,
    barPercentage: 1,
    categoryPercentage: 1,
  });
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [ds('Congruent', h.congruent, PRIMARY_RGB), ds('Incongruent', h.incongruent, SECONDARY_RGB)],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
      scales: {
        x: { title: { display: true, text: `RT (ms), bin centres, ${h.binMs} ms bins` }, ticks: { maxTicksLimit: 12 } },
        y: { title: { display: true, text: 'Trials' }, beginAtZero: true },
      },
    },
  };
}

/** Percent of a condition's trials that ended correct, in an error, or without crossing a bound. */
function share(c: ConditionSummary, which: keyof typeof OUTCOME_COLORS): number {
  if (c.n === 0) return 0;
  const err = c.errorRate ?? 0;
  const timeout = c.timeouts / c.n;
  return 100 * (which === 'error' ? err : which === 'timeout' ? timeout : 1 - err - timeout);
}

export function buildAccuracyChart(s: ConditionSummaries): ChartConfiguration<'bar'> {
  const conds = [s.congruent, s.incongruent];
  return {
    type: 'bar',
    data: {
      labels: ['Congruent', 'Incongruent'],
      datasets: [
        { label: 'Correct', data: conds.map((c) => share(c, 'correct')), backgroundColor: OUTCOME_COLORS.correct },
        { label: 'Error', data: conds.map((c) => share(c, 'error')), backgroundColor: OUTCOME_COLORS.error },
        { label: 'No crossing', data: conds.map((c) => share(c, 'timeout')), backgroundColor: OUTCOME_COLORS.timeout },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        title: { display: true, text: 'Accuracy per condition' },
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatNumber(Number(ctx.raw), { decimals: 2 })} %` },
        },
      },
      scales: {
        x: { stacked: true, title: { display: true, text: 'Condition' } },
        y: { stacked: true, min: 0, max: 100, title: { display: true, text: '% of trials' } },
      },
    },
  };
}
