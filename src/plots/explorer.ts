/**
 * Charts of Simulate's live DMC explorer: the expected processes as in Ulrich et al. (2015, Fig. 1) — the
 * automatic pulse, the controlled drift and their superimposition for congruent (+) and incongruent (−) trials,
 * between the boundaries ±b — and the delta function and conditional accuracy functions of the simulated
 * experiment. Plain numbers in, chart.js configurations out; `animation: false`, as they are redrawn at every
 * slider step.
 */
import type { ChartConfiguration } from 'chart.js';
import type { ActivationCurves } from '../sim/index.ts';
import { PRIMARY_RGB, SECONDARY_RGB } from './colors.ts';
import { line, lineChart, pts, type Points } from './line-chart.ts';

const GREY = '120, 120, 120';

/**
 * The time window worth drawing: until both superimposed processes have passed a boundary (plus half as
 * long again) and the automatic pulse has mostly decayed, within 150–1000 ms.
 */
export function activationWindow(c: ActivationCurves, b: number, tau: number): number {
  const crossing = (ys: readonly number[]): number => {
    const i = ys.findIndex((y) => Math.abs(y) >= b);
    return i < 0 ? Infinity : c.t[i]!;
  };
  const crossed = Math.max(crossing(c.congruent), crossing(c.incongruent));
  const end = Math.max(1.5 * crossed, 4 * tau);
  return Math.min(c.t.at(-1) ?? 1000, Math.max(150, Number.isFinite(end) ? end : Infinity));
}

export function buildActivationChart(c: ActivationCurves, b: number, tau: number): ChartConfiguration<'line'> {
  const tEnd = activationWindow(c, b, tau);
  const n = c.t.findIndex((t) => t > tEnd);
  const upTo = <T>(xs: readonly T[]): T[] => (n < 0 ? [...xs] : xs.slice(0, n));
  const t = upTo(c.t);
  const bound = (y: number): Points => [
    { x: 0, y },
    { x: tEnd, y },
  ];
  // The superimposed processes leave the picture once they pass a boundary: the y axis stops a little beyond ±b.
  const yMax = Math.ceil((1.15 * b) / 10) * 10;
  const chart = lineChart(
    'Expected activation (Ulrich et al., 2015)',
    'time (ms)',
    'E[X(t)] (evidence)',
    [
      line('congruent Xc + Xa', pts(t, upTo(c.congruent)), PRIMARY_RGB),
      line('incongruent Xc − Xa', pts(t, upTo(c.incongruent)), SECONDARY_RGB),
      line('automatic ±Xa', pts(t, upTo(c.automatic)), PRIMARY_RGB, { borderDash: [6, 4], borderWidth: 1.5 }),
      line(
        '−Xa',
        pts(
          t,
          upTo(c.automatic).map((v) => -v),
        ),
        SECONDARY_RGB,
        { borderDash: [6, 4], borderWidth: 1.5 },
      ),
      line('controlled Xc', pts(t, upTo(c.controlled)), GREY, { borderDash: [2, 3], borderWidth: 1.5 }),
      line('bounds ±b', bound(b), '0, 0, 0', { borderWidth: 1 }),
      line('−b', bound(-b), '0, 0, 0', { borderWidth: 1 }),
    ],
    { min: -yMax, max: yMax },
  );
  chart.options!.scales!['x']!.max = tEnd;
  chart.options!.plugins!.legend = {
    position: 'bottom',
    labels: { boxWidth: 18, filter: (item) => item.text !== '−b' && item.text !== '−Xa' },
  };
  return chart;
}

export interface DeltaData {
  deltaX: readonly number[];
  delta: readonly number[];
}

export function buildDeltaChart(d: DeltaData): ChartConfiguration<'line'> {
  return lineChart('Delta function (incongruent − congruent)', 'mean RT of the decile (ms)', 'Δ RT (ms)', [
    line('delta (deciles 0.1 … 0.9 of correct RTs)', pts(d.deltaX, d.delta), '90, 60, 160', { pointRadius: 3 }),
  ]);
}

export interface CafData {
  caf: { congruent: readonly number[]; incongruent: readonly number[] };
  cafRt: { congruent: readonly number[]; incongruent: readonly number[] };
}

export function buildCafChart(d: CafData): ChartConfiguration<'line'> {
  return lineChart(
    'Conditional accuracy functions',
    'mean RT of the bin (ms)',
    'accuracy',
    [
      line('congruent', pts(d.cafRt.congruent, d.caf.congruent), PRIMARY_RGB, { pointRadius: 3 }),
      line('incongruent', pts(d.cafRt.incongruent, d.caf.incongruent), SECONDARY_RGB, { pointRadius: 3 }),
    ],
    { max: 1 },
  );
}
