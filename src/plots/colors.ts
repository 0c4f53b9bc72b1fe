/**
 * Colours for the plots. Optuna's Plotly figures colour by trial number and by objective with the
 * ColorBrewer "Blues" scale (optuna/visualization/_slice.py, _contour.py, _parallel_coordinate.py),
 * reversed for minimisation so that better trials are always darker; we keep that reading.
 */
import type { TrialState } from '../engine/index.ts';

/** ColorBrewer Blues, 9 classes (the stops Plotly's "Blues" scale interpolates). */
const BLUES: readonly (readonly [number, number, number])[] = [
  [247, 251, 255],
  [222, 235, 247],
  [198, 219, 239],
  [158, 202, 225],
  [107, 174, 214],
  [66, 146, 198],
  [33, 113, 181],
  [8, 81, 156],
  [8, 48, 107],
];

/**
 * The lightest Blues stops are nearly white and vanish on a white background, so markers and lines
 * start at this fraction of the scale; heatmap cells use the full scale.
 */
export const VISIBLE_FROM = 0.2;

/** Colour at position t ∈ [0, 1] of the Blues scale (clamped; NaN maps to the middle). */
export function blues(t: number): string {
  const u = Number.isNaN(t) ? 0.5 : Math.min(1, Math.max(0, t));
  const x = u * (BLUES.length - 1);
  const k = Math.min(BLUES.length - 2, Math.floor(x));
  const f = x - k;
  const a = BLUES[k]!;
  const b = BLUES[k + 1]!;
  const c = (i: 0 | 1 | 2): number => Math.round(a[i] + (b[i] - a[i]) * f);
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

/** Position of `v` in [min, max], 0.5 when the range is empty. */
export function normalise(v: number, min: number, max: number): number {
  return max > min ? (v - min) / (max - min) : 0.5;
}

/**
 * Colour for an objective value: darker is better. For minimisation low values are dark (Optuna's
 * `reversescale` for minimize), for maximisation high values are dark.
 */
export function objectiveColor(v: number, min: number, max: number, minimize: boolean, from = VISIBLE_FROM): string {
  const t = normalise(v, min, max);
  const better = minimize ? 1 - t : t;
  return blues(from + (1 - from) * better);
}

/** `n` evenly spaced stops from min to max of an objective colour scale, for the colour bar. */
export function objectiveStops(minimize: boolean, from = VISIBLE_FROM, n = 9): string[] {
  return Array.from({ length: n }, (_, k) => objectiveColor(k / (n - 1), 0, 1, minimize, from));
}

/** Colour for a trial number within [first, last]: later trials darker (as Optuna's slice plot). */
export function trialNumberColor(number: number, first: number, last: number): string {
  return blues(VISIBLE_FROM + (1 - VISIBLE_FROM) * normalise(number, first, last));
}

export function trialNumberStops(n = 9): string[] {
  return Array.from({ length: n }, (_, k) => blues(VISIBLE_FROM + ((1 - VISIBLE_FROM) * k) / (n - 1)));
}

/** Trial state colours (Optuna's timeline: COMPLETE blue, PRUNED orange, FAIL red, RUNNING green). */
export const STATE_COLORS: Readonly<Record<TrialState, string>> = {
  0: '#2ca02c',
  1: '#1f77b4',
  2: '#ff7f0e',
  3: '#d62728',
  4: '#7f7f7f',
};

/** Ten distinguishable colours (Tableau 10) for one series per parameter. */
export const SERIES_COLORS: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function seriesColor(k: number): string {
  return SERIES_COLORS[k % SERIES_COLORS.length]!;
}

/** `#rrggbb` or `rgb(r, g, b)` with an alpha channel. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex) {
    const [r, g, b] = [hex[1]!, hex[2]!, hex[3]!].map((h) => parseInt(h, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(color);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  throw new Error(`withAlpha: unsupported colour ${JSON.stringify(color)}`);
}

/**
 * Colours of the Run view's loss chart and the Simulate view's charts. Training loss and congruent
 * trials share the blue, validation loss and incongruent trials the orange, so that each view reads
 * "the first series blue, the second orange" (the same two hues the app's charts used before they
 * moved here).
 */
export const PRIMARY_RGB = '31, 95, 191';
export const SECONDARY_RGB = '217, 115, 13';
/** Earlier trials behind the running one: grey and faint enough not to compete with it. */
export const FADED_COLOR = 'rgba(110, 118, 130, 0.35)';
/** Trial outcomes in the accuracy chart: correct green, error red, no crossing grey. */
export const OUTCOME_COLORS = {
  correct: 'rgba(29, 122, 70, 0.75)',
  error: 'rgba(180, 35, 24, 0.8)',
  timeout: 'rgba(120, 120, 120, 0.7)',
} as const;
