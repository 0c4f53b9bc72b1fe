/**
 * The numbers behind Optuna's rank plot (optuna/visualization/_rank.py, 5.0.0), reproduced bit for bit
 * so that the test can compare them with Optuna's own `_get_rank_info`:
 * - ranks with ties averaged (`_get_order_with_same_order_averaging`), scaled to [0, 1];
 * - the "RdYlBu_r" colour of a scaled rank as Optuna computes it without plotly: matplotlib's 256-entry
 *   lookup table of the reversed ColorBrewer RdYlBu scale, indexed by `int(x · 256)`, times 255
 *   truncated to integers (with plotly installed Optuna samples the same 11 stops continuously; the two
 *   differ by at most 3.4 of 255 per channel, which no one can see);
 * - the colour bar's ticks: NumPy's linear quantiles of the target values, printed with Python's `%3g`.
 */
import { linspace } from './edf.ts';

/** ColorBrewer RdYlBu, 11 classes, as matplotlib's `_cm._RdYlBu_data` (red end first). */
const RD_YL_BU: readonly (readonly [number, number, number])[] = [
  [165, 0, 38],
  [215, 48, 39],
  [244, 109, 67],
  [253, 174, 97],
  [254, 224, 144],
  [255, 255, 191],
  [224, 243, 248],
  [171, 217, 233],
  [116, 173, 209],
  [69, 117, 180],
  [49, 54, 149],
];

/** matplotlib's default lookup-table size (`rcParams["image.lut"]`). */
const LUT_SIZE = 256;

/** Grey of infeasible trials (Optuna's `(204, 204, 204)`). */
export const INFEASIBLE_RGB: readonly [number, number, number] = [204, 204, 204];

/**
 * matplotlib's `_create_lookup_table(N, data)` for one channel of a segment list [(x, y0, y1)]:
 * `searchsorted` of the evenly spaced sample points among the segment edges, then linear interpolation.
 */
function lookupTable(xs: readonly number[], ys: readonly number[], n: number): number[] {
  const x = xs.map((v) => v * (n - 1));
  const xind = linspace(0, 1, n).map((v) => (n - 1) * v);
  const lut = [ys[0]!];
  for (let k = 1; k < n - 1; k++) {
    const xi = xind[k]!;
    let i = 0;
    while (i < x.length && x[i]! < xi) i++; // numpy.searchsorted, side="left"
    const distance = (xi - x[i - 1]!) / (x[i]! - x[i - 1]!);
    lut.push(distance * (ys[i]! - ys[i - 1]!) + ys[i - 1]!);
  }
  lut.push(ys[ys.length - 1]!);
  return lut.map((v) => Math.min(1, Math.max(0, v)));
}

/**
 * The reversed map as matplotlib builds "RdYlBu_r": `from_list` puts the stops at linspace(0, 1, 11),
 * `reversed()` moves each to 1 − x and reverses the list (the float positions matter for the table).
 */
function buildLut(): (readonly [number, number, number])[] {
  const stops = RD_YL_BU.map((c) => c.map((v) => v / 255) as [number, number, number]);
  const positions = linspace(0, 1, stops.length);
  const xs = positions.map((p) => 1 - p).reverse();
  const channels = [0, 1, 2].map((c) => lookupTable(xs, stops.map((s) => s[c]!).reverse(), LUT_SIZE));
  return Array.from({ length: LUT_SIZE }, (_, k) => [channels[0]![k]!, channels[1]![k]!, channels[2]![k]!] as const);
}

let lut: (readonly [number, number, number])[] | null = null;

/** RdYlBu_r at t ∈ [0, 1] as Optuna's integer RGB triple (0 → dark blue, 1 → dark red). */
export function rankRgb(t: number): [number, number, number] {
  lut ??= buildLut();
  let i = t * LUT_SIZE;
  if (i === LUT_SIZE) i = LUT_SIZE - 1;
  const k = Number.isNaN(i) ? 0 : Math.min(LUT_SIZE - 1, Math.max(0, Math.trunc(i)));
  const c = lut[k]!;
  return [Math.trunc(c[0] * 255), Math.trunc(c[1] * 255), Math.trunc(c[2] * 255)];
}

export function rgbText(c: readonly [number, number, number]): string {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Rank of each value among all, ties getting the mean of their positions in the sorted order. */
export function averagedRanks(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) => {
    let sum = 0;
    let count = 0;
    sorted.forEach((s, k) => {
      if (s === v) {
        sum += k;
        count++;
      }
    });
    return count === 0 ? Number.NaN : sum / count;
  });
}

/** Ranks scaled to [0, 1] (Optuna: rank / (n − 1); a single trial sits in the middle, 0.5). */
export function rankPositions(values: readonly number[]): number[] {
  if (values.length < 2) return values.map(() => 0.5);
  return averagedRanks(values).map((r) => r / (values.length - 1));
}

/** numpy.quantile(values, q) with the default "linear" method (values non-empty). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const virtual = q * (sorted.length - 1);
  const lo = Math.floor(virtual);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const t = virtual - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // NumPy's _lerp: from the nearer end, so that t = 1 gives b exactly.
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Python's `f"{v:3g}"`: six significant digits, trailing zeros dropped, exponent from 1e-4 / 1e6 on. */
export function pyFormatG(v: number): string {
  let s: string;
  if (Number.isNaN(v)) s = 'nan';
  else if (!Number.isFinite(v)) s = v > 0 ? 'inf' : '-inf';
  else if (v === 0) s = Object.is(v, -0) ? '-0' : '0';
  else {
    const [mantissa, exp] = v.toExponential(5).split('e') as [string, string];
    const e = Number(exp);
    if (e < -4 || e >= 6) {
      const m = mantissa.replace(/\.?0+$/, '');
      s = `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    } else
      s = v
        .toFixed(5 - e)
        .replace(/(\.\d*?)0+$/, '$1')
        .replace(/\.$/, '');
  }
  return s.padStart(3, ' ');
}

/** The colour bar's ticks: positions 0, 0.25, …, 1 with "min. (v)", "25% (v)", … "max. (v)". */
export function rankTicks(values: readonly number[]): { at: number; text: string }[] {
  const names = ['min.', '25%', '50%', '75%', 'max.'];
  return [0, 0.25, 0.5, 0.75, 1].map((q, k) => ({ at: q, text: `${names[k]} (${pyFormatG(quantile(values, q))})` }));
}

/** Stops for a colour bar of the rank scale, low rank (blue) first. */
export function rankStops(n = 11): string[] {
  return Array.from({ length: n }, (_, k) => rgbText(rankRgb(k / (n - 1))));
}
