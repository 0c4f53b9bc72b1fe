/**
 * Small NumPy-compatible statistics on typed arrays, used by the BayesFlow diagnostics
 * (docs/design/networks.md#diagnostics). Everything is computed in float64 whatever the input precision.
 */

/** NumPy `linspace(start, stop, num)` (endpoint included): start + k·step, the last point exact. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let k = 0; k < num; k++) out[k] = start + k * step;
  out[num - 1] = stop;
  return out;
}

/**
 * NumPy `median`: the middle value, or the mean of the two middle values for an even count.
 * A NaN anywhere gives NaN (as NumPy does), so an undefined entry is never hidden by the median.
 */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const xs = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < n; i++) if (Number.isNaN(xs[i]!)) return Number.NaN;
  xs.sort();
  const h = n >> 1;
  return n % 2 === 1 ? xs[h]! : (xs[h - 1]! + xs[h]!) / 2;
}

/** Arithmetic mean, summed in order; NaN for no values (as NumPy, 0/0). */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Sample variance with ddof 1 (two-pass); NaN for fewer than two values, as NumPy (0/0). */
export function varianceDdof1(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - m;
    ss += d * d;
  }
  return ss / (n - 1);
}

/**
 * NumPy `quantile(x, q)` with the default 'linear' method on an ascending-sorted array:
 * virtual index h = (n−1)·q, interpolate between x[floor h] and x[floor h + 1] (clamped to n−1).
 * The interpolation is NumPy's `_lerp`, which evaluates from the upper neighbour when the weight is
 * ≥ 0.5, so results agree with NumPy to the last bit for the same float64 input.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
