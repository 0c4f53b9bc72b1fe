/**
 * BayesFlow 2.0.x default diagnostics (`bayesflow/diagnostics/metrics/*.py`, `compute_default_diagnostics`)
 * as pure functions over posterior draws, exactly as docs/design/networks.md#diagnostics defines them.
 *
 * Layout everywhere: draws (n data sets × S draws × P parameters) row-major, i.e. draw s of data set i
 * for parameter j is `draws[(i·S + s)·P + j]`; truths (n × P) row-major, `truths[i·P + j]`.
 *
 * Undefined values are NaN, never a number that looks valid (the reference divides by zero and gets
 * inf/NaN with a NumPy warning; clipping would even turn some of those into a plausible 0):
 * - NRMSE when the truths of a parameter are constant (range 0, includes n = 1);
 * - Posterior Contraction when the truths are constant (prior variance 0, includes n = 1) or S = 1
 *   (a ddof-1 posterior variance needs two draws).
 * `computeDiagnostics` lists every undefined cell with its reason; `weightedMetricSum` refuses them.
 */
import { linspace, median, quantileSorted, varianceDdof1 } from './stats.ts';

export type NumericArray = Float32Array | Float64Array;

export class MetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsError';
  }
}

/** Row order pinned by docs/design/networks.md#diagnostics and docs/design/simulator.md#objective (the objective depends on it). */
export const METRIC_ROWS = ['NRMSE', 'Posterior Contraction', 'Calibration Error'] as const;
export type MetricRow = (typeof METRIC_ROWS)[number];

export interface UndefinedCell {
  row: MetricRow;
  name: string;
  reason: string;
}

export interface DiagnosticsTable {
  /** Always METRIC_ROWS, in that order. */
  readonly rows: readonly MetricRow[];
  /** Parameter names, in inference-variable (column) order. */
  readonly names: readonly string[];
  /** values[r][j]: metric rows[r] of parameter names[j]; NaN where undefined (see `undefinedCells`). */
  readonly values: readonly (readonly number[])[];
  readonly undefinedCells: readonly UndefinedCell[];
}

/** α grid of the calibration error: linspace(0.005, 0.995, 20) (BayesFlow defaults). */
export const CALIBRATION_ALPHAS: Float64Array = linspace(0.005, 0.995, 20);

/** Shapes and finiteness of a diagnostics input (every metric of this layer checks the same way). */
export function checkShape(draws: NumericArray, truths: NumericArray, n: number, S: number, P: number): void {
  for (const [k, v] of [
    ['n', n],
    ['S', S],
    ['P', P],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new MetricsError(`${k} must be a positive integer, got ${v}`);
  }
  if (draws.length !== n * S * P) {
    throw new MetricsError(`draws has length ${draws.length}, expected n·S·P = ${n}·${S}·${P} = ${n * S * P}`);
  }
  if (truths.length !== n * P) {
    throw new MetricsError(`truths has length ${truths.length}, expected n·P = ${n}·${P} = ${n * P}`);
  }
  for (let k = 0; k < draws.length; k++) {
    if (!Number.isFinite(draws[k]!)) {
      const i = Math.floor(k / (S * P));
      throw new MetricsError(`draws[${i}][${Math.floor(k / P) % S}][${k % P}] is ${draws[k]} (must be finite)`);
    }
  }
  for (let k = 0; k < truths.length; k++) {
    if (!Number.isFinite(truths[k]!)) {
      throw new MetricsError(`truths[${Math.floor(k / P)}][${k % P}] is ${truths[k]} (must be finite)`);
    }
  }
}

function truthColumn(truths: NumericArray, n: number, P: number, j: number): Float64Array {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) col[i] = truths[i * P + j]!;
  return col;
}

/** The S draws of parameter j in data set i (draws is n × S × P, row-major), copied into `out`. */
function drawsOf(draws: NumericArray, i: number, j: number, S: number, P: number, out: Float64Array): Float64Array {
  const base = i * S * P + j;
  for (let s = 0; s < S; s++) out[s] = draws[base + s * P]!;
  return out;
}

function range(xs: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return hi - lo;
}

/**
 * NRMSE per parameter: rmse_s = sqrt(mean_i (est[i,s] − θ_i)²) for every draw index s, divided by the
 * range max_i θ_i − min_i θ_i, then the median over the S draws (`root_mean_squared_error`,
 * normalize=True, aggregation=np.median). NaN where the range is 0.
 */
export function nrmse(draws: NumericArray, truths: NumericArray, n: number, S: number, P: number): Float64Array {
  checkShape(draws, truths, n, S, P);
  const out = new Float64Array(P);
  const perDraw = new Float64Array(S);
  for (let j = 0; j < P; j++) {
    const r = range(truthColumn(truths, n, P, j));
    if (r === 0) {
      out[j] = Number.NaN;
      continue;
    }
    perDraw.fill(0);
    for (let i = 0; i < n; i++) {
      const theta = truths[i * P + j]!;
      const base = i * S * P + j;
      for (let s = 0; s < S; s++) {
        const d = draws[base + s * P]! - theta;
        perDraw[s] = perDraw[s]! + d * d;
      }
    }
    for (let s = 0; s < S; s++) perDraw[s] = Math.sqrt(perDraw[s]! / n) / r;
    out[j] = median(perDraw);
  }
  return out;
}

/**
 * Posterior contraction per parameter: pc_i = clip(1 − var_s(est[i,:], ddof 1) / var_i(θ_i, ddof 1), 0, 1),
 * median over data sets (`posterior_contraction`). NaN where the prior (truth) variance is 0 or S = 1.
 */
export function posteriorContraction(
  draws: NumericArray,
  truths: NumericArray,
  n: number,
  S: number,
  P: number,
): Float64Array {
  checkShape(draws, truths, n, S, P);
  const out = new Float64Array(P);
  const row = new Float64Array(S);
  const pc = new Float64Array(n);
  for (let j = 0; j < P; j++) {
    const col = truthColumn(truths, n, P, j);
    // Tested through the range: a two-pass variance of equal values can come out as a tiny positive
    // number through rounding of the mean, which would fake a contraction of 0.
    if (range(col) === 0 || S < 2) {
      out[j] = Number.NaN;
      continue;
    }
    const priorVar = varianceDdof1(col);
    for (let i = 0; i < n; i++) {
      const c = 1 - varianceDdof1(drawsOf(draws, i, j, S, P, row)) / priorVar;
      pc[i] = Math.min(1, Math.max(0, c));
    }
    out[j] = median(pc);
  }
  return out;
}

/**
 * Calibration error per parameter (`calibration_error`): for α_k in CALIBRATION_ALPHAS the central
 * interval [q((1−α)/2), q(1 − (1−α)/2)] of each data set's S draws (NumPy linear quantiles), coverage
 * = share of data sets with lower ≤ θ_i ≤ upper (inclusive), error = median_k |coverage_k − α_k|.
 */
export function calibrationError(
  draws: NumericArray,
  truths: NumericArray,
  n: number,
  S: number,
  P: number,
): Float64Array {
  checkShape(draws, truths, n, S, P);
  const K = CALIBRATION_ALPHAS.length;
  const out = new Float64Array(P);
  const sorted = new Float64Array(S);
  const covered = new Float64Array(K);
  const err = new Float64Array(K);
  for (let j = 0; j < P; j++) {
    covered.fill(0);
    for (let i = 0; i < n; i++) {
      drawsOf(draws, i, j, S, P, sorted).sort();
      const theta = truths[i * P + j]!;
      for (let k = 0; k < K; k++) {
        const lowerQ = (1 - CALIBRATION_ALPHAS[k]!) / 2;
        const lo = quantileSorted(sorted, lowerQ);
        const hi = quantileSorted(sorted, 1 - lowerQ);
        if (lo <= theta && theta <= hi) covered[k] = covered[k]! + 1;
      }
    }
    for (let k = 0; k < K; k++) err[k] = Math.abs(covered[k]! / n - CALIBRATION_ALPHAS[k]!);
    out[j] = median(err);
  }
  return out;
}

/**
 * The three diagnostics as a table (rows METRIC_ROWS × columns `names`), the input of the objective
 * (docs/design/simulator.md#objective). Undefined cells are NaN and listed with their reason.
 */
export function computeDiagnostics(
  draws: NumericArray,
  truths: NumericArray,
  n: number,
  S: number,
  P: number,
  names: readonly string[],
): DiagnosticsTable {
  if (names.length !== P) throw new MetricsError(`names has ${names.length} entries, expected P = ${P}`);
  if (new Set(names).size !== names.length) throw new MetricsError(`names must be distinct, got ${names.join(',')}`);
  const rowsValues = [
    nrmse(draws, truths, n, S, P),
    posteriorContraction(draws, truths, n, S, P),
    calibrationError(draws, truths, n, S, P),
  ];
  const undefinedCells: UndefinedCell[] = [];
  for (let j = 0; j < P; j++) {
    const name = names[j]!;
    const col = truthColumn(truths, n, P, j);
    const constant = range(col) === 0;
    const why = n === 1 ? 'only one data set (n = 1)' : `the ${n} test truths are all equal (${col[0]})`;
    if (constant) {
      undefinedCells.push({ row: 'NRMSE', name, reason: `range of the truths is 0: ${why}` });
      undefinedCells.push({ row: 'Posterior Contraction', name, reason: `prior variance of the truths is 0: ${why}` });
    } else if (S < 2) {
      undefinedCells.push({
        row: 'Posterior Contraction',
        name,
        reason: 'posterior variance (ddof 1) needs at least 2 draws per data set, got S = 1',
      });
    }
  }
  return {
    rows: [...METRIC_ROWS],
    names: [...names],
    values: rowsValues.map((r) => Array.from(r)),
    undefinedCells,
  };
}
