import { describe, expect, it } from 'vitest';
import type { Chart, Plugin } from 'chart.js';
import {
  canvasBackgroundPlugin,
  cloneConfig,
  colorBarPlugin,
  heatmapPlugin,
  parallelAxesPlugin,
} from '../../../src/plots/chart-plugins.ts';

/** A canvas context that records what is drawn, and a chart with linear pixel mappings. */
function fakeChart(plugins: Record<string, unknown>) {
  const calls: { op: string; args: unknown[]; fillStyle: unknown }[] = [];
  const ctx: Record<string, unknown> = { fillStyle: '', strokeStyle: '' };
  for (const op of [
    'save',
    'restore',
    'beginPath',
    'rect',
    'clip',
    'fillRect',
    'strokeRect',
    'fillText',
    'strokeText',
    'translate',
    'rotate',
  ]) {
    ctx[op] = (...args: unknown[]) => calls.push({ op, args, fillStyle: ctx.fillStyle });
  }
  ctx.createLinearGradient = () => ({
    addColorStop: (at: number, c: string) => calls.push({ op: 'stop', args: [at, c], fillStyle: null }),
  });
  const chart = {
    ctx,
    width: 400,
    height: 300,
    chartArea: { left: 40, right: 340, top: 20, bottom: 260 },
    config: { options: { plugins } },
    scales: {
      x: { getPixelForValue: (v: number) => 40 + v * 100 },
      y: { getPixelForValue: (v: number) => 260 - v * 100 },
    },
  };
  return { chart: chart as unknown as Chart, calls };
}

const call = (
  p: Plugin,
  hook: 'beforeDraw' | 'beforeDatasetsDraw' | 'afterDatasetsDraw' | 'afterDraw',
  chart: Chart,
): void => (p[hook] as unknown as (c: Chart, a: object, o: object) => void)(chart, {}, {});

describe('chart plugins', () => {
  it('heatmap: one rectangle per coloured cell, at the edges’ pixels, clipped to the chart area', () => {
    const { chart, calls } = fakeChart({ heatmap: { xEdges: [0, 1, 2], yEdges: [0, 1], colors: ['red', 'blue'] } });
    call(heatmapPlugin, 'beforeDatasetsDraw', chart);
    expect(calls.find((c) => c.op === 'rect')!.args).toEqual([40, 20, 300, 240]);
    const rects = calls.filter((c) => c.op === 'fillRect');
    expect(rects.map((r) => [r.fillStyle, ...r.args])).toEqual([
      ['red', 40, 160, 101, 101],
      ['blue', 140, 160, 101, 101],
    ]);
  });

  it('parallel axes: every tick label at its axis and normalised height', () => {
    const { chart, calls } = fakeChart({
      parallelAxes: {
        axes: [
          {
            label: 'L',
            ticks: [
              { at: 0, text: '1.4' },
              { at: 1, text: '2.7' },
            ],
          },
          { label: 'lr', ticks: [{ at: 0.5, text: '0.001' }] },
        ],
      },
    });
    call(parallelAxesPlugin, 'afterDatasetsDraw', chart);
    expect(calls.filter((c) => c.op === 'fillText').map((c) => c.args)).toEqual([
      ['1.4', 35, 260],
      ['2.7', 35, 160],
      ['0.001', 135, 210],
    ]);
  });

  it('colour bar: gradient stops, min and max labels, and nothing without options', () => {
    const { chart, calls } = fakeChart({ colorBar: { label: 'L', min: 1, max: 3, stops: ['#fff', '#888', '#000'] } });
    call(colorBarPlugin, 'afterDraw', chart);
    expect(calls.filter((c) => c.op === 'stop').map((c) => c.args)).toEqual([
      [0, '#fff'],
      [0.5, '#888'],
      [1, '#000'],
    ]);
    expect(calls.filter((c) => c.op === 'fillText').map((c) => c.args[0])).toEqual(['3', '1', 'L']);
    const none = fakeChart({});
    call(colorBarPlugin, 'afterDraw', none.chart);
    call(heatmapPlugin, 'beforeDatasetsDraw', none.chart);
    call(parallelAxesPlugin, 'afterDatasetsDraw', none.chart);
    expect(none.calls).toEqual([]);
  });

  it('canvas background fills the whole canvas behind the drawing', () => {
    const { chart, calls } = fakeChart({ canvasBackground: { color: '#ffffff' } });
    call(canvasBackgroundPlugin, 'beforeDraw', chart);
    expect(calls.find((c) => c.op === 'fillRect')).toMatchObject({ args: [0, 0, 400, 300], fillStyle: '#ffffff' });
  });

  it('cloneConfig copies plain objects and arrays, shares functions', () => {
    const f = (): string => 'x';
    const cfg = {
      type: 'line',
      data: { datasets: [{ data: [1, 2] }] },
      options: { scales: { x: { ticks: { callback: f } } } },
    };
    const copy = cloneConfig(cfg);
    expect(copy).toEqual(cfg);
    expect(copy.data.datasets[0]!.data).not.toBe(cfg.data.datasets[0]!.data);
    expect(copy.options.scales.x.ticks.callback).toBe(f);
  });
});
