/**
 * Data for the three small chart.js plugins that `src/ui/charts/plugins.ts` draws with. chart.js has
 * no heatmap, colour bar or parallel-coordinates type; the builders here compute everything (cell
 * edges, colours, normalised tick positions) and the plugins only paint it, so the shaping stays
 * testable without a canvas (data shaping stays apart from the render code).
 *
 * The `declare module` block registers the option keys with chart.js's typings, so configurations
 * that carry them type-check as ordinary `ChartConfiguration`s.
 */
import type { ChartType } from 'chart.js';

/** Filled rectangles behind the datasets, in data coordinates of the `x` and `y` scales. */
export interface HeatmapOptions {
  /** nx + 1 ascending cell edges along x (data units; positive on a logarithmic axis). */
  readonly xEdges: readonly number[];
  /** ny + 1 ascending cell edges along y. */
  readonly yEdges: readonly number[];
  /** ny × nx CSS colours, row-major: colour of cell (i, j) at `colors[j * nx + i]`. */
  readonly colors: readonly string[];
}

/** Width the colour bar needs right of the chart area; `withColorBar` reserves it as layout padding. */
export const COLOR_BAR_SPACE = 96;

/** A vertical colour scale at the right edge of the chart area. */
export interface ColorBarOptions {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** CSS colours from `min` (first) to `max` (last), evenly spaced. */
  readonly stops: readonly string[];
  /** Labelled ticks at positions in [0, 1] from `min` to `max`, instead of the min and max numbers. */
  readonly ticks?: readonly { readonly at: number; readonly text: string }[];
}

/** One vertical axis of a parallel-coordinate chart; tick positions are normalised to [0, 1]. */
export interface ParallelAxis {
  readonly label: string;
  readonly ticks: readonly { readonly at: number; readonly text: string }[];
}

export interface ParallelAxesOptions {
  readonly axes: readonly ParallelAxis[];
}

/** White (or any) background, so exported PNGs are not transparent. */
export interface CanvasBackgroundOptions {
  readonly color: string;
}

declare module 'chart.js' {
  // The type parameter must match chart.js's own declaration for the merge to succeed.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    heatmap?: HeatmapOptions;
    colorBar?: ColorBarOptions;
    parallelAxes?: ParallelAxesOptions;
    canvasBackground?: CanvasBackgroundOptions;
  }
}
