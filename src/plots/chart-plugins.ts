/**
 * The chart.js plugins that paint what the builders computed (plugin-options.ts): a canvas
 * background, a heatmap behind the datasets, a colour bar, and the per-axis ticks of the parallel
 * coordinate plot. They import chart.js types only and draw solely on the canvas context chart.js
 * hands them, so this module stays free of DOM APIs and runs in Node tests against a recording
 * context; `src/ui/charts/Chart.svelte` registers them.
 */
import type { Chart, Plugin } from 'chart.js';
import type {
  CanvasBackgroundOptions,
  ColorBarOptions,
  HeatmapOptions,
  ParallelAxesOptions,
} from './plugin-options.ts';
import { formatNumber } from './format.ts';

type PluginKey = 'heatmap' | 'colorBar' | 'parallelAxes' | 'canvasBackground';

/**
 * The plugin's options as the builder wrote them. chart.js would hand plugins its resolver proxy,
 * which re-resolves every array element on access; the raw object is cheaper for 1,600 heatmap cells.
 */
function raw<T>(chart: Chart, key: PluginKey): T | undefined {
  const plugins = (chart.config.options as { plugins?: Record<string, unknown> } | undefined)?.plugins;
  return plugins?.[key] as T | undefined;
}

export const canvasBackgroundPlugin: Plugin = {
  id: 'canvasBackground',
  beforeDraw(chart) {
    const o = raw<CanvasBackgroundOptions>(chart, 'canvasBackground');
    if (!o?.color) return;
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = o.color;
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

export const heatmapPlugin: Plugin = {
  id: 'heatmap',
  beforeDatasetsDraw(chart) {
    const o = raw<HeatmapOptions>(chart, 'heatmap');
    const xs = chart.scales.x;
    const ys = chart.scales.y;
    if (!o || !xs || !ys) return;
    const nx = o.xEdges.length - 1;
    const ny = o.yEdges.length - 1;
    const px = o.xEdges.map((e) => xs.getPixelForValue(e));
    const py = o.yEdges.map((e) => ys.getPixelForValue(e));
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
    ctx.clip();
    for (let j = 0; j < ny; j++) {
      // Rounded outward by a pixel so neighbouring cells leave no hairline seams.
      const top = Math.floor(Math.min(py[j]!, py[j + 1]!));
      const bottom = Math.ceil(Math.max(py[j]!, py[j + 1]!));
      for (let i = 0; i < nx; i++) {
        const color = o.colors[j * nx + i];
        if (!color) continue;
        const left = Math.floor(Math.min(px[i]!, px[i + 1]!));
        const right = Math.ceil(Math.max(px[i]!, px[i + 1]!));
        ctx.fillStyle = color;
        ctx.fillRect(left, top, right - left + 1, bottom - top + 1);
      }
    }
    ctx.restore();
  },
};

export const colorBarPlugin: Plugin = {
  id: 'colorBar',
  afterDraw(chart) {
    const o = raw<ColorBarOptions>(chart, 'colorBar');
    if (!o || o.stops.length === 0) return;
    const { ctx, chartArea } = chart;
    const x = chartArea.right + 16;
    const width = 12;
    const top = chartArea.top;
    const bottom = chartArea.bottom;
    const gradient = ctx.createLinearGradient(0, bottom, 0, top);
    o.stops.forEach((c, k) => gradient.addColorStop(o.stops.length === 1 ? 0 : k / (o.stops.length - 1), c));
    ctx.save();
    ctx.fillStyle = gradient;
    ctx.fillRect(x, top, width, bottom - top);
    ctx.strokeStyle = '#666666';
    ctx.lineWidth = 1;
    ctx.strokeRect(x, top, width, bottom - top);
    ctx.fillStyle = '#333333';
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let labelAt = x + width + 40;
    if (o.ticks) {
      labelAt = x + width + 12 + Math.max(0, ...o.ticks.map((t) => ctx.measureText(t.text).width));
      for (const t of o.ticks) {
        const y = bottom - t.at * (bottom - top);
        ctx.fillText(t.text, x + width + 4, y);
        ctx.fillRect(x + width, y - 0.5, 3, 1);
      }
    } else {
      ctx.fillText(formatNumber(o.max), x + width + 4, top);
      ctx.fillText(formatNumber(o.min), x + width + 4, bottom);
    }
    // Tick texts are wider than two numbers: the label moves right of the widest.
    ctx.translate(labelAt, (top + bottom) / 2);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(o.label, 0, 0);
    ctx.restore();
  },
};

export const parallelAxesPlugin: Plugin = {
  id: 'parallelAxes',
  afterDatasetsDraw(chart) {
    const o = raw<ParallelAxesOptions>(chart, 'parallelAxes');
    const xs = chart.scales.x;
    const ys = chart.scales.y;
    if (!o || !xs || !ys) return;
    const { ctx } = chart;
    ctx.save();
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillStyle = '#222222';
    o.axes.forEach((axis, k) => {
      const x = xs.getPixelForValue(k);
      for (const tick of axis.ticks) {
        const y = ys.getPixelForValue(tick.at);
        // A white halo keeps the labels readable over the trial lines.
        ctx.strokeText(tick.text, x - 5, y);
        ctx.fillText(tick.text, x - 5, y);
        ctx.fillRect(x - 3, y - 0.5, 6, 1);
      }
    });
    ctx.restore();
  },
};

export const PLOT_PLUGINS: readonly Plugin[] = [
  canvasBackgroundPlugin,
  heatmapPlugin,
  colorBarPlugin,
  parallelAxesPlugin,
];

/**
 * Deep copy of a configuration's plain objects and arrays (functions and class instances shared).
 * chart.js writes into the configuration it is given (scales merged in, dataset arrays patched to
 * observe push/splice); a copy keeps the builder's object reusable, e.g. for a second chart.
 */
export function cloneConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneConfig(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneConfig(v);
    return out as T;
  }
  return value;
}
