/**
 * Exact hypervolume of points in minimisation ("loss") space up to a reference point, as
 * optuna/_hypervolume/wfg.py (v5.0): the 2-D sweep, the O(n²) 3-D method over compressed coordinates,
 * and for 4 or more objectives the WFG recursion (While et al., "A Fast Way of Calculating Exact
 * Hypervolumes", 2012, eqs. 6 and 7). Dominated and repeated points add nothing; a point beyond the
 * reference point is an error; an infinite reference coordinate gives +∞.
 */
import { EngineError } from '../types.ts';

type Row = readonly number[];

/** Lexicographic order of rows (numpy's unique along axis 0). */
export function lexCompare(a: Row, b: Row): number {
  for (let k = 0; k < a.length; k++) {
    const d = (a[k] as number) - (b[k] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Distinct rows in lexicographic order, each with the position of its first occurrence. */
export function uniqueLexsorted(rows: readonly Row[]): { rows: Row[]; first: number[] } {
  const order = rows.map((_, i) => i).sort((i, j) => lexCompare(rows[i] as Row, rows[j] as Row) || i - j);
  const out: Row[] = [];
  const first: number[] = [];
  for (const i of order) {
    const r = rows[i] as Row;
    if (out.length > 0 && lexCompare(out[out.length - 1] as Row, r) === 0) continue;
    out.push(r);
    first.push(i);
  }
  return { rows: out, first };
}

/**
 * `_is_pareto_front_nd` for rows sorted by their first column: a row stays when it beats every kept
 * row earlier in the order somewhere in columns 1…; so duplicates after the first are dropped. Every
 * row it drops is weakly dominated; on rows that are distinct and lexsorted it is the exact front.
 */
export function frontOfSorted(rows: readonly Row[]): Row[] {
  let remaining = rows.slice();
  const out: Row[] = [];
  while (remaining.length > 0) {
    const top = remaining[0] as Row;
    out.push(top);
    remaining = remaining.filter((r) => {
      for (let k = 1; k < r.length; k++) if ((r[k] as number) < (top[k] as number)) return true;
      return false;
    });
  }
  return out;
}

function boxVolume(row: Row, ref: Row): number {
  let v = 1;
  for (let k = 0; k < ref.length; k++) v *= (ref[k] as number) - (row[k] as number);
  return v;
}

/** Pareto points sorted by x (so y decreasing): a sum of rectangles. */
function compute2d(sols: readonly Row[], ref: Row): number {
  let hv = 0;
  let prevY = ref[1] as number;
  for (const s of sols) {
    hv += ((ref[0] as number) - (s[0] as number)) * (prevY - (s[1] as number));
    prevY = s[1] as number;
  }
  return hv;
}

/**
 * Pareto points sorted by x. On the grid of the points' x and y coordinates, the dominated height over
 * cell (i, j) is the largest ref_z − z among points with x ≤ x_i and y ≤ y_j: a 2-D running maximum.
 */
function compute3d(sols: readonly Row[], ref: Row): number {
  const n = sols.length;
  const yOrder = sols.map((_, i) => i).sort((a, b) => (sols[a]![1] as number) - (sols[b]![1] as number));
  const zDelta = new Float64Array(n * n);
  yOrder.forEach((i, j) => (zDelta[i * n + j] = (ref[2] as number) - (sols[i]![2] as number)));
  for (let i = 1; i < n; i++)
    for (let j = 0; j < n; j++) zDelta[i * n + j] = Math.max(zDelta[i * n + j]!, zDelta[(i - 1) * n + j]!);
  for (let i = 0; i < n; i++)
    for (let j = 1; j < n; j++) zDelta[i * n + j] = Math.max(zDelta[i * n + j]!, zDelta[i * n + j - 1]!);
  const yVals = yOrder.map((i) => sols[i]![1] as number);
  let hv = 0;
  for (let i = 0; i < n; i++) {
    const dx = (i + 1 < n ? (sols[i + 1]![0] as number) : (ref[0] as number)) - (sols[i]![0] as number);
    let row = 0;
    for (let j = 0; j < n; j++) {
      const dy = (j + 1 < n ? (yVals[j + 1] as number) : (ref[1] as number)) - (yVals[j] as number);
      row += zDelta[i * n + j]! * dy;
    }
    hv += row * dx;
  }
  return hv;
}

/** WFG: sols sorted by the first column (`_compute_hv`). */
function computeWfg(sols: readonly Row[], ref: Row): number {
  const n = sols.length;
  if (n === 1) return boxVolume(sols[0] as Row, ref);
  if (n === 2) {
    const [a, b] = sols as [Row, Row];
    return (
      boxVolume(a, ref) +
      boxVolume(b, ref) -
      boxVolume(
        a.map((v, k) => Math.max(v, b[k] as number)),
        ref,
      )
    );
  }
  let hv = boxVolume(sols[n - 1] as Row, ref);
  for (let i = 0; i < n - 1; i++) {
    const s = sols[i] as Row;
    // The later points limited to s's box; what they cover of it is not exclusive to s.
    const limited = sols.slice(i + 1).map((t) => t.map((v, k) => Math.max(v, s[k] as number)));
    const inner = limited.length <= 3 ? limited : frontOfSorted(limited);
    hv += boxVolume(s, ref) - computeWfg(inner, ref);
  }
  return hv;
}

/**
 * Hypervolume dominated by `points` (rows, minimised) and bounded by `referencePoint`. Every point must
 * be ≤ the reference point in every coordinate. `assumePareto` only skips removing dominated points.
 */
export function hypervolume(points: readonly Row[], referencePoint: Row, assumePareto = false): number {
  const d = referencePoint.length;
  for (const p of points) {
    if (p.length !== d)
      throw new EngineError('invalid-argument', `A point has ${p.length} coordinates; the reference point has ${d}.`);
    if (!p.every((v, k) => v <= (referencePoint[k] as number)))
      throw new EngineError(
        'invalid-argument',
        'All points must dominate or equal the reference point. That is, for all points in the loss_vals and the coordinate `i`, `loss_vals[i] <= reference_point[i]`.',
      );
  }
  if (!referencePoint.every(Number.isFinite)) return Infinity;
  if (points.length === 0) return 0;
  const sorted = assumePareto
    ? points.slice().sort((a, b) => (a[0] as number) - (b[0] as number))
    : d === 2
      ? front2d(uniqueLexsorted(points).rows)
      : frontOfSorted(uniqueLexsorted(points).rows);
  const hv =
    d === 2
      ? compute2d(sorted, referencePoint)
      : d === 3
        ? compute3d(sorted, referencePoint)
        : computeWfg(sorted, referencePoint);
  // inf − inf gives NaN; the volume is then unbounded.
  return Number.isFinite(hv) ? hv : Infinity;
}

/** `_is_pareto_front_2d` on distinct lexsorted rows: keep each row that lowers the running minimum of y. */
function front2d(rows: readonly Row[]): Row[] {
  let minY = Infinity;
  const out: Row[] = [];
  rows.forEach((r, i) => {
    const y = r[1] as number;
    if (i === 0 || y < minY) out.push(r);
    minY = Math.min(minY, y);
  });
  return out;
}
