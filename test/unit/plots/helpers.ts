import { expect } from 'vitest';
import type { ChartPlot, Plot, PlotSet } from '../../../src/plots/types.ts';

/** The chart of a plot, failing the test when it is empty. Loosely typed for deep option access. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cfg(plot: Plot | ChartPlot): any {
  expect(plot.kind, plot.kind === 'empty' ? plot.reason : '').toBe('chart');
  return (plot as ChartPlot).config;
}

export function panels(set: PlotSet): ChartPlot[] {
  expect(set.kind, set.kind === 'empty' ? set.reason : '').toBe('group');
  return [...(set as { plots: readonly ChartPlot[] }).plots];
}

/** Minimal RFC 4180 reader, to check that what trialsToCsv writes reads back cell for cell. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(cell), (cell = ''));
    else if (ch === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''));
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) (row.push(cell), rows.push(row));
  return rows;
}
