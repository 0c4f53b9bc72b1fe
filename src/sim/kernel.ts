/**
 * The DMC trial process of docs/design/simulator.md#one-trial on the project grid t = 1..tmax (docs/design/simulator.md#time-grid):
 *
 *   X0 = b·(2·Beta(3,3) − 1)            (or 0 with startPoint 'zero', DMCfun spDist = 0)
 *   X_k = X_{k−1} + s·mu_a(k) + mu_c + sigma·Z_k,   k = 1..tmax, s = +1 congruent / −1 incongruent
 *   first k with X_k ≥ b → correct, X_k ≤ −b → error (absorbing, ≥ and ≤, not strict)
 *   rt = (k + ndt) / 1000 s with ndt ~ Normal(mu_r, sd_r) ms, not truncated; no crossing → rt = acc = −1
 *
 * Performance (goal ≤ 0.4 ms per 500-trial data set): the drift s·mu_a(k) + mu_c is tabulated once per
 * data set and condition; the walk stops at the first crossing (noise after it is never used, so the
 * distribution is that of the reference's full matrix); the xoshiro128** state lives in local
 * variables during a walk and the ziggurat fast path (src/shared/ziggurat.ts) is inlined, so a step is a
 * handful of integer operations, one table lookup, two adds and two compares, with no allocation.
 * Every draw for a data set comes from its own stream, so results never depend on how data sets are
 * distributed over workers or chunks.
 */
import { ZIG_K, ZIG_W, float53, nextI32, nextI32Many, normal, normalSlow } from '../shared/index.ts';
import type { DmcConfig, DmcParams } from './types.ts';

export type TrialOptions = Pick<DmcConfig, 'tmax' | 'a' | 'sigma' | 'startPoint' | 'contamination'>;

/** Automatic drift mu_a(t) for t = 1..tmax into out[t−1] (derivative of E[X_a(t)]). */
export function fillAutomaticDrift(out: Float64Array, A: number, tau: number, a: number): void {
  const tmax = out.length;
  if (a === 2) {
    // mu_a(t) = (A/tau)·exp(1 − t/tau)·(1 − t/tau)
    // exp(1 − t/tau) by the recurrence g_t = g_{t−1}·exp(−1/tau), re-anchored on an exact exp every 64
    // steps so rounding cannot build up (relative error < 1e-13): the table is refilled for every data
    // set, and one exp per step was 6 % of simulating one (24 µs of 410 µs at tmax 1500).
    const scale = A / tau;
    const r = Math.exp(-1 / tau);
    let g = 0;
    for (let t = 1; t <= tmax; t++) {
      g = (t & 63) === 1 ? Math.exp(1 - t / tau) : g * r;
      out[t - 1] = scale * g * (1 - t / tau);
    }
    return;
  }
  // mu_a(t) = A·exp(−t/tau)·[e·t/((a−1)·tau)]^(a−1)·[(a−1)/t − 1/tau], in log form so that a large shape
  // cannot overflow the power before the exponential damps it
  const am1 = a - 1;
  for (let t = 1; t <= tmax; t++) {
    const logGrowth = am1 * Math.log((Math.E * t) / (am1 * tau));
    out[t - 1] = A * Math.exp(logGrowth - t / tau) * (am1 / t - 1 / tau);
  }
}

const FIVE = new Int32Array(5);

/** Median of five uniform uint32 draws scaled to (0, 1): exactly Beta(3, 3) (order statistic 3 of 5). */
export function beta33(st: Int32Array): number {
  nextI32Many(st, FIVE, 5);
  let a = FIVE[0]! >>> 0;
  let b = FIVE[1]! >>> 0;
  let c = FIVE[2]! >>> 0;
  let d = FIVE[3]! >>> 0;
  const e = FIVE[4]! >>> 0;
  let t: number;
  if (a > b) {
    t = a;
    a = b;
    b = t;
  }
  if (c > d) {
    t = c;
    c = d;
    d = t;
  }
  // the smaller pair minimum lies below 3 others, so it cannot be the median: replace it by e
  if (a < c) {
    a = e;
    if (a > b) {
      t = a;
      a = b;
      b = t;
    }
  } else {
    c = e;
    if (c > d) {
      t = c;
      c = d;
      d = t;
    }
  }
  // the median of the 5 is now the 2nd smallest of the pairs (a ≤ b), (c ≤ d)
  const m = a < c ? Math.min(b, c) : Math.min(a, d);
  return (m + 0.5) / 4294967296; // 32-bit resolution, never 0 or 1
}

/** Simulates experiments with fixed options; scratch tables are allocated once and reused. */
export class DmcKernel {
  private readonly opts: TrialOptions;
  private readonly mu: Float64Array;
  private readonly up: Float64Array;
  private readonly down: Float64Array;
  /** sigma·W: the fast path's noise is one multiply of the signed 24-bit value. */
  private readonly sw: Float64Array;

  constructor(opts: TrialOptions) {
    this.opts = opts;
    this.mu = new Float64Array(opts.tmax);
    this.up = new Float64Array(opts.tmax);
    this.down = new Float64Array(opts.tmax);
    this.sw = ZIG_W.map((w) => w * opts.sigma);
  }

  /**
   * One experiment of numObs trials (first ceil(numObs/2) congruent) written at `offset` of the output
   * arrays, drawing from `st` in this order per trial: contamination (when on), start point, the walk,
   * then the non-decision time (only for a crossing — the reference's unused ndt draws change nothing).
   */
  run(
    p: DmcParams,
    numObs: number,
    st: Int32Array,
    rt: Float32Array,
    acc: Float32Array,
    cond: Float32Array,
    offset: number,
  ): void {
    const { tmax, sigma, a } = this.opts;
    const pCont = this.opts.contamination ?? 0;
    const beta = this.opts.startPoint === 'beta';
    const { mu, up, down, sw } = this;
    fillAutomaticDrift(mu, p.A, p.tau, a);
    for (let t = 0; t < tmax; t++) {
      up[t] = p.mu_c + mu[t]!;
      down[t] = p.mu_c - mu[t]!;
    }
    const K = ZIG_K;
    const b = p.b;
    const nb = -b;
    const nc = Math.ceil(numObs / 2);
    for (let k = 0; k < numObs; k++) {
      const o = offset + k;
      const congruent = k < nc;
      cond[o] = congruent ? 0 : 1;
      if (pCont > 0 && float53(st) < pCont) {
        // contamination: rt ~ U(0, 2) s, accuracy ~ Bernoulli(0.5); the trial is never simulated
        rt[o] = 2 * float53(st);
        acc[o] = nextI32(st) < 0 ? 1 : 0;
        continue;
      }
      let x = beta ? b * (2 * beta33(st) - 1) : 0;
      const drift = congruent ? up : down;
      let hit = 0;
      let outcome = -1;
      let s0 = st[0]!;
      let s1 = st[1]!;
      let s2 = st[2]!;
      let s3 = st[3]!;
      for (let t = 0; t < tmax; t++) {
        // xoshiro128** step, identical to nextI32 (inlined so the state stays in registers)
        const m = Math.imul(s1, 5);
        const r = Math.imul((m << 7) | (m >>> 25), 9);
        const sh = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= sh;
        s3 = (s3 << 11) | (s3 >>> 21);
        const i = r & 255;
        const j = r >> 8;
        if (Math.abs(j) < K[i]!) {
          x += drift[t]! + j * sw[i]!;
        } else {
          st[0] = s0;
          st[1] = s1;
          st[2] = s2;
          st[3] = s3;
          x += drift[t]! + sigma * normalSlow(st, r);
          s0 = st[0]!;
          s1 = st[1]!;
          s2 = st[2]!;
          s3 = st[3]!;
        }
        if (x >= b) {
          hit = t + 1;
          outcome = 1;
          break;
        }
        if (x <= nb) {
          hit = t + 1;
          outcome = 0;
          break;
        }
      }
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      if (outcome < 0) {
        rt[o] = -1;
        acc[o] = -1;
        continue;
      }
      const ndt = p.sd_r > 0 ? p.mu_r + p.sd_r * normal(st) : p.mu_r;
      rt[o] = (hit + ndt) / 1000;
      acc[o] = outcome;
    }
  }
}
