/**
 * Log densities of the Parzen mixture (see parzen-estimator.ts). The joint path sums per-parameter
 * kernel log densities into a candidates × kernels matrix and log-sum-exps each row; one-parameter
 * mixtures (independent TPE, the default) take shortcuts with the same result: categorical mixtures
 * collapse to one probability per choice, discrete ones to one weight per distinct (mu, sigma), and
 * continuous ones skip the exp of kernels far below the best.
 *
 * `scratch` holds the work buffers (the estimator's own workspace: TPE builds two estimators per
 * parameter per trial, and per-call typed arrays would be garbage); only the keys named here are used.
 */
import { continuousLogMixture } from './continuous-mixture.ts';
import { LOG_SQRT_2PI, logSumExpRow, LSE_CUTOFF } from './density-util.ts';
import type { Kernels, NumericKernels } from './parzen-kernels.ts';
import { logGaussMass } from './truncnorm.ts';
import type { Workspace } from './workspace.ts';

/** Cell [x − step/2, x + step/2] in the transformed space. */
function cell(kern: NumericKernels, x: number): [number, number] {
  const h = kern.step / 2;
  return kern.log ? [Math.log(x - h), Math.log(x + h)] : [x - h, x + h];
}

/** Index of the first candidate before m with the value of xs[m], or −1 (stepped candidates repeat). */
function earlierSame(xs: Float64Array, m: number): number {
  for (let j = 0; j < m; j++) if (xs[j] === xs[m]) return j;
  return -1;
}

function exactCellTerm(kern: NumericKernels, logW: Float64Array, g: number, left: number, right: number): number {
  const mu = kern.groupMu[g] as number;
  const s = kern.groupSigma[g] as number;
  return (logW[g] as number) + logGaussMass((left - mu) / s, (right - mu) / s);
}

/**
 * log Σ_g exp(logW_g + log mass_g(cell of x)). A cheap upper bound on each group's cell mass,
 * (width/σ)·φ(distance from mu to the cell), lets far groups be skipped once some group's exact term
 * is known: a skipped term is more than LSE_CUTOFF nats below it.
 */
function discreteLogMixture(kern: NumericKernels, logW: Float64Array, x: number, terms: Float64Array): number {
  const G = kern.groupMu.length;
  const [left, right] = cell(kern, x);
  const logWidth = Math.log(right - left);
  let bestG = 0;
  for (let g = 0; g < G; g++) {
    const mu = kern.groupMu[g] as number;
    const s = kern.groupSigma[g] as number;
    const dist = mu < left ? left - mu : mu > right ? mu - right : 0;
    const z = dist / s;
    terms[g] = (logW[g] as number) + logWidth - Math.log(s) - LOG_SQRT_2PI - 0.5 * z * z;
    if ((terms[g] as number) > (terms[bestG] as number)) bestG = g;
  }
  const known = exactCellTerm(kern, logW, bestG, left, right);
  const floor = known - LSE_CUTOFF;
  for (let g = 0; g < G; g++) {
    if (g === bestG) terms[g] = known;
    else terms[g] = (terms[g] as number) < floor ? -Infinity : exactCellTerm(kern, logW, g, left, right);
  }
  return logSumExpRow(terms, 0, G);
}

export function logPdf1D(
  scratch: Workspace,
  kern: Kernels,
  weights: Float64Array,
  xs: Float64Array,
  size: number,
  out: Float64Array,
): Float64Array {
  const K = weights.length;
  if (kern.kind === 'categorical') {
    const table = kern.mixture(weights);
    for (let m = 0; m < size; m++) out[m] = Math.log(table[Math.trunc(xs[m] as number)] as number);
    return out;
  }
  if (kern.step !== 0) {
    const G = kern.groupMu.length;
    const logW = scratch.f64('groupLogW', G);
    for (let k = 0; k < K; k++)
      logW[kern.groupOf[k] as number] = (logW[kern.groupOf[k] as number] as number) + (weights[k] as number);
    const groupLogMass = scratch.f64('groupLogMass', G, null);
    for (let k = 0; k < K; k++) groupLogMass[kern.groupOf[k] as number] = kern.logMass[k] as number;
    for (let g = 0; g < G; g++) logW[g] = Math.log(logW[g] as number) - (groupLogMass[g] as number);
    const terms = scratch.f64('terms', G, null);
    for (let m = 0; m < size; m++) {
      const same = earlierSame(xs, m);
      out[m] = same >= 0 ? (out[same] as number) : discreteLogMixture(kern, logW, xs[m] as number, terms);
    }
    return out;
  }
  return continuousLogMixture(scratch, kern, weights, xs, size, out);
}

export function logPdfJoint(
  scratch: Workspace,
  kernels: readonly Kernels[],
  weights: Float64Array,
  samples: readonly Float64Array[],
  size: number,
  out: Float64Array,
): Float64Array {
  const K = weights.length;
  const acc = scratch.f64('acc', size * K, null);
  const logW = scratch.f64('logW', K, null);
  for (let k = 0; k < K; k++) logW[k] = Math.log(weights[k] as number);
  for (let m = 0; m < size; m++) acc.set(logW, m * K);
  for (let i = 0; i < kernels.length; i++) {
    const kern = kernels[i] as Kernels;
    const xs = samples[i] as Float64Array;
    if (kern.kind === 'categorical') {
      const C = kern.nChoices;
      const logProbs = kern.logProbs;
      for (let m = 0; m < size; m++) {
        const c = Math.trunc(xs[m] as number);
        for (let k = 0; k < K; k++) acc[m * K + k] = (acc[m * K + k] as number) + (logProbs[k * C + c] as number);
      }
    } else if (kern.step === 0) {
      // Per-kernel constants once: −log σ − log √(2π) − log mass, and 1/σ.
      const c0 = scratch.f64('c0', K, null);
      const inv = scratch.f64('inv', K, null);
      for (let k = 0; k < K; k++) {
        const sg = kern.sigmas[k] as number;
        c0[k] = -Math.log(sg) - LOG_SQRT_2PI - (kern.logMass[k] as number);
        inv[k] = 1 / sg;
      }
      for (let m = 0; m < size; m++) {
        const x = kern.log ? Math.log(xs[m] as number) : (xs[m] as number);
        const base = m * K;
        if (!(x >= kern.lo && x <= kern.hi)) {
          for (let k = 0; k < K; k++) acc[base + k] = -Infinity;
          continue;
        }
        for (let k = 0; k < K; k++) {
          const z = (x - (kern.mus[k] as number)) * (inv[k] as number);
          acc[base + k] = (acc[base + k] as number) - 0.5 * z * z + (c0[k] as number);
        }
      }
    } else {
      // Cell masses once per distinct candidate value and (mu, sigma) group.
      const G = kern.groupMu.length;
      const tables = scratch.f64('tables', size * G, null);
      for (let m = 0; m < size; m++) {
        const same = earlierSame(xs, m);
        if (same >= 0) tables.copyWithin(m * G, same * G, same * G + G);
        else {
          const [left, right] = cell(kern, xs[m] as number);
          for (let g = 0; g < G; g++) {
            const mu = kern.groupMu[g] as number;
            const sg = kern.groupSigma[g] as number;
            tables[m * G + g] = logGaussMass((left - mu) / sg, (right - mu) / sg);
          }
        }
        const base = m * K;
        for (let k = 0; k < K; k++) {
          acc[base + k] =
            (acc[base + k] as number) +
            (tables[m * G + (kern.groupOf[k] as number)] as number) -
            (kern.logMass[k] as number);
        }
      }
    }
  }
  for (let m = 0; m < size; m++) out[m] = logSumExpRow(acc, m * K, K);
  return out;
}
