/**
 * Greedy hypervolume subset selection (optuna/_hypervolume/hssp.py, v5.0; Guerreiro et al., "Greedy
 * Hypervolume Subset Selection in Low Dimensions", 2016): pick `subsetSize` of the points, each time
 * the one adding the most hypervolume. TPE uses it to break the tie on the last non-domination rank
 * that does not fit in "below". Ties go to the lexicographically first point, as numpy's argmax over
 * the unique, lexsorted points in Optuna.
 */
import { hypervolume, uniqueLexsorted } from './hypervolume.ts';

type Row = readonly number[];

const EPS = 1e-12;

/** TPE's `_get_reference_point`: per objective max(1.1·worst, 0.9·worst), and EPS where that is 0. */
export function hsspReferencePoint(loss: readonly Row[]): number[] {
  const d = (loss[0] as Row).length;
  const ref: number[] = [];
  for (let k = 0; k < d; k++) {
    let worst = -Infinity;
    for (const r of loss) worst = Math.max(worst, r[k] as number);
    const v = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(v === 0 ? EPS : v);
  }
  return ref;
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}

/** 2-D: each candidate's exclusive rectangle, whose far corner shrinks as neighbours are chosen. */
function hssp2d(loss: readonly Row[], subsetSize: number, ref: Row): number[] {
  const pos = loss.map((_, i) => i);
  const vals = loss.slice();
  const diags = loss.map(() => [ref[0] as number, ref[1] as number]);
  const chosen: number[] = [];
  for (let s = 0; s < subsetSize; s++) {
    const contribs = vals.map((v, i) => (diags[i]![0]! - (v[0] as number)) * (diags[i]![1]! - (v[1] as number)));
    const m = argmax(contribs);
    chosen.push(pos[m] as number);
    const picked = vals[m] as Row;
    pos.splice(m, 1);
    vals.splice(m, 1);
    diags.splice(m, 1);
    for (let i = 0; i < m; i++) diags[i]![0] = Math.min(picked[0] as number, diags[i]![0]!);
    for (let i = m; i < diags.length; i++) diags[i]![1] = Math.min(picked[1] as number, diags[i]![1]!);
  }
  return chosen;
}

/**
 * `_lazy_contribs_update`: contributions shrink as the selection grows (submodularity), so a stale
 * value is an upper bound; recompute in decreasing order of bound and skip those below the best found.
 */
function lazyUpdate(
  contribs: number[],
  loss: readonly Row[],
  selected: readonly Row[],
  ref: Row,
  hvSelected: number,
): number[] {
  if (!Number.isFinite(hvSelected)) return contribs.map(() => Infinity);
  const latest = selected[selected.length - 1] as Row;
  const out = contribs.slice();
  const inclusive = loss.map((r) => r.reduce((acc, v, k) => acc * ((ref[k] as number) - v), 1));
  for (let i = 0; i < loss.length; i++) {
    const inter = (loss[i] as Row).map((v, k) => Math.max(v, latest[k] as number));
    const bound = (inclusive[i] as number) - inter.reduce((acc, v, k) => acc * ((ref[k] as number) - v), 1);
    out[i] = Math.min(out[i] as number, bound);
  }
  const fast = (ref.length as number) <= 3;
  const order = out.map((_, i) => i).sort((a, b) => (out[b] as number) - (out[a] as number) || a - b);
  let max = 0;
  for (const i of order) {
    if (!Number.isFinite(inclusive[i] as number)) {
      max = out[i] = Infinity;
      continue;
    }
    if ((out[i] as number) < max) continue;
    if (fast) {
      out[i] = hypervolume([...selected, loss[i] as Row], ref, true) - hvSelected;
    } else {
      const limited = selected.map((s) => s.map((v, k) => Math.max(v, (loss[i] as Row)[k] as number)));
      out[i] = (inclusive[i] as number) - hypervolume(limited, ref);
    }
    max = Math.max(out[i] as number, max);
  }
  return out;
}

/** Greedy selection over distinct, lexsorted points: positions into `loss`. */
function hsspUnique(loss: readonly Row[], subsetSize: number, ref: Row): number[] {
  const all = loss.map((_, i) => i);
  if (!ref.every(Number.isFinite)) return all.slice(0, subsetSize);
  if (loss.length === subsetSize) return all;
  if (ref.length === 2) return hssp2d(loss, subsetSize, ref);
  let contribs = loss.map((r) => r.reduce((acc, v, k) => acc * ((ref[k] as number) - v), 1));
  let pos = all;
  let vals = loss.slice();
  const selected: Row[] = [];
  const chosen: number[] = [];
  let hv = 0;
  for (let s = 0; s < subsetSize; s++) {
    const m = argmax(contribs);
    hv += contribs[m] as number;
    chosen.push(pos[m] as number);
    selected.push(vals[m] as Row);
    const keep = (_: unknown, i: number): boolean => i !== m;
    contribs = contribs.filter(keep);
    pos = pos.filter(keep);
    vals = vals.filter(keep);
    if (s === subsetSize - 1) break;
    contribs = lazyUpdate(contribs, vals, selected, ref, hv);
  }
  return chosen;
}

/**
 * `_solve_hssp`: `subsetSize` entries of `indices` (one per row of `loss`). With fewer distinct rows than
 * needed, every first occurrence and then the earliest repeats; otherwise the greedy choice.
 */
export function solveHssp(
  loss: readonly Row[],
  indices: readonly number[],
  subsetSize: number,
  referencePoint: Row,
): number[] {
  if (subsetSize === indices.length) return indices.slice();
  const { rows, first } = uniqueLexsorted(loss);
  if (rows.length < subsetSize) {
    const chosen = new Array<boolean>(indices.length).fill(false);
    for (const i of first) chosen[i] = true;
    let extra = subsetSize - rows.length;
    for (let i = 0; i < indices.length && extra > 0; i++)
      if (!chosen[i]) {
        chosen[i] = true;
        extra--;
      }
    return indices.filter((_, i) => chosen[i]);
  }
  return hsspUnique(rows, subsetSize, referencePoint).map((u) => indices[first[u] as number] as number);
}
