import { describe, expect, it } from 'vitest';
import {
  CALIBRATION_ALPHAS,
  METRIC_ROWS,
  MetricsError,
  calibrationError,
  computeDiagnostics,
  nrmse,
  posteriorContraction,
} from '../../../src/metrics/index.ts';

/*
 * Example A: n = 3 data sets, S = 2 draws, P = 2 parameters (a, b).
 *   truths  a: [0, 1, 2]        b: [10, 10, 13]
 *   draws   i=0: s0 (a 0, b 10)  s1 (a 1, b 12)
 *           i=1: s0 (a 1, b 11)  s1 (a 3, b 10)
 *           i=2: s0 (a 2, b 13)  s1 (a 2, b 16)
 *
 * NRMSE a: range 2. draw 0 errors (0,0,0) → rmse 0; draw 1 errors (1,2,0) → sqrt(5/3).
 *          median over the 2 draws = (0 + sqrt(5/3)/2)/2 = sqrt(5/3)/4.
 * NRMSE b: range 3. draw 0 errors (0,1,0) → sqrt(1/3); draw 1 errors (2,0,3) → sqrt(13/3).
 *          median = (sqrt(1/3) + sqrt(13/3))/6.
 * PC a: prior var of [0,1,2] (ddof 1) = 1; post vars (x1−x2)²/2 = 0.5, 2, 0 → clip(1−v) = 0.5, 0, 1 → median 0.5.
 * PC b: prior var of [10,10,13] = 3; post vars 2, 0.5, 4.5 → 1/3, 5/6, clip(−0.5)=0 → median 1/3.
 * CE a: with S = 2 the interval is [x0 + d·ql, x1 − d·ql], ql = (1−α)/2 ∈ [0.0025, 0.4975], d = x1 − x0.
 *       i0 [0,1] θ 0: lower > 0, never covered; i1 [1,3] θ 1: never; i2 [2,2] θ 2: always (inclusive).
 *       coverage 1/3 for every α → median_k |1/3 − α_k|. With α_k = 0.005 + k·h, h = 0.99/19, the 10th and
 *       11th smallest distances are α_11 − 1/3 and 1/3 − α_1, so the median is (α_11 − α_1)/2 = 5h = 4.95/19.
 * CE b: i0 [10,12] θ 10, i1 [10,11] θ 10, i2 [13,16] θ 13: the truth is the lowest draw, never covered →
 *       coverage 0 → median_k α_k = (α_9 + α_10)/2 = 0.5.
 */
const A = {
  n: 3,
  S: 2,
  P: 2,
  names: ['a', 'b'],
  truths: new Float64Array([0, 10, 1, 10, 2, 13]),
  draws: new Float64Array([0, 10, 1, 12, 1, 11, 3, 10, 2, 13, 2, 16]),
};
const EXPECTED_A = {
  nrmse: [Math.sqrt(5 / 3) / 4, (Math.sqrt(1 / 3) + Math.sqrt(13 / 3)) / 6],
  pc: [0.5, 1 / 3],
  ce: [4.95 / 19, 0.5],
};

describe('diagnostics: known answers (example A, worked by hand above)', () => {
  it('NRMSE', () => {
    const v = nrmse(A.draws, A.truths, A.n, A.S, A.P);
    expect(v[0]).toBeCloseTo(EXPECTED_A.nrmse[0]!, 14);
    expect(v[1]).toBeCloseTo(EXPECTED_A.nrmse[1]!, 14);
  });

  it('Posterior Contraction', () => {
    const v = posteriorContraction(A.draws, A.truths, A.n, A.S, A.P);
    expect(v[0]).toBeCloseTo(0.5, 14);
    expect(v[1]).toBeCloseTo(1 / 3, 14);
  });

  it('Calibration Error', () => {
    const v = calibrationError(A.draws, A.truths, A.n, A.S, A.P);
    expect(v[0]).toBeCloseTo(4.95 / 19, 14);
    expect(v[1]).toBeCloseTo(0.5, 14);
  });

  it('float32 input gives the same values to float32 precision', () => {
    const t = computeDiagnostics(Float32Array.from(A.draws), Float32Array.from(A.truths), 3, 2, 2, A.names);
    expect(t.values[0]![0]).toBeCloseTo(EXPECTED_A.nrmse[0]!, 6);
    expect(t.values[1]![1]).toBeCloseTo(1 / 3, 6);
    expect(t.values[2]![0]).toBeCloseTo(4.95 / 19, 6);
  });

  it('table: rows NRMSE, Posterior Contraction, Calibration Error in that order, columns = names', () => {
    const t = computeDiagnostics(A.draws, A.truths, A.n, A.S, A.P, A.names);
    expect(t.rows).toEqual(['NRMSE', 'Posterior Contraction', 'Calibration Error']);
    expect(t.rows).toEqual([...METRIC_ROWS]);
    expect(t.names).toEqual(['a', 'b']);
    expect(t.values[0]![1]).toBeCloseTo(EXPECTED_A.nrmse[1]!, 14);
    expect(t.values[1]![0]).toBeCloseTo(0.5, 14);
    expect(t.values[2]![1]).toBeCloseTo(0.5, 14);
    expect(t.undefinedCells).toEqual([]);
  });
});

describe('calibration error: coverage switching with α (one data set, S = 5)', () => {
  it('draws 0..4, truth 3.5: covered exactly for α ≥ 0.75 (boundary inclusive)', () => {
    // upper bound = quantile(1 − ql) = 4·(1 − ql) ≥ 3.5 ⇔ ql ≤ 0.125 ⇔ α ≥ 0.75 → k = 15..19 covered.
    // errors: α_k for k < 15, 1 − α_k = α_{19−k} for k ≥ 15 → sorted 10th/11th = α_4, α_5 → median 0.005 + 4.5h.
    const draws = new Float64Array([3, 0, 4, 1, 2]);
    const v = calibrationError(draws, new Float64Array([3.5]), 1, 5, 1);
    expect(v[0]).toBeCloseTo(0.005 + (4.5 * 0.99) / 19, 14);
    // For α = 0.75 exactly the bound equals the truth: check the α grid does not contain 0.75, so the
    // switch point above is decided by α_14 = 0.7345 < 0.75 < α_15 = 0.7866.
    expect(CALIBRATION_ALPHAS[14]).toBeLessThan(0.75);
    expect(CALIBRATION_ALPHAS[15]).toBeGreaterThan(0.75);
  });

  it('truth equal to an interval bound counts as covered (inclusive)', () => {
    // draws [1, 3]: α = 0.995 gives ql = 0.0025, interval [1.005, 2.995]; the truth 1.005 sits exactly
    // on the lower bound for k = 19 only → coverage 1 there, 0 elsewhere.
    const lo = 1 + 2 * ((1 - CALIBRATION_ALPHAS[19]!) / 2);
    const v = calibrationError(new Float64Array([1, 3]), new Float64Array([lo]), 1, 2, 1);
    // errors α_0..α_18 and 1 − 0.995 = 0.005 → sorted: 0.005, 0.005, α_1.. → 10th/11th = α_8, α_9
    expect(v[0]).toBeCloseTo(0.005 + (8.5 * 0.99) / 19, 12);
  });
});

describe('diagnostics: edge cases', () => {
  it('every interval covering: all draws equal the truth → coverage 1, CE = median(1 − α) = 0.5, PC = 1, NRMSE = 0', () => {
    const truths = new Float64Array([1, 2, 3, 5]);
    const draws = new Float64Array(4 * 3);
    for (let i = 0; i < 4; i++) draws.fill(truths[i]!, i * 3, i * 3 + 3);
    const t = computeDiagnostics(draws, truths, 4, 3, 1, ['x']);
    expect(t.values[0]![0]).toBe(0);
    expect(t.values[1]![0]).toBe(1);
    expect(t.values[2]![0]).toBeCloseTo(0.5, 14);
  });

  it('constant truths: NRMSE and PC are NaN with a stated reason; CE stays defined', () => {
    // parameter c constant 4; draws vary → range 0 and prior variance 0 → undefined, not inf/0.
    const truths = new Float64Array([0, 4, 1, 4, 2, 4]);
    const draws = new Float64Array([0, 3, 1, 5, 1, 4, 3, 4, 2, 4, 2, 6]);
    const t = computeDiagnostics(draws, truths, 3, 2, 2, ['a', 'c']);
    expect(t.values[0]![1]).toBeNaN();
    expect(t.values[1]![1]).toBeNaN();
    expect(Number.isFinite(t.values[2]![1]!)).toBe(true);
    expect(Number.isFinite(t.values[0]![0]!)).toBe(true);
    expect(t.undefinedCells.map((c) => `${c.row}/${c.name}`)).toEqual(['NRMSE/c', 'Posterior Contraction/c']);
    expect(t.undefinedCells[0]!.reason).toMatch(/range of the truths is 0.*all equal \(4\)/);
  });

  it('constant truths that round: 0.1 ×3 still counts as prior variance 0 (no fake PC of 0)', () => {
    const v = posteriorContraction(new Float64Array([0, 1, 0, 1, 0, 1]), new Float64Array([0.1, 0.1, 0.1]), 3, 2, 1);
    expect(v[0]).toBeNaN();
  });

  it('n = 1: NRMSE and PC undefined (reason names n = 1)', () => {
    const t = computeDiagnostics(new Float64Array([1, 2, 3]), new Float64Array([2]), 1, 3, 1, ['x']);
    expect(t.values[0]![0]).toBeNaN();
    expect(t.values[1]![0]).toBeNaN();
    expect(t.undefinedCells[0]!.reason).toMatch(/n = 1/);
  });

  it('S = 1: NRMSE is the single draw RMSE, PC undefined, CE from degenerate intervals', () => {
    // truths [0, 2], single draws [1, 2]: rmse = sqrt((1 + 0)/2), range 2 → sqrt(1/2)/2.
    // CE: interval [x, x]; data set 1 is covered (2 = 2), data set 0 is not → coverage 1/2 for every α
    // → distances |1/2 − α_k| come in equal pairs (k, 19 − k): h/2, 3h/2, …, 19h/2 (h = 0.99/19); the 10th and
    //   11th smallest are 9h/2 and 11h/2 → median 5h = 4.95/19.
    const t = computeDiagnostics(new Float64Array([1, 2]), new Float64Array([0, 2]), 2, 1, 1, ['x']);
    expect(t.values[0]![0]).toBeCloseTo(Math.sqrt(0.5) / 2, 14);
    expect(t.values[1]![0]).toBeNaN();
    expect(t.values[2]![0]).toBeCloseTo(4.95 / 19, 14);
    expect(t.undefinedCells).toEqual([
      { row: 'Posterior Contraction', name: 'x', reason: expect.stringMatching(/S = 1/) as unknown as string },
    ]);
  });

  it('PC is clipped to [0, 1]: a posterior wider than the prior gives 0, not a negative number', () => {
    // truths [0, 1] (prior var 0.5); draws of each set ±10 apart → post var 50 → 1 − 100 → 0
    const v = posteriorContraction(new Float64Array([-5, 5, -4, 6]), new Float64Array([0, 1]), 2, 2, 1);
    expect(v[0]).toBe(0);
  });
});

describe('diagnostics: input validation names the bad field and value', () => {
  const ok = { d: new Float64Array(12), t: new Float64Array([0, 1, 2, 3, 4, 5]) };
  it('wrong lengths', () => {
    expect(() => nrmse(new Float64Array(11), ok.t, 3, 2, 2)).toThrow(
      /draws has length 11, expected n·S·P = 3·2·2 = 12/,
    );
    expect(() => nrmse(ok.d, new Float64Array(5), 3, 2, 2)).toThrow(/truths has length 5/);
    expect(() => nrmse(ok.d, ok.t, 0, 2, 2)).toThrow(MetricsError);
    expect(() => computeDiagnostics(ok.d, ok.t, 3, 2, 2, ['a'])).toThrow(/names has 1 entries, expected P = 2/);
    expect(() => computeDiagnostics(ok.d, ok.t, 3, 2, 2, ['a', 'a'])).toThrow(/distinct/);
  });
  it('non-finite values', () => {
    const d = new Float64Array(12);
    d[7] = Number.NaN; // i = 1, s = 1, j = 1
    expect(() => calibrationError(d, ok.t, 3, 2, 2)).toThrow('draws[1][1][1] is NaN');
    const t = Float32Array.from(ok.t);
    t[4] = Infinity;
    expect(() => posteriorContraction(ok.d, t, 3, 2, 2)).toThrow('truths[2][0] is Infinity');
  });
});

describe('diagnostics: properties', () => {
  it('permuting data sets (with their draws) or draws within a set changes nothing', () => {
    const n = 7;
    const S = 9;
    const P = 3;
    let x = 12345;
    const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 10;
    const truths = Float64Array.from({ length: n * P }, rnd);
    const draws = Float64Array.from({ length: n * S * P }, rnd);
    const base = computeDiagnostics(draws, truths, n, S, P, ['p', 'q', 'r']).values;
    const order = [3, 0, 6, 1, 5, 2, 4];
    const t2 = new Float64Array(n * P);
    const d2 = new Float64Array(n * S * P);
    order.forEach((src, dst) => {
      t2.set(truths.subarray(src * P, src * P + P), dst * P);
      for (let s = 0; s < S; s++) {
        const s2 = (s * 4) % S; // 4 is coprime with 9: a permutation of the draws
        d2.set(draws.subarray((src * S + s) * P, (src * S + s + 1) * P), (dst * S + s2) * P);
      }
    });
    const perm = computeDiagnostics(d2, t2, n, S, P, ['p', 'q', 'r']).values;
    for (let r = 0; r < 3; r++) for (let j = 0; j < P; j++) expect(perm[r]![j]).toBeCloseTo(base[r]![j]!, 12);
  });
});

describe('diagnostics: agreement with a NumPy transcription of the BayesFlow formulas', () => {
  /*
   * Generated with NumPy 1.24.2 (/usr/bin/python3), n = 5, S = 7, P = 2:
   *   rng = np.random.default_rng(3); th = np.round(rng.normal(size=(5, 2)), 3)
   *   est = np.round(th[:, None, :] + 0.2 + rng.normal(size=(5, 7, 2)) * [0.5, 1.0], 3)
   *   rmse = np.sqrt(np.mean((est - th[:, None, :])**2, axis=0)) / (th.max(0) - th.min(0)); np.median(rmse, 0)
   *   np.median(np.clip(1 - est.var(1, ddof=1) / th.var(0, keepdims=True, ddof=1), 0, 1), 0)
   *   q = np.linspace(.005, .995, 20); lo = (1 - q)/2; iv = np.quantile(est, [lo, 1 - lo], axis=1)
   *   np.median(np.abs(np.mean((th[None] >= iv[0]) & (th[None] <= iv[1]), 1) - q[:, None]), 0)
   */
  const draws = new Float64Array([
    2.354, -2.709, 2.1, -3.024, 1.713, -2.747, 2.482, -2.595, 2.72, -2.556, 2.253, -0.81, 2.514, -2.861, 0.527, 0.173,
    1.586, -0.638, 0.496, 0.634, 0.175, -0.66, 1.059, 0.212, 0.664, 0.302, -0.796, 0.653, -0.733, -1.685, -0.115, 0.685,
    -0.475, -1.092, -0.24, -0.069, 0.45, 0.731, -0.156, 1.096, -0.356, -0.942, -1.528, 0.551, -1.927, -0.815, -1.705,
    -2.526, -1.475, 0.459, -2.639, 0.029, -2.302, 0.725, -2.837, -0.946, -0.31, 4.679, -1.744, 3.025, -0.501, 2.914,
    0.13, 2.332, -0.488, 2.475, 0.038, 3.501, -0.851, 1.805,
  ]);
  const truths = new Float64Array([2.041, -2.556, 0.418, -0.568, -0.453, -0.216, -2.02, -0.232, -0.865, 3.323]);
  it('all three rows', () => {
    const t = computeDiagnostics(draws, truths, 5, 7, 2, ['u', 'v']);
    const want = [
      [0.13868408230111856, 0.1688174705007741],
      [0.8722671431299125, 0.8066069629278799],
      [0.08236842105263159, 0.11763157894736842],
    ];
    for (let r = 0; r < 3; r++) for (let j = 0; j < 2; j++) expect(t.values[r]![j]).toBeCloseTo(want[r]![j]!, 12);
  });
});
