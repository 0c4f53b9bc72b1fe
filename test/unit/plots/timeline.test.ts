import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { buildTimelinePlot, timeUnitFor } from '../../../src/plots/timeline.ts';
import { STATE_COLORS } from '../../../src/plots/colors.ts';
import { fixtureTime, makeTrial, studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

describe('timeline', () => {
  const now = fixtureTime(1060);
  const c = cfg(buildTimelinePlot(studyFixture(), { now }));

  it('a bar per started trial from start to complete, RUNNING until now', () => {
    expect(c.type).toBe('bar');
    expect(c.options.indexAxis).toBe('y');
    expect(c.data.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `Trial ${n}`));
    // Span 1060 s > 10 min: minutes.
    expect(c.options.scales.x.title.text).toBe('Time since first trial start (min)');
    const bars = (state: string): ([number, number] | null)[] =>
      c.data.datasets.find((d: { label: string }) => d.label === state).data;
    expect(bars('COMPLETE')[0]).toEqual([0, 100 / 60]);
    expect(bars('COMPLETE')[3]![0]).toBeCloseTo(330 / 60, 12);
    expect(bars('COMPLETE')[3]![1]).toBeCloseTo(431.5 / 60, 12);
    expect(bars('RUNNING')[10]![0]).toBeCloseTo(1000 / 60, 12);
    expect(bars('RUNNING')[10]![1]).toBeCloseTo(1060 / 60, 12);
    expect(bars('FAIL')[9]).toEqual([990 / 60, 995 / 60]);
  });

  it('one dataset per present state, each trial in exactly one, coloured by state', () => {
    expect(c.data.datasets.map((d: { label: string }) => d.label)).toEqual(['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING']);
    for (let k = 0; k < 11; k++) {
      expect(c.data.datasets.filter((d: { data: unknown[] }) => d.data[k] !== null)).toHaveLength(1);
    }
    expect(c.data.datasets[1].backgroundColor).toBe(STATE_COLORS[TrialState.PRUNED]);
    expect(c.data.datasets.every((d: { grouped: boolean }) => d.grouped === false)).toBe(true);
    expect(c.options.plugins.subtitle.text).toContain('start 2025-05-23 12:27:00 · span 17.67 min');
  });

  it('picks the unit from the span, and is empty before any start', () => {
    expect(timeUnitFor(599e6).name).toBe('s');
    expect(timeUnitFor(3 * 3600e6).name).toBe('min');
    expect(timeUnitFor(6 * 3600e6).name).toBe('h');
    expect(buildTimelinePlot([makeTrial({ number: 0, state: TrialState.WAITING, value: null })]).kind).toBe('empty');
  });
});
