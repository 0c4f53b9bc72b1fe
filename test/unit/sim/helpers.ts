/** Numerical helpers for the simulator tests. */

/**
 * Complementary error function, Chebyshev fit of Numerical Recipes (Press et al., 2nd ed., §6.2, `erfcc`),
 * fractional error < 1.2e-7 everywhere — ample for KS statistics and tail probabilities.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal survival function 1 − Φ(x), accurate in relative terms deep in the upper tail. */
export function normSf(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** Standard normal density. */
export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Mean of N(m, s²) truncated to [0, ∞). */
export function truncatedMean(m: number, s: number): number {
  const alpha = -m / s;
  return m + (s * normPdf(alpha)) / normSf(alpha);
}

/** Kolmogorov–Smirnov statistic of a sample against a continuous CDF. */
export function ksStatistic(sample: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** Bitwise equality of two numeric arrays (NaN-safe, distinguishes −0). */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
