/**
 * Result types of the plot builders. Builders are pure functions (trials → chart.js configuration);
 * when there is nothing to draw they return an `EmptyPlot` whose reason says what to do, so the UI
 * never has to guess why a chart is missing.
 */
import type { ChartConfiguration } from 'chart.js';

/** Optimisation direction of a single-objective study, as `createStudy` takes it. */
export type Direction = 'minimize' | 'maximize';

/** A chart ready for `Chart.svelte`. `config` is a fresh object: the caller may hand it to chart.js. */
export interface ChartPlot {
  readonly kind: 'chart';
  /** Same text as the chart's title plugin; used for file names and accessible labels. */
  readonly title: string;
  readonly config: ChartConfiguration;
}

/** Nothing to draw, with a sentence for the user. */
export interface EmptyPlot {
  readonly kind: 'empty';
  readonly title: string;
  readonly reason: string;
}

export type Plot = ChartPlot | EmptyPlot;

/** Several panels that belong together (slice: one per parameter; recovery: one per parameter). */
export interface PlotGroup {
  readonly kind: 'group';
  readonly title: string;
  readonly plots: readonly ChartPlot[];
}

export type PlotSet = PlotGroup | EmptyPlot;

/** Options shared by the builders that plot the objective. */
export interface TargetOptions {
  readonly direction: Direction;
  /** Axis title for the objective; Optuna's default is "Objective Value". */
  readonly targetName?: string;
  /** Unit shown in brackets after the objective name (the study objective L has none). */
  readonly targetUnit?: string;
}

/** Thrown for arguments that are a programming error (unknown parameter, bad shapes). */
export class PlotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlotError';
  }
}

export function empty(title: string, reason: string): EmptyPlot {
  return { kind: 'empty', title, reason };
}

export function chart(title: string, config: ChartConfiguration): ChartPlot {
  return { kind: 'chart', title, config };
}
