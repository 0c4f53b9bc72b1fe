/**
 * The Pareto-front plot and the hypervolume history (src/plots/pareto.ts, hypervolume-history.ts):
 * front / dominated / infeasible as Optuna's plot_pareto_front classes them, the weighted sum's best
 * marked, pairwise panels for three objectives, and hypervolumes worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { TrialState, type FrozenTrial } from '../../../src/engine/index.ts';
import {
  buildHypervolumeHistory,
  buildParetoFrontPlots,
  hypervolumeHistory,
  hypervolumeReference,
  paretoClasses,
  referencePointOf,
  trialsToCsv,
} from '../../../src/plots/index.ts';
import { cfg, panels, parseCsv } from './helpers.ts';
import { makeTrial } from './fixtures.ts';

function mo(number: number, values: number[] | null, extra: Partial<FrozenTrial> = {}): FrozenTrial {
  return {
    ...makeTrial({ number, state: values === null ? TrialState.PRUNED : TrialState.COMPLETE }),
    values,
    ...extra,
  };
}
const infeasible = { systemAttrs: { 'constraints:params': 5 } };
const MIN2 = ['minimize', 'minimize'] as const;
const MIN3 = ['minimize', 'minimize', 'minimize'] as const;

// 0–2 on the front, 3 dominated by 1, 4 infeasible (it would dominate everything), 5 over budget (no values).
const TWO = [
  mo(0, [1, 3]),
  mo(1, [2, 2]),
  mo(2, [3, 1]),
  mo(3, [3, 3]),
  mo(4, [0.5, 0.5], infeasible),
  mo(5, null, { userAttrs: { over_budget: 'over budget: 2.1 M parameters > 1.5 M' } }),
];

describe('paretoClasses', () => {
  it('puts feasible non-dominated trials on the front, the others dominated, violators apart', () => {
    const c = paretoClasses(TWO, MIN2);
    expect(c.front.map((t) => t.number)).toEqual([0, 1, 2]);
    expect(c.dominated.map((t) => t.number)).toEqual([3]);
    expect(c.infeasible.map((t) => t.number)).toEqual([4]);
  });
  it('follows a maximised objective', () => {
    // Maximising the second value: (1, 3) beats every other trial.
    const c = paretoClasses(TWO.slice(0, 4), ['minimize', 'maximize']);
    expect(c.front.map((t) => t.number)).toEqual([0]);
    expect(c.dominated.map((t) => t.number)).toEqual([1, 2, 3]);
  });
});

describe('buildParetoFrontPlots', () => {
  it('draws one panel for two objectives with the weighted-sum best marked', () => {
    const [p, ...rest] = panels(
      buildParetoFrontPlots(TWO, { objectiveNames: ['NRMSE', 'Cal'], directions: MIN2, marked: 3 }),
    );
    expect(rest).toHaveLength(0);
    const c = cfg(p!);
    const byLabel = Object.fromEntries(c.data.datasets.map((d: { label: string; data: unknown }) => [d.label, d.data]));
    expect(byLabel['Weighted-sum best (lowest L)']).toEqual([{ x: 3, y: 3, trial: 3 }]);
    expect(byLabel['Best Trial (Pareto front)']).toEqual([
      { x: 1, y: 3, trial: 0 },
      { x: 2, y: 2, trial: 1 },
      { x: 3, y: 1, trial: 2 },
    ]);
    expect(byLabel['Trial (dominated)']).toEqual([{ x: 3, y: 3, trial: 3 }]);
    expect(byLabel['Infeasible Trial']).toEqual([{ x: 0.5, y: 0.5, trial: 4 }]);
    expect(c.options.scales.x.title.text).toBe('NRMSE');
    expect(c.options.scales.y.title.text).toBe('Cal');
    expect(c.options.plugins.subtitle.text).toBe('3 on the front · 1 dominated · 1 infeasible');
  });

  it('draws the three pairwise panels for three objectives, classed over all three', () => {
    // 2 is dominated in (x, y) by 0 but on the front by its third value.
    const trials = [mo(0, [1, 1, 5]), mo(1, [2, 2, 6]), mo(2, [2, 2, 1])];
    const ps = panels(
      buildParetoFrontPlots(trials, { objectiveNames: ['A', 'B', 'C'], directions: MIN3, marked: null }),
    );
    expect(ps.map((p) => p.title)).toEqual(['A vs B', 'A vs C', 'B vs C']);
    const front = cfg(ps[1]!).data.datasets.find((d: { label: string }) => d.label.startsWith('Best Trial'));
    expect(front.data).toEqual([
      { x: 1, y: 5, trial: 0 },
      { x: 2, y: 1, trial: 2 },
    ]);
  });

  it('says why there is nothing to draw', () => {
    const p = buildParetoFrontPlots([TWO[5]!], { objectiveNames: ['a', 'b'], directions: MIN2 });
    expect(p.kind).toBe('empty');
  });
});

describe('hypervolume history', () => {
  it('grows as the front does and ignores dominated, infeasible and unfinished trials', () => {
    expect(hypervolumeHistory(TWO, MIN2, [4, 4])).toEqual([
      { x: 0, y: 3 },
      { x: 1, y: 5 },
      { x: 2, y: 6 },
      { x: 3, y: 6 },
      { x: 4, y: 6 },
    ]);
  });

  it("uses Optuna's reference point: the worst feasible value × 1.1", () => {
    expect(
      referencePointOf([
        [1, -2],
        [3, -4],
        [0, -1],
      ]),
    ).toEqual([3.3000000000000003, -0.9]);
    const ref = hypervolumeReference(TWO, MIN2)!;
    expect(ref[0]).toBeCloseTo(3.3, 12);
    expect(ref[1]).toBeCloseTo(3.3, 12);
    const plot = cfg(buildHypervolumeHistory(TWO, { objectiveNames: ['NRMSE', 'Cal'], directions: MIN2 }));
    expect(plot.options.plugins.subtitle.text).toMatch(/worst feasible value × 1\.1.*NRMSE 3\.3, Cal 3\.3/);
    const last = plot.data.datasets[0].data.at(-1);
    // (3.3 − 1)(3.3 − 3) + (3.3 − 2)(3.3 − 2) − (3.3 − 2)(3.3 − 3) + (3.3 − 3)(3.3 − 1) − (3.3 − 3)(3.3 − 2)
    expect(last.y).toBeCloseTo(2.3 * 0.3 + 1.3 * 1.3 - 1.3 * 0.3 + 0.3 * 2.3 - 0.3 * 1.3, 12);
  });

  it('needs two objectives and a feasible trial', () => {
    expect(buildHypervolumeHistory([], { objectiveNames: ['a', 'b'], directions: MIN2 }).kind).toBe('empty');
    expect(buildHypervolumeHistory(TWO, { objectiveNames: ['L'], directions: ['minimize'] }).kind).toBe('empty');
  });
});

describe('trialsToCsv with a Pareto set', () => {
  it('adds a pareto_front column after Optuna’s own', () => {
    const rows = parseCsv(trialsToCsv(TWO, { paretoFront: new Set([0, 1, 2]) }));
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['number', 'values_0', 'values_1']);
    expect(header.at(-2)).toBe('state');
    expect(header.at(-1)).toBe('pareto_front');
    expect(rows.slice(1).map((r) => r.at(-1))).toEqual(['True', 'True', 'True', 'False', 'False', 'False']);
  });
});
