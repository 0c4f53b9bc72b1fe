/**
 * Normal CDF in log space and the truncated normal, accurate far into the tails, for the Parzen
 * estimator. Behaviour follows optuna/samplers/_tpe/_truncnorm.py (v4.9; itself after SciPy):
 * `logGaussMass` works in the left tail by symmetry and uses log1p in the central case; `ppf` inverts
 * the CDF in log space, from the left or the right depending on the sign of a. The implementation is
 * our own: erfc through a Chebyshev expansion of erfcx (erfcx-coefficients.ts), log Φ without
 * underflow as −x² + log(erfcx(x)/2), and a safeguarded Newton inverse of log Φ.
 */
import { ERFCX_CHEBYSHEV, ERFCX_K } from './erfcx-coefficients.ts';

const SQRT1_2 = Math.SQRT1_2;
const LOG_HALF = -Math.LN2;
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const N_CHEB = ERFCX_CHEBYSHEV.length;
/**
 * In the central case of `logGaussMass`, an excluded tail beyond 9 standard deviations
 * (Φ(−9) ≈ 1.1e-19) is not evaluated: it changes the log mass by less than 2.3e-19 in absolute
 * terms, far below the rounding (~1e-16) of the log densities built from it, and skipping it saves
 * most of the erfc calls when kernels are narrow relative to the range. Tail intervals (a > 0 or
 * b ≤ 0) are always computed in full.
 */
const TAIL_NEGLIGIBLE = 9;

/** erfcx(x) = exp(x²)·erfc(x) for x ≥ 0 (relative error ~1e-16). */
export function erfcxNonNeg(x: number): number {
  if (x > 1e8) {
    // Asymptotic series: erfcx(x) = 1/(x√π)·(1 − 1/(2x²) + …); the next term is below 1e-32 here.
    return (INV_SQRT_PI / x) * (1 - 0.5 / (x * x));
  }
  const t = (x - ERFCX_K) / (x + ERFCX_K);
  // Clenshaw recurrence for Σ c_k T_k(t).
  let b1 = 0;
  let b2 = 0;
  const t2 = 2 * t;
  for (let k = N_CHEB - 1; k >= 1; k--) {
    const b0 = t2 * b1 - b2 + (ERFCX_CHEBYSHEV[k] as number);
    b2 = b1;
    b1 = b0;
  }
  const g = t * b1 - b2 + (ERFCX_CHEBYSHEV[0] as number);
  return g / (1 + 2 * x);
}

/**
 * exp(−x²) for 0 ≤ x ≤ 27.3 with x² split so that its rounding error does not reach the exponent:
 * x = hi + lo with hi of 24 significant bits (hi² exact), x² = hi² + δ, δ = lo·(x + hi) ≤ 9e-5, and
 * exp(−δ) by its cubic Taylor polynomial (remainder δ⁴/24 < 3e-18).
 */
function expNegSquare(x: number): number {
  const hi = Math.fround(x);
  const d = (x - hi) * (x + hi);
  return Math.exp(-hi * hi) * (1 - d * (1 - d * (0.5 - d / 6)));
}

/** erf(x) for |x| < 0.5 by its Maclaurin series 2/√π·Σ (−1)^n x^(2n+1)/(n!(2n+1)) (14 terms < 1e-17). */
function erfSmall(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 14; n++) {
    term *= -x2 / n;
    sum += term / (2 * n + 1);
  }
  return 2 * INV_SQRT_PI * sum;
}

/** Complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 0.5) return 1 - erfSmall(x);
  if (x >= 0) return x > 27.3 ? 0 : expNegSquare(x) * erfcxNonNeg(x);
  return 2 - erfc(-x);
}

/** Standard normal CDF Φ(z). */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** log Φ(z), accurate for z → −∞ (no underflow) and for z → +∞ (via log1p). */
export function logNdtr(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z > 0) return Math.log1p(-0.5 * erfc(z * SQRT1_2));
  if (z > -1) return Math.log(0.5 * erfc(-z * SQRT1_2));
  if (z === -Infinity) return -Infinity;
  const x = -z * SQRT1_2;
  return LOG_HALF - x * x + Math.log(erfcxNonNeg(x));
}

/** log φ(z). */
export function normLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** log(e^p − e^q) for p ≥ q. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

/** log(e^p + e^q). */
function logSum(p: number, q: number): number {
  const m = Math.max(p, q);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/** log(Φ(b) − Φ(a)) for a ≤ b, computed in the left tail by symmetry (`_log_gauss_mass`). */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Central: 1 − Φ(a) − Φ(−b) without cancelling against 1.
  const left = a < -TAIL_NEGLIGIBLE ? 0 : ndtr(a);
  const right = b > TAIL_NEGLIGIBLE ? 0 : ndtr(-b);
  return Math.log1p(-left - right);
}

/** The x with log Φ(x) = y (y ≤ 0): Newton on log Φ, kept inside a shrinking bracket. */
export function ndtriExp(y: number): number {
  if (Number.isNaN(y) || y > 0) return NaN;
  if (y === 0) return Infinity;
  if (y === -Infinity) return -Infinity;
  // Bracket: log Φ(x) < −x²/2 for x < −1 gives a lower end; log Φ(40) rounds to 0.
  let lo = Math.min(-40, -Math.sqrt(-2 * y) - 1);
  let hi = 40;
  // Start from the tail asymptote log Φ(x) ≈ −x²/2 − log(−x) − ½log 2π, or from 0 near the centre.
  let x = 0;
  if (y < -2) {
    const u = -2 * y - Math.log(-2 * y) - 2 * LOG_SQRT_2PI;
    x = -Math.sqrt(Math.max(u, 1));
  } else if (y > -0.1) {
    x = 1;
  }
  for (let iter = 0; iter < 100; iter++) {
    const ln = logNdtr(x);
    const f = ln - y;
    if (f === 0) return x;
    if (f > 0) hi = x;
    else lo = x;
    const slope = Math.exp(normLogPdf(x) - ln); // d/dx log Φ(x) = φ(x)/Φ(x)
    let next = x - f / slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

/**
 * Quantile of the standard normal truncated to [a, b] at probability q (`_truncnorm.ppf`), clamped to
 * [a, b] so that rounding can never leave the interval.
 */
export function truncnormPpf(q: number, a: number, b: number): number {
  if (a === b) return a;
  if (q <= 0) return a;
  if (q >= 1) return b;
  let x: number;
  if (a < 0) {
    x = ndtriExp(logSum(logNdtr(a), Math.log(q) + logGaussMass(a, b)));
  } else {
    x = -ndtriExp(logSum(logNdtr(-b), Math.log1p(-q) + logGaussMass(a, b)));
  }
  return x < a ? a : x > b ? b : x;
}

/** log density of N(mu, sigma²) truncated to [lo, hi] at x. */
export function truncnormLogPdf(x: number, mu: number, sigma: number, lo: number, hi: number): number {
  if (x < lo || x > hi) return -Infinity;
  const z = (x - mu) / sigma;
  return normLogPdf(z) - Math.log(sigma) - logGaussMass((lo - mu) / sigma, (hi - mu) / sigma);
}
