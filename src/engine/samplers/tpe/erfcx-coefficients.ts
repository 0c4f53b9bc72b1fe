/**
 * Chebyshev coefficients of g(t) = (1 + 2x)·erfcx(x), t = (x − 3.75)/(x + 3.75), x ∈ [0, ∞), with
 * erfcx(x) = exp(x²)·erfc(x); g = Σ c_k T_k(t). Generated (not copied) by
 * test/unit/engine/samplers/tpe/erfcx_reference.py from a 120-digit reference (Maclaurin series of erf,
 * Laplace continued fraction of erfc); terms beyond index 24 are below 1e-17 and dropped. The
 * substitution follows Schonfelder (Math. Comp. 32, 1978) and Shepherd & Laframboise (Math. Comp. 36,
 * 1981).
 */
export const ERFCX_K = 3.75;

export const ERFCX_CHEBYSHEV = new Float64Array([
  1.1775789345674017, -0.004590054580646478, -0.08424913336651792, 0.05920993999819189, -0.026658668435305753,
  0.009074997670705265, -0.002413163540417608, 0.0004907758365258086, -6.916973302501207e-5, 4.13902798607301e-6,
  7.74038306619849e-7, -2.1886401049234397e-7, 1.076499946567091e-8, 4.521959811218287e-9, -7.754400208831351e-10,
  -6.318088340886684e-11, 2.86879501093067e-11, 1.9455868545777347e-13, -9.65469674843344e-13, 3.25254814814874e-14,
  3.3478119482868056e-14, -1.864562880419313e-15, -1.2507950530688648e-15, 7.418235256624044e-17, 5.068148904796111e-17,
]);
