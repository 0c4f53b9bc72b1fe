"""High-precision reference for erfcx(x) = exp(x^2) erfc(x), x >= 0, and the Chebyshev fit used by
src/engine/samplers/tpe/erfcx-coefficients.ts.

Run with any Python 3 (standard library only):  python3 erfcx_reference.py coeffs | values

Reference values use 120-digit `decimal` arithmetic: the Maclaurin series of erf for x <= 6 and the
Laplace continued fraction erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
for x > 6. The fit expands g(t) = (1 + 2x) erfcx(x) in Chebyshev polynomials of t = (x - K)/(x + K),
which maps [0, inf) onto [-1, 1) (the substitution of Schonfelder 1978 and Shepherd & Laframboise
1981); g tends to 2/sqrt(pi) as x -> inf, so the series converges geometrically.
"""
import math
import sys
from decimal import Decimal as D, getcontext

getcontext().prec = 120
K = D("3.75")


def pi_dec():
    # Machin: pi = 16 atan(1/5) - 4 atan(1/239)
    def atan_inv(n):
        n = D(n)
        x = 1 / n
        x2 = x * x
        total, term, k, sign = D(0), x, 1, 1
        while True:
            t = term / k
            if abs(t) < D(10) ** -130:
                break
            total += sign * t
            term *= x2
            k += 2
            sign = -sign
        return total

    return 16 * atan_inv(5) - 4 * atan_inv(239)


PI = pi_dec()
SQRT_PI = PI.sqrt()


def erfcx_dec(x):
    x = D(x)
    if x <= 6:
        total, n, term = D(0), 0, x  # term = x^(2n+1) / n! * (-1)^n
        while True:
            t = term / (2 * n + 1)
            total += t
            if abs(t) < D(10) ** -125:
                break
            n += 1
            term = -term * x * x / n
        erf = 2 / SQRT_PI * total
        return (x * x).exp() * (1 - erf)
    f = x
    for k in range(600, 0, -1):
        f = x + (D(k) / 2) / f
    return 1 / (SQRT_PI * f)


def g_of_t(t):
    t = D(t)
    if t >= 1:
        return 2 / SQRT_PI
    x = K * (1 + t) / (1 - t)
    return (1 + 2 * x) * erfcx_dec(x)


def cos_dec(theta):
    theta = theta % (2 * PI)
    total, term, n = D(0), D(1), 0
    while abs(term) > D(10) ** -125:
        total += term
        n += 2
        term = -term * theta * theta / (n * (n - 1))
    return total


def chebyshev_coefficients(n_nodes=64):
    # cos(pi k (j + 1/2) / N) only depends on k (j + 1/2) mod 2N: tabulate the 4N distinct values.
    table = [cos_dec(PI * D(m) / (2 * n_nodes)) for m in range(4 * n_nodes)]
    gs = [g_of_t(table[2 * j + 1]) for j in range(n_nodes)]
    coeffs = []
    for k in range(n_nodes):
        s = D(0)
        for j in range(n_nodes):
            s += gs[j] * table[(k * (2 * j + 1)) % (4 * n_nodes)]
        coeffs.append(s * 2 / n_nodes)
    coeffs[0] /= 2  # so that g = sum_k c_k T_k
    return coeffs


if __name__ == "__main__":
    if sys.argv[1:] == ["coeffs"]:
        cs = chebyshev_coefficients()
        # Keep terms down to 1e-17 relative to g (g >= 1.1 on [-1, 1]): below double rounding.
        last = max(i for i, c in enumerate(cs) if abs(c) > D("1e-17"))
        print(",\n".join(repr(float(c)) for c in cs[: last + 1]))
    else:
        for x in ["0", "1e-8", "0.1", "0.5", "1", "2", "3", "4.5", "6", "6.5", "10", "26", "50", "1000", "1e6"]:
            print(x, repr(float(erfcx_dec(D(x)))))
