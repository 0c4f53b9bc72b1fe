/**
 * Grid maths of the contour plot.
 *
 * Axes follow optuna/visualization/_contour.py `_get_axis_info`: the range of the observed values
 * padded by PADDING_RATIO = 5 % on each side (in log10 for log parameters; categoricals become the
 * indices 0..k−1 of the observed values, padded the same way).
 *
 * The surface follows Optuna's matplotlib twin (optuna/visualization/matplotlib/_contour.py
 * `_create_zmap`, `_interpolate_zmap`), which reproduces Plotly's `connectgaps` heatmap fill
 * (plotly.js src/traces/heatmap/interp2d.js): trials are binned into a regular grid over the padded
 * range and the empty cells solve the discrete Laplace equation — every empty cell is the mean of
 * its existing 4-neighbours, observed cells are fixed (zero-derivative boundary at the edges).
 * Optuna solves that sparse system directly; here successive over-relaxation iterates to the same
 * solution. Two differences, both deliberate: the grid defaults to 40 × 40 cells instead of 100 × 100
 * (a chart.js canvas of ~600 px gains nothing from more), and several trials in one cell give the
 * cell their mean instead of whichever came last (so the picture does not depend on trial order).
 */

export const PADDING_RATIO = 0.05;

export interface AxisRange {
  /** Padded lower and upper bound, in the axis's own space (log10 for log axes). */
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
}

/** Padded range of observed coordinates (already log10 for log axes, indices for categoricals). */
export function paddedRange(coords: readonly number[], log: boolean): AxisRange {
  const lo = Math.min(...coords);
  const hi = Math.max(...coords);
  const pad = (hi - lo) * PADDING_RATIO;
  return { min: lo - pad, max: hi + pad, log };
}

/** n + 1 equally spaced edges over [min, max] (in axis space). */
export function cellEdges(range: AxisRange, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k <= n; k++) out.push(k === n ? range.max : range.min + ((range.max - range.min) * k) / n);
  return out;
}

/** Cell index of coordinate c (axis space) among n equal cells of the range; the top edge is in the last cell. */
export function cellOf(c: number, range: AxisRange, n: number): number {
  const t = (c - range.min) / (range.max - range.min);
  return Math.min(n - 1, Math.max(0, Math.floor(t * n)));
}

/**
 * Fill an nx × ny grid (row-major, cell (i, j) at j·nx + i) from known cells by solving the discrete
 * Laplace equation on the unknown ones. Returns a new array; known cells keep their values exactly.
 * With no known cell there is nothing to interpolate: the result is all NaN.
 */
export function laplaceFill(
  known: ReadonlyMap<number, number>,
  nx: number,
  ny: number,
  opts: { tolerance?: number; maxIterations?: number } = {},
): Float64Array {
  const z = new Float64Array(nx * ny);
  if (known.size === 0) return z.fill(Number.NaN);
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of known.values()) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  // Start from the mean: any start converges, a good one converges faster.
  z.fill(sum / known.size);
  const fixed = new Uint8Array(nx * ny);
  for (const [k, v] of known) {
    z[k] = v;
    fixed[k] = 1;
  }
  const scale = Math.max(hi - lo, Math.abs(hi), Math.abs(lo), 1e-300);
  const tolerance = (opts.tolerance ?? 1e-10) * scale;
  const maxIterations = opts.maxIterations ?? 20_000;
  // Optimal SOR factor for the 2-D Laplacian on an n × n grid: 2 / (1 + sin(π / n)).
  const omega = 2 / (1 + Math.sin(Math.PI / Math.max(nx, ny, 2)));
  for (let it = 0; it < maxIterations; it++) {
    let change = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (fixed[k]) continue;
        let s = 0;
        let c = 0;
        if (i > 0) {
          s += z[k - 1]!;
          c++;
        }
        if (i < nx - 1) {
          s += z[k + 1]!;
          c++;
        }
        if (j > 0) {
          s += z[k - nx]!;
          c++;
        }
        if (j < ny - 1) {
          s += z[k + nx]!;
          c++;
        }
        const delta = omega * (s / c - z[k]!);
        z[k] = z[k]! + delta;
        change = Math.max(change, Math.abs(delta));
      }
    }
    if (change <= tolerance) break;
  }
  return z;
}
