/**
 * Optimization history (optuna/visualization/_optimization_history.py): the objective of every
 * COMPLETE trial against its number, plus the running best (np.minimum/maximum.accumulate).
 */
import type { ChartConfiguration } from 'chart.js';
import type { FrozenTrial } from '../engine/index.ts';
import { baseOptions, completed, targetAxisTitle, targetName } from './common.ts';
import { formatNumber } from './format.ts';
import { STATE_COLORS } from './colors.ts';
import { chart, empty, type Plot, type TargetOptions } from './types.ts';

export const HISTORY_TITLE = 'Optimization History Plot';

export interface HistoryPoint {
  readonly x: number;
  readonly y: number | null;
}

/**
 * Running best over the values in trial order. NaN never becomes the best (Optuna stores no NaN for
 * COMPLETE trials, but an imported journal may). ±Infinity is a legal value and may be the best;
 * chart.js cannot draw it, so the caller turns non-finite bests into gaps.
 */
export function runningBest(values: readonly number[], minimize: boolean): number[] {
  const out: number[] = [];
  let best = Number.NaN;
  for (const v of values) {
    if (!Number.isNaN(v) && (Number.isNaN(best) || (minimize ? v < best : v > best))) best = v;
    out.push(best);
  }
  return out;
}

export function buildOptimizationHistory(trials: readonly FrozenTrial[], opts: TargetOptions): Plot {
  const done = completed(trials);
  if (done.length === 0) {
    return empty(HISTORY_TITLE, 'No completed trials yet. The history appears once a trial finishes.');
  }
  const minimize = opts.direction === 'minimize';
  const best = runningBest(
    done.map((d) => d.value),
    minimize,
  );
  const values: HistoryPoint[] = [];
  let omitted = 0;
  for (const d of done) {
    if (Number.isFinite(d.value)) values.push({ x: d.trial.number, y: d.value });
    else omitted++;
  }
  const bestLine: HistoryPoint[] = done.map((d, k) => {
    const b = best[k]!;
    return { x: d.trial.number, y: Number.isFinite(b) ? b : null };
  });
  const last = best[best.length - 1]!;
  const bestTrial = done.find((d) => d.value === last || (Number.isNaN(last) && Number.isNaN(d.value)));
  const parts = [`${done.length} complete trial${done.length === 1 ? '' : 's'}`];
  if (bestTrial) parts.push(`best ${formatNumber(last)} (trial ${bestTrial.trial.number}, ${opts.direction})`);
  if (omitted > 0) parts.push(`${omitted} non-finite value${omitted === 1 ? '' : 's'} not drawn`);

  const options = baseOptions<'scatter'>(HISTORY_TITLE, parts.join(' · '));
  options.scales = {
    x: { type: 'linear', title: { display: true, text: 'Trial' }, ticks: { precision: 0 } },
    y: { type: 'linear', title: { display: true, text: targetAxisTitle(opts) } },
  };
  const config: ChartConfiguration<'scatter', HistoryPoint[]> = {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: targetName(opts),
          data: values,
          backgroundColor: STATE_COLORS[1],
          borderColor: STATE_COLORS[1],
          pointRadius: 4,
        },
        {
          label: 'Best Value',
          data: bestLine,
          showLine: true,
          borderColor: '#d62728',
          backgroundColor: '#d62728',
          pointRadius: 0,
          borderWidth: 2,
          spanGaps: false,
        },
      ],
    },
    options,
  };
  return chart(HISTORY_TITLE, config as ChartConfiguration);
}
