/**
 * Timeline (optuna/visualization/_timeline.py, Optuna ≥ 3.2): a horizontal bar per trial from
 * datetime_start to datetime_complete, coloured by state; a RUNNING trial runs until "now". Trials
 * that never started (WAITING) have no bar. chart.js has no date axis without an adapter package, so
 * the x-axis counts time since the first start in a unit chosen from the span (s, min or h) and the
 * subtitle names the start.
 */
import type { ChartConfiguration } from 'chart.js';
import { type FrozenTrial, TRIAL_STATE_NAMES, TrialState } from '../engine/index.ts';
import { baseOptions } from './common.ts';
import { formatNumber } from './format.ts';
import { STATE_COLORS } from './colors.ts';
import { formatPandasDatetime, nowNaiveMicros, parseDatetime } from './datetime.ts';
import { chart, empty, type Plot } from './types.ts';

export const TIMELINE_TITLE = 'Timeline Plot';

export interface TimelineOptions {
  /**
   * End of RUNNING bars: an Optuna datetime string, or naive microseconds (see datetime.ts).
   * Default: the viewer's clock now. Pass it in tests for reproducible output.
   */
  readonly now?: string | number;
}

export interface TimeUnit {
  readonly name: 's' | 'min' | 'h';
  readonly micros: number;
}

/** Seconds up to 10 minutes, minutes up to 5 hours, then hours. */
export function timeUnitFor(spanMicros: number): TimeUnit {
  if (spanMicros <= 600e6) return { name: 's', micros: 1e6 };
  if (spanMicros <= 5 * 3600e6) return { name: 'min', micros: 60e6 };
  return { name: 'h', micros: 3600e6 };
}

/** A floating bar [start, end] in the chosen unit, or null for trials of other states. */
export type TimelineBar = [number, number] | null;

const STATE_ORDER: readonly TrialState[] = [
  TrialState.COMPLETE,
  TrialState.PRUNED,
  TrialState.FAIL,
  TrialState.RUNNING,
  TrialState.WAITING,
];

export function buildTimelinePlot(trials: readonly FrozenTrial[], opts: TimelineOptions = {}): Plot {
  const now = typeof opts.now === 'number' ? opts.now : opts.now ? parseDatetime(opts.now).micros : nowNaiveMicros();
  const rows: { trial: FrozenTrial; start: number; end: number }[] = [];
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (t.datetimeStart === null) continue;
    const start = parseDatetime(t.datetimeStart).micros;
    // A finished trial always has a completion time; a RUNNING one is still going.
    const end = t.datetimeComplete !== null ? parseDatetime(t.datetimeComplete).micros : Math.max(start, now);
    rows.push({ trial: t, start, end });
  }
  if (rows.length === 0) {
    return empty(TIMELINE_TITLE, 'No trial has started yet. Start or continue the study to see its timeline.');
  }
  const t0 = Math.min(...rows.map((r) => r.start));
  const t1 = Math.max(...rows.map((r) => r.end));
  const unit = timeUnitFor(t1 - t0);
  const labels = rows.map((r) => `Trial ${r.trial.number}`);
  const datasets = STATE_ORDER.filter((s) => rows.some((r) => r.trial.state === s)).map((s) => ({
    label: TRIAL_STATE_NAMES[s],
    data: rows.map((r): TimelineBar =>
      r.trial.state === s ? [(r.start - t0) / unit.micros, (r.end - t0) / unit.micros] : null,
    ),
    backgroundColor: STATE_COLORS[s],
    borderColor: STATE_COLORS[s],
    borderWidth: 0,
    // Each trial sits in exactly one state dataset, so bars must not share the category slot.
    grouped: false,
    barPercentage: 0.8,
    categoryPercentage: 1,
  }));
  const first = rows.find((r) => r.start === t0)!.trial;
  const subtitle = `start ${formatPandasDatetime(first.datetimeStart!).slice(0, 19)} · span ${formatNumber((t1 - t0) / unit.micros)} ${unit.name}`;
  const options = baseOptions<'bar'>(TIMELINE_TITLE, subtitle);
  options.indexAxis = 'y';
  options.scales = {
    x: { type: 'linear', min: 0, title: { display: true, text: `Time since first trial start (${unit.name})` } },
    y: { type: 'category', title: { display: true, text: 'Trial' } },
  };
  const config: ChartConfiguration<'bar', TimelineBar[], string> = {
    type: 'bar',
    data: { labels, datasets },
    options,
  };
  return chart(TIMELINE_TITLE, config as ChartConfiguration);
}
