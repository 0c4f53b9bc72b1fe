import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/shared/rng.ts';
import { TrialState } from '../../../../src/engine/types.ts';
import type { Distribution, FrozenTrial, ParamValue } from '../../../../src/engine/types.ts';
import {
  FanovaError,
  decomposeTree,
  fanovaImportances,
  fitForest,
  predictTree,
} from '../../../../src/engine/importance/index.ts';
import type { RegressionTree } from '../../../../src/engine/importance/index.ts';
import { makeTrial } from '../../plots/fixtures.ts';

const U01: Distribution = { type: 'float', low: 0, high: 1, log: false, step: null };

/** n trials with params drawn uniformly from their distributions and value f(params). */
function randomStudy(
  n: number,
  dists: Record<string, Distribution>,
  f: (p: Record<string, ParamValue>) => number,
  seed = 1,
): FrozenTrial[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, (_, k) => {
    const params: Record<string, ParamValue> = {};
    for (const [name, d] of Object.entries(dists)) {
      if (d.type === 'categorical') params[name] = d.choices[rng.int(0, d.choices.length - 1)]!;
      else if (d.type === 'int') params[name] = rng.int(d.low, d.high);
      else params[name] = d.log ? Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high))) : rng.uniform(d.low, d.high);
    }
    return makeTrial({ number: k, value: f(params), params, distributions: dists });
  });
}

const asMap = (xs: { name: string; importance: number }[]): Record<string, number> =>
  Object.fromEntries(xs.map((x) => [x.name, x.importance]));

function tree(
  nodes: [feature: number, threshold: number, left: number, right: number, value: number][],
): RegressionTree {
  return {
    feature: Int32Array.from(nodes.map((n) => n[0])),
    threshold: Float64Array.from(nodes.map((n) => n[1])),
    left: Int32Array.from(nodes.map((n) => n[2])),
    right: Int32Array.from(nodes.map((n) => n[3])),
    value: Float64Array.from(nodes.map((n) => n[4])),
  };
}

describe('functional ANOVA of one tree (exact answers)', () => {
  const lo = Float64Array.of(0, 0);
  const hi = Float64Array.of(1, 1);

  it('a split on x1 only: all variance is x1 main effect', () => {
    const t = tree([
      [0, 0.5, 1, 2, 0.5],
      [-1, NaN, -1, -1, 0],
      [-1, NaN, -1, -1, 1],
    ]);
    const r = decomposeTree(t, lo, hi);
    expect(r.total).toBeCloseTo(0.25, 15);
    expect(r.marginal[0]).toBeCloseTo(0.25, 15);
    expect(r.marginal[1]).toBe(0);
  });

  it('an AND of two halves: each main effect is 1/3 of the variance, the rest interaction', () => {
    // f = 1 where x1 > 0.5 and x2 > 0.5: V = 3/16, V1 = V2 = 1/16.
    const t = tree([
      [0, 0.5, 1, 2, 0.25],
      [-1, NaN, -1, -1, 0],
      [1, 0.5, 3, 4, 0.5],
      [-1, NaN, -1, -1, 0],
      [-1, NaN, -1, -1, 1],
    ]);
    const r = decomposeTree(t, lo, hi);
    expect(r.total).toBeCloseTo(3 / 16, 15);
    expect(r.marginal[0]).toBeCloseTo(1 / 16, 15);
    expect(r.marginal[1]).toBeCloseTo(1 / 16, 15);
  });

  it('weights cells by volume: an uneven split at 0.2 on [0, 2]', () => {
    // Leaves 0 on [0, 0.2] (share 0.1) and 10 on (0.2, 2] (share 0.9): mean 9, V = 0.1·81 + 0.9·1 = 9.
    const t = tree([
      [0, 0.2, 1, 2, 5],
      [-1, NaN, -1, -1, 0],
      [-1, NaN, -1, -1, 10],
    ]);
    const r = decomposeTree(t, Float64Array.of(0, 0), Float64Array.of(2, 1));
    expect(r.total).toBeCloseTo(9, 12);
    expect(r.marginal[0]).toBeCloseTo(9, 12);
  });
});

describe('random forest', () => {
  it('fits the training data exactly when grown fully without bootstrap', () => {
    const rng = Rng.fromSeed(3);
    const n = 40;
    const x = Float64Array.from({ length: n * 2 }, () => rng.float());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * x[2 * i]!) + x[2 * i + 1]!);
    const [t] = fitForest({ x, y, n, d: 2 }, { nTrees: 1, maxDepth: 64, seed: 0, bootstrap: false });
    for (let i = 0; i < n; i++) expect(predictTree(t!, [x[2 * i]!, x[2 * i + 1]!])).toBeCloseTo(y[i]!, 12);
  });

  it('respects max_depth', () => {
    const rng = Rng.fromSeed(4);
    const n = 64;
    const x = Float64Array.from({ length: n }, () => rng.float());
    const y = Float64Array.from(x, (v) => v * v);
    const trees = fitForest({ x, y, n, d: 1 }, { nTrees: 3, maxDepth: 2, seed: 1 });
    for (const t of trees) expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(4);
  });
});

describe('fanovaImportances: known answers', () => {
  it('f = 10·x1 + 0·x2 → x1 ≈ 1', () => {
    const trials = randomStudy(120, { x1: U01, x2: U01 }, (p) => 10 * (p.x1 as number));
    const imp = asMap(fanovaImportances(trials));
    expect(imp.x1).toBeGreaterThan(0.97);
    expect(imp.x1! + imp.x2!).toBeCloseTo(1, 12);
  });

  it('f = x1 + x2 on equal ranges → ≈ 0.5 / 0.5', () => {
    const trials = randomStudy(200, { x1: U01, x2: U01 }, (p) => (p.x1 as number) + (p.x2 as number));
    const imp = asMap(fanovaImportances(trials));
    expect(imp.x1).toBeGreaterThan(0.4);
    expect(imp.x1).toBeLessThan(0.6);
  });

  it('f = 1·x1 + 2·x2 + 3·x3 → variance shares 1/14, 4/14, 9/14', () => {
    const trials = randomStudy(
      300,
      { x1: U01, x2: U01, x3: U01 },
      (p) => (p.x1 as number) + 2 * (p.x2 as number) + 3 * (p.x3 as number),
    );
    const imp = fanovaImportances(trials);
    expect(imp.map((p) => p.name)).toEqual(['x3', 'x2', 'x1']);
    const m = asMap(imp);
    expect(m.x1).toBeCloseTo(1 / 14, 1);
    expect(m.x2).toBeCloseTo(4 / 14, 1);
    expect(m.x3).toBeCloseTo(9 / 14, 1);
  });

  it('non-linear additive f = sin(2πx1) + x2² → shares 1/2 : 4/45 of the variance', () => {
    const trials = randomStudy(
      300,
      { x1: U01, x2: U01 },
      (p) => Math.sin(2 * Math.PI * (p.x1 as number)) + (p.x2 as number) ** 2,
    );
    const m = asMap(fanovaImportances(trials));
    const share1 = 0.5 / (0.5 + 4 / 45);
    expect(m.x1).toBeGreaterThan(share1 - 0.06);
    expect(m.x1).toBeLessThan(share1 + 0.06);
  });

  it('categoricals as one-hot groups and int params: a categorical that decides the value dominates', () => {
    const dists: Record<string, Distribution> = {
      batch_size: { type: 'categorical', choices: [16, 32, 64, 128] },
      num_seeds: { type: 'int', low: 1, high: 8, log: false, step: 1 },
      lr: { type: 'float', low: 1e-4, high: 1e-2, log: true, step: null },
    };
    const trials = randomStudy(150, dists, (p) => (p.batch_size === 16 ? 1.25 : 0.2) + 0.001 * (p.num_seeds as number));
    const imp = fanovaImportances(trials);
    expect(imp[0]!.name).toBe('batch_size');
    expect(imp[0]!.importance).toBeGreaterThan(0.9);
  });

  it('the untransformed scale counts: f linear in log10(lr) gets its variance from the top decade', () => {
    const dists: Record<string, Distribution> = {
      lr: { type: 'float', low: 1e-4, high: 1, log: true, step: null },
      x: U01,
    };
    // On the raw scale most of [1e-4, 1] has log10(lr) near 0, so lr explains less than its
    // share on the log scale would suggest, yet still clearly dominates a weak x.
    const trials = randomStudy(200, dists, (p) => Math.log10(p.lr as number) + 0.1 * (p.x as number));
    const m = asMap(fanovaImportances(trials));
    expect(m.lr).toBeGreaterThan(0.8);
  });
});

describe('fanovaImportances: selection and errors', () => {
  it('is deterministic for a seed and uses the seed', () => {
    const trials = randomStudy(60, { x1: U01, x2: U01 }, (p) => (p.x1 as number) * (p.x2 as number) + (p.x1 as number));
    expect(fanovaImportances(trials, undefined, { seed: 7 })).toEqual(
      fanovaImportances(trials, undefined, { seed: 7 }),
    );
    expect(fanovaImportances(trials, undefined, { seed: 7 })).not.toEqual(
      fanovaImportances(trials, undefined, { seed: 8 }),
    );
  });

  it('trains on COMPLETE trials with finite values only', () => {
    const base = randomStudy(80, { x1: U01, x2: U01 }, (p) => 10 * (p.x1 as number));
    const noisy = [
      ...base,
      makeTrial({ number: 80, value: Infinity, params: { x1: 0.1, x2: 0.9 }, distributions: { x1: U01, x2: U01 } }),
      makeTrial({
        number: 81,
        state: TrialState.PRUNED,
        value: 99,
        params: { x1: 0.1, x2: 0.1 },
        distributions: { x1: U01, x2: U01 },
      }),
      makeTrial({ number: 82, state: TrialState.FAIL, value: null, params: { x2: 0.5 }, distributions: { x2: U01 } }),
      makeTrial({ number: 83, state: TrialState.RUNNING, value: null }),
    ];
    expect(fanovaImportances(noisy, undefined, { seed: 0 })).toEqual(fanovaImportances(base, undefined, { seed: 0 }));
  });

  it('uses the intersection search space; single-valued parameters get 0', () => {
    const dists: Record<string, Distribution> = {
      x1: U01,
      fixed: { type: 'float', low: 3, high: 3, log: false, step: null },
    };
    const trials = randomStudy(30, dists, (p) => p.x1 as number);
    trials.push(
      makeTrial({
        number: 30,
        value: 0.5,
        params: { x1: 0.5, fixed: 3, extra: 1 },
        distributions: { ...dists, extra: U01 },
      }),
    );
    const imp = fanovaImportances(trials);
    expect(imp).toEqual([
      { name: 'x1', importance: 1 },
      { name: 'fixed', importance: 0 },
    ]);
  });

  it('compares choices as the engine does: 0 and false are one choice, as in Python', () => {
    const numbers: Distribution = { type: 'categorical', choices: [0, 1, 2] };
    const withFalse: Distribution = { type: 'categorical', choices: [false, 1, 2] };
    const trials = Array.from({ length: 12 }, (_, k) => {
      const c = k % 3;
      const [dist, value] = k < 6 ? [numbers, c] : [withFalse, c === 0 ? false : c];
      return makeTrial({ number: k, value: 10 * c, params: { c: value }, distributions: { c: dist } });
    });
    expect(fanovaImportances(trials)).toEqual([{ name: 'c', importance: 1 }]);
  });

  it('explains why it cannot assess', () => {
    const one = [makeTrial({ number: 0, value: 1, params: { x1: 0.5 }, distributions: { x1: U01 } })];
    expect(() => fanovaImportances([])).toThrowError(/without completed trials/);
    expect(() => fanovaImportances(one)).toThrowError(/only a single trial/);
    const flat = randomStudy(10, { x1: U01 }, () => 2);
    expect(() => fanovaImportances(flat)).toThrow(FanovaError);
    expect(() => fanovaImportances(flat)).toThrowError(/zero total variance/);
    expect(() =>
      fanovaImportances(
        randomStudy(5, { x1: U01 }, (p) => p.x1 as number),
        ['nope'],
      ),
    ).toThrowError(/nope/);
  });
});

describe('functional ANOVA of a group of features', () => {
  it('equals the variance of the joint marginal over the grid of split cells (Optuna’s sum)', () => {
    const n = 40;
    const x = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 3; // one-hot over columns 0, 1 (choice 2: both 0)
      x[i * 3] = c === 0 ? 1 : 0;
      x[i * 3 + 1] = c === 1 ? 1 : 0;
      x[i * 3 + 2] = ((i * 37) % 101) / 101;
      y[i] = [0, 2, 5][c]! + 3 * x[i * 3 + 2]! * (c === 1 ? 1 : 0.2);
    }
    const [tree] = fitForest({ x, y, n, d: 3 }, { nTrees: 1, maxDepth: 64, seed: 1, bootstrap: false });
    const lower = Float64Array.of(0, 0, 0);
    const upper = Float64Array.of(1, 1, 1);
    const { marginal } = decomposeTree(tree!, lower, upper, [[0, 1], [2]]);
    // Brute force: cell midpoints and sizes per feature, the marginal at each group cell by averaging
    // the prediction over the other feature's cells.
    const cells = (f: number): [number, number][] => {
      const t = [...new Set(Array.from(tree!.feature).flatMap((g, k) => (g === f ? [tree!.threshold[k]!] : [])))].sort(
        (a, b) => a - b,
      );
      const e = [0, ...t, 1];
      return e.slice(1).map((hi, k) => [(e[k]! + hi) / 2, hi - e[k]!]);
    };
    const [c0, c1, c2] = [cells(0), cells(1), cells(2)];
    const values: [number, number][] = [];
    for (const [m0, s0] of c0) {
      for (const [m1, s1] of c1) {
        let a = 0;
        for (const [m2, s2] of c2) a += s2 * predictTree(tree!, [m0, m1, m2]);
        values.push([a, s0 * s1]);
      }
    }
    const mean = values.reduce((s, [v, w]) => s + v * w, 0);
    const v = values.reduce((s, [a, w]) => s + w * (a - mean) ** 2, 0);
    expect(marginal[0]).toBeCloseTo(v, 12);
  });
});
