import { LOG_SQRT_2PI, logSumExpRow, LSE_CUTOFF } from './density-util.ts';
import type { NumericKernels } from './parzen-kernels.ts';
import type { Workspace } from './workspace.ts';

/**
 * One-parameter continuous mixture. With many kernels most are narrow (bandwidth clipped to
 * range/100) and far from a given point; they are bucketed by mean so that only those within reach
 * are evaluated: a narrow kernel is skipped when even its largest possible term (largest narrow
 * constant, widest narrow sigma) is more than LSE_CUTOFF nats below a term already computed — the
 * same tolerance as the log-sum-exp itself. Wide kernels (the prior among them) are always evaluated.
 */
export function continuousLogMixture(
  scratch: Workspace,
  kern: NumericKernels,
  weights: Float64Array,
  xs: Float64Array,
  size: number,
  out: Float64Array,
): Float64Array {
  const K = weights.length;
  const base = scratch.f64('base', K, null);
  const inv = scratch.f64('inv', K, null);
  let sigmaMin = Infinity;
  for (let k = 0; k < K; k++) {
    const s = kern.sigmas[k] as number;
    base[k] = Math.log((weights[k] as number) / s) - LOG_SQRT_2PI - (kern.logMass[k] as number);
    inv[k] = 1 / s;
    if (k < K - 1 && s < sigmaMin) sigmaMin = s;
  }
  const terms = scratch.f64('terms', K, null);
  const width = 1.5 * sigmaMin; // at large n most bandwidths sit at the magic-clip floor
  const nb = Math.min(4096, Math.floor((kern.hi - kern.lo) / width));
  if (!(K > 64 && nb >= 8)) {
    for (let m = 0; m < size; m++) {
      const x = kern.log ? Math.log(xs[m] as number) : (xs[m] as number);
      if (!(x >= kern.lo && x <= kern.hi)) {
        out[m] = -Infinity;
        continue;
      }
      for (let k = 0; k < K; k++) {
        const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
        terms[k] = (base[k] as number) - 0.5 * z * z;
      }
      out[m] = logSumExpRow(terms, 0, K);
    }
    return out;
  }
  // Counting sort of the narrow kernels (sigma ≤ width) into nb buckets over [lo, hi].
  const bucketW = (kern.hi - kern.lo) / nb;
  const start = scratch.i32('start', nb + 1);
  const bucketOf = scratch.i32('bucketOf', K, -1);
  const wide: number[] = [];
  let narrowMaxBase = -Infinity;
  for (let k = 0; k < K; k++) {
    if (k === K - 1 || (kern.sigmas[k] as number) > width) {
      wide.push(k);
      continue;
    }
    const b = Math.min(nb - 1, Math.max(0, Math.floor(((kern.mus[k] as number) - kern.lo) / bucketW)));
    bucketOf[k] = b;
    start[b + 1] = (start[b + 1] as number) + 1;
    if ((base[k] as number) > narrowMaxBase) narrowMaxBase = base[k] as number;
  }
  for (let b = 0; b < nb; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const fill = scratch.i32('fill', nb, null);
  fill.set(start.subarray(0, nb));
  const members = scratch.i32('members', K, null);
  for (let k = 0; k < K; k++) {
    const b = bucketOf[k] as number;
    if (b < 0) continue;
    const at = fill[b] as number;
    members[at] = k;
    fill[b] = at + 1;
  }
  for (let m = 0; m < size; m++) {
    const x = kern.log ? Math.log(xs[m] as number) : (xs[m] as number);
    if (!(x >= kern.lo && x <= kern.hi)) {
      out[m] = -Infinity;
      continue;
    }
    let n = 0;
    let best = -Infinity;
    for (const k of wide) {
      const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
      const t = (base[k] as number) - 0.5 * z * z;
      terms[n++] = t;
      if (t > best) best = t;
    }
    // The kernels of x's own bucket first: they usually hold the largest term.
    const bx = Math.min(nb - 1, Math.max(0, Math.floor((x - kern.lo) / bucketW)));
    for (let j = start[bx] as number; j < (start[bx + 1] as number); j++) {
      const k = members[j] as number;
      const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
      const t = (base[k] as number) - 0.5 * z * z;
      terms[n++] = t;
      if (t > best) best = t;
    }
    // Reach of a narrow kernel: base − ½(d/width)² ≥ best − cutoff  ⇔  d ≤ width·√(2(base − best + cutoff)).
    const slack = narrowMaxBase - best + LSE_CUTOFF;
    if (slack > 0) {
      const span = Math.ceil((width * Math.sqrt(2 * slack)) / bucketW);
      const b0 = Math.max(0, bx - span);
      const b1 = Math.min(nb - 1, bx + span);
      for (let b = b0; b <= b1; b++) {
        if (b === bx) continue;
        for (let j = start[b] as number; j < (start[b + 1] as number); j++) {
          const k = members[j] as number;
          const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
          terms[n++] = (base[k] as number) - 0.5 * z * z;
        }
      }
    }
    out[m] = logSumExpRow(terms, 0, n);
  }
  return out;
}
