/**
 * The Run view's live recovery scatter: for each previewed parameter (b and mu_r by default), the true
 * value of a fixed handful of validation sets against the posterior mean of a few cheap draws, redrawn
 * after every epoch (src/nn/posterior/preview.ts computes the points). A network that has learned nothing puts
 * every point on a flat line at the prior's mean; learning moves them onto the dashed diagonal. The
 * axes are fixed by the truths, so the points move between epochs and the frame does not.
 */
import type { ChartConfiguration } from 'chart.js';
import { baseOptions, withUnit } from './common.ts';
import { SERIES_COLORS } from './colors.ts';
import { formatNumber, formatTick } from './format.ts';
import { identityLine } from './diagnostics/recovery.ts';

/** Units of the DMC parameters, for axis titles (Ulrich et al., 2015: evidence units and ms). */
export const DMC_PARAM_UNITS: Readonly<Record<string, string>> = {
  A: 'evidence',
  tau: 'ms',
  mu_c: 'evidence/ms',
  mu_r: 'ms',
  b: 'evidence',
  sd_r: 'ms',
};

/** Structural copy of nn's RecoveryPreview (plots does not import nn). */
export interface RecoveryPreviewData {
  readonly params: readonly string[];
  readonly truths: readonly (readonly number[])[];
  readonly means: readonly (readonly number[])[];
}

export type RunRecoveryChart = ChartConfiguration<'scatter', { x: number; y: number }[]>;

/** Pearson correlation of two equally long series (NaN when either is constant or shorter than 2). */
export function correlation(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** One scatter per previewed parameter, titled with the epoch and the correlation of truth and mean. */
export function buildRunRecoveryCharts(
  preview: RecoveryPreviewData,
  epoch: number,
  units: Readonly<Record<string, string>> = {},
): RunRecoveryChart[] {
  return preview.params.map((name, j) => {
    const truths = preview.truths[j] ?? [];
    const means = preview.means[j] ?? [];
    const lo = Math.min(...truths);
    const hi = Math.max(...truths);
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    const r = correlation(truths, means);
    // Short: the chart's PNG button sits at the title's end on a third-width card.
    const title = `Recovery of ${name}`;
    const subtitle = `after epoch ${epoch} · ${truths.length} validation sets · r = ${Number.isNaN(r) ? '–' : formatNumber(r, { digits: 2 })}`;
    const options = baseOptions<'scatter'>(title, subtitle);
    options.plugins!.legend = { display: false };
    options.scales = {
      x: {
        type: 'linear',
        min: lo - pad,
        max: hi + pad,
        ticks: { callback: formatTick },
        title: { display: true, text: withUnit(`True ${name}`, units[name]) },
      },
      y: {
        type: 'linear',
        min: lo - pad,
        max: hi + pad,
        ticks: { callback: formatTick },
        title: { display: true, text: withUnit(`Posterior mean of ${name}`, units[name]) },
      },
    };
    const color = SERIES_COLORS[j % SERIES_COLORS.length]!;
    // Means outside the frame are drawn on its edge, so that a wild early epoch still shows every set.
    const clamp = (v: number): number => Math.min(hi + pad, Math.max(lo - pad, v));
    return {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'Posterior mean',
            data: truths.map((x, i) => ({ x, y: clamp(means[i] ?? NaN) })),
            backgroundColor: color,
            borderColor: color,
            pointRadius: 3.5,
          },
          identityLine('Perfect recovery', lo - pad, hi + pad),
        ],
      },
      options,
    };
  });
}
