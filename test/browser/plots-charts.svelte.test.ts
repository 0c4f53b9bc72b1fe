/**
 * Chart.svelte in real Chromium: every plot builder's configuration renders non-blank pixels on a
 * canvas, toPng returns a PNG data URL, the chart follows config changes and is destroyed on unmount.
 * (A .svelte.test.ts file so the test can hold props in $state.) Each exported PNG is written to
 * test-output/plots/ for a look.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { Chart as ChartJS } from 'chart.js';
import { commands } from '@vitest/browser/context';
import Chart from '../../src/ui/charts/Chart.svelte';
import EmptyState from '../../src/ui/charts/EmptyState.svelte';
import {
  buildCalibrationPlot,
  buildContourPlot,
  buildContractionPlot,
  buildEdfPlot,
  buildImportancePlot,
  buildIntermediateValuesPlot,
  buildOptimizationHistory,
  buildHistoryPlot,
  buildParallelCoordinate,
  buildRankPlot,
  buildRecoveryPlots,
  buildStudiesEdfPlot,
  buildSlicePlots,
  buildTimelinePlot,
} from '../../src/plots/index.ts';
import type { ChartPlot, Plot, PlotSet, PosteriorSample } from '../../src/plots/index.ts';
import { Rng } from '../../src/shared/rng.ts';
import { fixtureTime, studyFixture } from '../unit/plots/fixtures.ts';

function posterior(): PosteriorSample {
  const rng = Rng.fromSeed(2);
  const n = 30;
  const S = 50;
  const P = 2;
  const truths = Float64Array.from({ length: n * P }, () => rng.normal());
  const draws = new Float32Array(n * S * P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < P; j++) {
      const c = truths[i * P + j]! + 0.3 * rng.normal();
      for (let s = 0; s < S; s++) draws[(i * S + s) * P + j] = c + 0.3 * rng.normal();
    }
  }
  return { draws, truths, n, S, P, names: ['A', 'tau'] };
}

function charts(p: Plot | PlotSet): ChartPlot[] {
  if (p.kind === 'empty') throw new Error(`expected a chart, got empty: ${p.reason}`);
  return p.kind === 'group' ? [...p.plots] : [p];
}

const trials = studyFixture();
const sample = posterior();
const shifted = trials.map((t) => (t.values ? { ...t, values: [t.values[0]! * 0.8] } : t));
const ALL: [string, ChartPlot][] = [
  ['history', buildOptimizationHistory(trials, { direction: 'minimize' })],
  ['slice lr (log)', buildSlicePlots(trials, { direction: 'minimize', params: ['lr'] })],
  ['slice batch_size (category)', buildSlicePlots(trials, { direction: 'minimize', params: ['batch_size'] })],
  [
    'importance',
    buildImportancePlot([
      { name: 'lr', importance: 0.6 },
      { name: 'dropout', importance: 0.4 },
    ]),
  ],
  ['parallel', buildParallelCoordinate(trials, { direction: 'minimize' })],
  ['contour', buildContourPlot(trials, { direction: 'minimize', xParam: 'dropout', yParam: 'lr' })],
  ['intermediate', buildIntermediateValuesPlot(trials)],
  ['edf', buildEdfPlot(trials)],
  ['rank lr × batch_size', buildRankPlot(trials, { xParam: 'lr', yParam: 'batch_size' })],
  [
    'history of two studies',
    buildHistoryPlot([
      { name: 'A', direction: 'minimize', trials },
      { name: 'B', direction: 'minimize', trials: shifted },
    ]),
  ],
  [
    'edf of two studies',
    buildStudiesEdfPlot([
      { name: 'A', trials },
      { name: 'B', trials: shifted },
    ]),
  ],
  ['timeline', buildTimelinePlot(trials, { now: fixtureTime(1060) })],
  ['recovery', buildRecoveryPlots(sample)],
  ['calibration', buildCalibrationPlot(sample)],
  ['contraction', buildContractionPlot(sample)],
].map(([name, p]) => [name as string, charts(p as Plot | PlotSet)[0]!]);

const mounted: ReturnType<typeof mount>[] = [];
afterEach(() => {
  while (mounted.length) unmount(mounted.pop()!);
  document.body.innerHTML = '';
});

function target(): HTMLElement {
  const div = document.createElement('div');
  div.style.width = '640px';
  document.body.append(div);
  return div;
}

/** Pixels that are neither white nor transparent, and how many of them are clearly coloured. */
function ink(canvas: HTMLCanvasElement): { ink: number; colored: number } {
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let inked = 0;
  let colored = 0;
  for (let k = 0; k < data.length; k += 4) {
    const [r, g, b, a] = [data[k]!, data[k + 1]!, data[k + 2]!, data[k + 3]!];
    if (a > 0 && (r < 240 || g < 240 || b < 240)) inked++;
    if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) colored++;
  }
  return { ink: inked, colored };
}

describe('Chart.svelte renders every plot', () => {
  for (const [name, plot] of ALL) {
    it(name, async () => {
      const t = target();
      const c = mount(Chart, { target: t, props: { config: plot.config, height: '300px' } });
      mounted.push(c);
      flushSync();
      const canvas = t.querySelector('canvas')!;
      expect(canvas.width).toBe(640);
      expect(canvas.height).toBe(300);
      const { ink: inked, colored } = ink(canvas);
      expect(inked, 'non-white pixels').toBeGreaterThan(2000);
      expect(colored, 'coloured data pixels').toBeGreaterThan(50);
      const png = (c as unknown as { toPng(): string }).toPng();
      expect(png.startsWith('data:image/png;base64,')).toBe(true);
      const bytes = atob(png.slice('data:image/png;base64,'.length));
      expect(bytes.slice(1, 4)).toBe('PNG');
      await commands.writeFile(
        `test-output/plots/${name.replace(/\W+/g, '-').replace(/-$/, '')}.png`,
        png.slice(22),
        'base64',
      );
      const button = t.querySelector('button')!;
      expect(button.getAttribute('aria-label')).toBe(`Download ${plot.title} as PNG`);
      expect(t.querySelector('[role="img"]')!.getAttribute('aria-label')).toBe(plot.title);
    });
  }

  it('the contour heatmap fills most of the chart area with colour', () => {
    const t = target();
    mounted.push(mount(Chart, { target: t, props: { config: ALL[5]![1].config, height: '300px' } }));
    flushSync();
    const { colored } = ink(t.querySelector('canvas')!);
    expect(colored).toBeGreaterThan(0.3 * 640 * 300);
  });
});

describe('Chart.svelte lifecycle', () => {
  it('follows config changes, in place for the same type and rebuilt for another', () => {
    const props = $state({ config: ALL[0]![1].config, height: '300px' });
    const t = target();
    mounted.push(mount(Chart, { target: t, props }));
    flushSync();
    const canvas = t.querySelector('canvas')!;
    const first = ChartJS.getChart(canvas)!;
    expect(first.data.datasets).toHaveLength(2);

    props.config = ALL[1]![1].config; // scatter → scatter: same instance, new data
    flushSync();
    expect(ChartJS.getChart(canvas)).toBe(first);
    expect(first.data.datasets).toHaveLength(1);
    expect((first.options.plugins?.title as { text: string }).text).toBe('Slice Plot: lr');
    expect((first.options.scales?.x as { type: string }).type).toBe('logarithmic');

    props.config = ALL[7]![1].config; // scatter → line: a new chart
    flushSync();
    const second = ChartJS.getChart(canvas)!;
    expect(second).not.toBe(first);
    expect((second.config as { type: string }).type).toBe('line');
  });

  it('destroys the chart on unmount and leaves the builder’s config untouched', () => {
    const config = ALL[4]![1].config;
    const before = JSON.stringify(config);
    const t = target();
    const c = mount(Chart, { target: t, props: { config } });
    flushSync();
    const canvas = t.querySelector('canvas')!;
    expect(ChartJS.getChart(canvas)).toBeDefined();
    unmount(c);
    expect(ChartJS.getChart(canvas)).toBeUndefined();
    expect(JSON.stringify(config)).toBe(before);
  });

  it('EmptyState shows the title and the reason in a live region', () => {
    const t = target();
    const empty = buildOptimizationHistory([], { direction: 'minimize' });
    if (empty.kind !== 'empty') throw new Error('expected empty');
    mounted.push(mount(EmptyState, { target: t, props: { title: empty.title, reason: empty.reason } }));
    flushSync();
    const region = t.querySelector('[role="status"]')!;
    expect(region.textContent).toContain('Optimization History Plot');
    expect(region.textContent).toContain('No completed trials yet');
  });
});
