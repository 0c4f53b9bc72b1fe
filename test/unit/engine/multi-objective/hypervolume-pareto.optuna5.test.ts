/**
 * Hypervolume, Pareto front, non-domination ranks and HSSP against the real Optuna 5.0.0 (one Python
 * run for the file; optuna5.ts): random point sets in 2, 3, 4 and 5 dimensions, with dominated,
 * repeated and tied points, answered by `compute_hypervolume`, `_is_pareto_front`,
 * `_fast_non_domination_rank` (with penalties and n_below) and `_solve_hssp`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hypervolume, isParetoFront, nonDominatedSort } from '../../../../src/engine/index.ts';
import { hsspReferencePoint, solveHssp } from '../../../../src/engine/multi-objective/hssp.ts';
import { askOptuna5, mulberry32, num } from './optuna5.ts';

type Points = number[][];

/** n points in [0, 1)^d; with `grid`, on a grid of that many steps (ties and repeats). */
function points(seed: number, n: number, d: number, grid?: number): Points {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => (grid === undefined ? u() : Math.floor(u() * grid) / grid)),
  );
}

/** Points near the simplex x1 + … + xd = 1: mostly mutually non-dominated, as a late front is. */
function frontish(seed: number, n: number, d: number): Points {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const raw = Array.from({ length: d }, () => -Math.log(1 - u()));
    const s = raw.reduce((a, b) => a + b, 0);
    return raw.map((x) => x / s + 0.05 * u());
  });
}

const HV_CASES: { points: Points; ref: number[] }[] = [
  { points: points(1, 60, 2), ref: [1.1, 1.1] },
  { points: frontish(2, 40, 2), ref: [1.2, 1.5] },
  { points: points(3, 50, 3), ref: [1, 1, 1] },
  { points: frontish(4, 40, 3), ref: [1.1, 1.1, 1.1] },
  { points: points(5, 30, 3, 4), ref: [1, 1, 1] },
  { points: points(6, 30, 4), ref: [1.1, 1.1, 1.1, 1.1] },
  { points: frontish(7, 24, 4), ref: [1.1, 1.2, 1.3, 1.4] },
  { points: points(8, 20, 4, 3), ref: [1, 1, 1, 1] },
  { points: frontish(9, 16, 5), ref: [1.1, 1.1, 1.1, 1.1, 1.1] },
  { points: [], ref: [1, 1, 1] },
];

const PARETO_CASES: { loss: Points; penalty?: number[]; n_below?: number }[] = [
  { loss: points(11, 40, 2, 6) },
  { loss: points(12, 40, 3, 4) },
  { loss: points(13, 40, 3, 4), n_below: 9 },
  { loss: points(14, 30, 4, 3), n_below: 5 },
  { loss: points(15, 30, 2, 5), penalty: Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? (i % 3) / 2 + 0.5 : -1)) },
  {
    loss: points(16, 30, 3, 5),
    penalty: Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 1 + (i % 2) : 0)),
    n_below: 24,
  },
  { loss: points(17, 25, 1, 8) },
];

const HSSP_CASES: { loss: Points; subset: number }[] = [
  { loss: frontish(21, 20, 2), subset: 7 },
  { loss: frontish(22, 20, 3), subset: 6 },
  { loss: frontish(23, 14, 4), subset: 5 },
  { loss: [...frontish(24, 6, 3), ...frontish(24, 6, 3)], subset: 8 }, // fewer distinct rows than needed
  { loss: points(25, 12, 2, 3), subset: 4 },
  {
    loss: [
      [0, 0],
      [-1, 0.5],
      [0.5, -1],
    ],
    subset: 2,
  }, // a worst value of 0 gets the reference EPS
];

interface Answer {
  hypervolume: (number | string)[];
  pareto: { front: boolean[]; ranks: number[] }[];
  hssp: { ref: number[]; chosen: number[] }[];
}

let py: Answer & { optuna: string };
beforeAll(() => {
  py = askOptuna5<Answer>({
    hypervolume: HV_CASES,
    pareto: PARETO_CASES,
    hssp: HSSP_CASES,
  });
});

describe('multi-objective primitives against Optuna 5.0.0', () => {
  it('hypervolume equals compute_hypervolume to 1e-9 relative (2-D to 5-D, dominated and repeated points)', () => {
    expect(py.optuna).toBe('5.0.0');
    let worst = 0;
    HV_CASES.forEach((c, i) => {
      const ours = hypervolume(c.points, c.ref);
      const theirs = num(py.hypervolume[i] as number | string);
      const rel = Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1e-300);
      worst = Math.max(worst, theirs === 0 ? Math.abs(ours) : rel);
      expect(theirs === 0 ? ours : rel, `case ${i}: ours ${ours}, Optuna ${theirs}`).toBeLessThanOrEqual(1e-9);
    });
    console.log(
      `hypervolume parity with Optuna ${py.optuna}: ${HV_CASES.length} sets, largest relative difference ${worst.toExponential(2)}`,
    );
    expect(() => hypervolume([[2, 0]], [1, 1])).toThrow(/All points must dominate or equal the reference point/);
    expect(hypervolume([[0.5, 0.5, 0.5]], [1, 1, Infinity])).toBe(Infinity); // as Optuna's (JSON cannot send it)
  });

  it('Pareto fronts and non-domination ranks equal _is_pareto_front and _fast_non_domination_rank', () => {
    PARETO_CASES.forEach((c, i) => {
      const answer = py.pareto[i]!;
      expect(isParetoFront(c.loss), `front ${i}`).toEqual(answer.front);
      const opts = {
        ...(c.penalty === undefined ? {} : { penalty: c.penalty }),
        ...(c.n_below === undefined ? {} : { nBelow: c.n_below }),
      };
      expect(nonDominatedSort(c.loss, opts), `ranks ${i}`).toEqual(answer.ranks);
    });
  });

  it('greedy hypervolume subset selection picks what _solve_hssp picks (2-D, 3-D, 4-D, repeats)', () => {
    HSSP_CASES.forEach((c, i) => {
      const ref = hsspReferencePoint(c.loss);
      expect(ref, `reference point ${i}`).toEqual(py.hssp[i]!.ref);
      const chosen = solveHssp(
        c.loss,
        c.loss.map((_, k) => k),
        c.subset,
        ref,
      ).sort((a, b) => a - b);
      expect(chosen, `case ${i}`).toEqual(py.hssp[i]!.chosen);
    });
  });
});
