/**
 * ParetoPanel.svelte in real Chromium on a three-objective study of 40 trials (two infeasible, two over
 * budget and never trained): the best-trials table lists exactly the Pareto set with the weighted sum's
 * best tagged, the Pareto-front plot draws its three pairwise panels (front in red, dominated grey, the
 * weighted-sum best as a star) and the hypervolume history names its reference point. The panel is
 * captured to test-output/screenshots/results-pareto.png for a look.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { Chart as ChartJS } from 'chart.js';
import { page } from '@vitest/browser/context';
import ParetoPanel from '../../src/ui/components/ParetoPanel.svelte';
import { TrialState, type FrozenTrial } from '../../src/engine/index.ts';
import { Rng } from '../../src/shared/rng.ts';
import { paretoSet, weightedSumBest } from '../../src/state/pareto.ts';
import { PARETO_COLORS } from '../../src/plots/index.ts';

const NAMES = ['NRMSE', 'Calibration error', '1 − contraction'];
const MIN3 = ['minimize', 'minimize', 'minimize'] as const;

/** Trials whose objectives trade off: a better NRMSE costs calibration, with noise. */
function study(): FrozenTrial[] {
  const rng = Rng.fromSeed(5);
  return Array.from({ length: 40 }, (_, number): FrozenTrial => {
    const lr = 1e-4 + rng.float() * 9e-4;
    const u = (lr - 1e-4) / 9e-4;
    const over = number === 7 || number === 21;
    const values = [
      0.12 + 0.2 * (1 - u) + 0.05 * rng.float(),
      0.02 + 0.08 * u + 0.03 * rng.float(),
      0.3 + 0.4 * rng.float(),
    ];
    const infeasible = number === 12 || number === 30;
    return {
      number,
      trialId: number,
      state: over ? TrialState.PRUNED : TrialState.COMPLETE,
      values: over ? null : values,
      datetimeStart: null,
      datetimeComplete: null,
      params: { lr, dropout: 0.01 + 0.29 * rng.float() },
      distributions: {},
      userAttrs: over
        ? { over_budget: 'over budget: 2.1 M parameters > 1.5 M' }
        : { L: values[0]! + values[1]! + values[2]! },
      systemAttrs: { 'constraints:params': infeasible || over ? 6e5 : -1e5 },
      intermediateValues: new Map(),
    };
  });
}

const mounted: ReturnType<typeof mount>[] = [];
afterEach(() => {
  while (mounted.length) unmount(mounted.pop()!);
  document.body.innerHTML = '';
});

describe('ParetoPanel', () => {
  it('lists the Pareto set, marks the weighted-sum best and draws the front and the hypervolume history', async () => {
    const trials = study();
    const front = paretoSet(trials, MIN3);
    const marked = weightedSumBest(trials)!.number;
    await page.viewport(1140, 1300);
    const target = document.createElement('div');
    target.style.width = '1100px';
    target.style.padding = '12px';
    target.style.background = '#fff';
    document.body.append(target);
    mounted.push(mount(ParetoPanel, { target, props: { trials, directions: MIN3, names: NAMES, marked } }));
    flushSync();

    const rows = [...target.querySelectorAll('[data-testid="pareto-table"] tbody tr')];
    expect(rows.map((r) => Number(r.getAttribute('data-number')))).toEqual(front.map((t) => t.number));
    expect(front.length).toBeGreaterThan(3);
    for (const t of front) expect([12, 30, 7, 21]).not.toContain(t.number);
    const head = target.querySelector('[data-testid="pareto-set"] h2')!.textContent;
    expect(head).toBe(`Best trials: the Pareto set (${front.length})`);
    expect(target.textContent).toContain(`The weighted sum L picks trial #${marked}`);

    const canvases = [...target.querySelectorAll('canvas')];
    expect(canvases).toHaveLength(4);
    const panels = canvases.slice(0, 3).map((c) => ChartJS.getChart(c)!);
    for (const chart of panels) {
      const labels = chart.data.datasets.map((d) => d.label);
      expect(labels).toEqual([
        'Weighted-sum best (lowest L)',
        'Best Trial (Pareto front)',
        'Trial (dominated)',
        'Infeasible Trial',
      ]);
      expect(chart.data.datasets[1]!.backgroundColor).toBe(PARETO_COLORS.front);
      expect(chart.data.datasets[1]!.data).toHaveLength(front.length);
      expect(chart.data.datasets[3]!.data).toHaveLength(2);
    }
    const hv = ChartJS.getChart(canvases[3]!)!;
    const history = hv.data.datasets[0]!.data as { x: number; y: number }[];
    expect(history).toHaveLength(38);
    for (let k = 1; k < history.length; k++) expect(history[k]!.y).toBeGreaterThanOrEqual(history[k - 1]!.y);
    expect(history.at(-1)!.y).toBeGreaterThan(0);
    expect(String((hv.options.plugins!.subtitle as { text: string }).text)).toMatch(
      /^reference point \(worst feasible value × 1\.1, Optuna's rule\): NRMSE /,
    );

    // Every canvas has drawn data (not a blank chart).
    for (const c of canvases) {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let coloured = 0;
      for (let k = 0; k < data.length; k += 4)
        if (Math.max(data[k]!, data[k + 1]!, data[k + 2]!) - Math.min(data[k]!, data[k + 1]!, data[k + 2]!) > 60)
          coloured++;
      expect(coloured).toBeGreaterThan(50);
    }
    await page.screenshot({ path: '../../test-output/screenshots/results-pareto.png', element: target });
  });
});
