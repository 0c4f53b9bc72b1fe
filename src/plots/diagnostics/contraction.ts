/**
 * Posterior z-score against posterior contraction (BayesFlow `diagnostics/plots/z_score_contraction.py`,
 * after Schad, Betancourt & Vasishth 2021): per test data set, contraction = 1 − var_post / var_prior
 * and z = (posterior mean − truth) / posterior sd. The prior variance is the variance of the test
 * truths (ddof 1), as in the contraction metric. Unlike the metric the plot does not clip the
 * contraction to [0, 1]: a posterior wider than the prior should show as a point left of 0.
 */
import type { ChartConfiguration } from 'chart.js';
import { baseOptions } from '../common.ts';
import { seriesColor } from '../colors.ts';
import { chart, empty } from '../types.ts';
import type { Plot } from '../types.ts';
import { mean, varianceDdof1 } from '../../metrics/index.ts';
import { sampleProblem, sortedDraws, truthColumn } from './draws.ts';
import type { PosteriorSample } from './draws.ts';
import { NO_DRAWS_REASON } from './recovery.ts';

export const CONTRACTION_TITLE = 'Posterior z-Score vs Contraction';
/**
 * The table and the objective use the clipped contraction, this axis the raw one: the second line
 * says why points can sit left of 0 while the table never shows a negative value.
 */
export const CONTRACTION_AXIS_TITLE: readonly string[] = [
  'Posterior contraction (unclipped)',
  'below 0: posterior wider than the prior',
];

export interface ContractionPoint {
  readonly x: number;
  readonly y: number;
}

export function buildContractionPlot(sample: PosteriorSample | null): Plot {
  if (!sample) return empty(CONTRACTION_TITLE, NO_DRAWS_REASON);
  const problem = sampleProblem(sample);
  if (problem) return empty(CONTRACTION_TITLE, `The stored draws cannot be plotted: ${problem}.`);
  if (sample.S < 2)
    return empty(CONTRACTION_TITLE, `A posterior variance needs at least 2 draws per data set, got S = ${sample.S}.`);
  if (sample.n < 2)
    return empty(
      CONTRACTION_TITLE,
      'The prior variance is estimated from the test truths and needs at least 2 data sets.',
    );
  const skipped: string[] = [];
  const datasets = [];
  for (let j = 0; j < sample.P; j++) {
    const name = sample.names[j]!;
    const priorVar = varianceDdof1(truthColumn(sample, j));
    if (!(priorVar > 0)) {
      skipped.push(name);
      continue;
    }
    const data: ContractionPoint[] = [];
    for (let i = 0; i < sample.n; i++) {
      const d = sortedDraws(sample, i, j);
      const v = varianceDdof1(d);
      const z = (mean(d) - sample.truths[i * sample.P + j]!) / Math.sqrt(v);
      // A zero posterior variance gives an infinite z-score; chart.js cannot place it.
      if (Number.isFinite(z)) data.push({ x: 1 - v / priorVar, y: z });
    }
    const color = seriesColor(j);
    datasets.push({ label: name, data, backgroundColor: color, borderColor: color, pointRadius: 3 });
  }
  if (datasets.length === 0) {
    return empty(
      CONTRACTION_TITLE,
      'Every parameter has identical true values across the test data sets (prior variance 0).',
    );
  }
  const parts = [`${sample.n} test data sets · good: contraction near 1, z within ±2`];
  if (skipped.length > 0) parts.push(`not drawn (truths all equal): ${skipped.join(', ')}`);
  const options = baseOptions<'scatter'>(CONTRACTION_TITLE, parts.join(' · '));
  options.scales = {
    x: {
      type: 'linear',
      suggestedMin: 0,
      suggestedMax: 1,
      title: { display: true, text: [...CONTRACTION_AXIS_TITLE] },
    },
    y: { type: 'linear', title: { display: true, text: 'Posterior z-score' } },
  };
  const config: ChartConfiguration<'scatter', ContractionPoint[]> = { type: 'scatter', data: { datasets }, options };
  return chart(CONTRACTION_TITLE, config as ChartConfiguration);
}
