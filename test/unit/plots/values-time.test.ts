import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { buildIntermediateValuesPlot } from '../../../src/plots/intermediate.ts';
import { EDF_POINTS, buildEdfPlot, edfPoints } from '../../../src/plots/edf.ts';
import { buildTimelinePlot, timeUnitFor } from '../../../src/plots/timeline.ts';
import {
  formatPandasDatetime,
  formatPandasTimedelta,
  nowNaiveMicros,
  parseDatetime,
} from '../../../src/plots/datetime.ts';
import { STATE_COLORS } from '../../../src/plots/colors.ts';
import { fixtureTime, makeTrial, studyFixture } from './fixtures.ts';
import { cfg } from './helpers.ts';

describe('intermediate values', () => {
  const c = cfg(buildIntermediateValuesPlot(studyFixture(), { stepName: 'Epoch', valueName: 'Validation loss' }));

  it('one line per PRUNED, COMPLETE or RUNNING trial with reports, sorted by step', () => {
    expect(c.data.datasets.map((d: { label: string }) => d.label)).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `Trial ${n} (COMPLETE)`),
      'Trial 8 (PRUNED)',
      'Trial 10 (RUNNING)',
    ]);
    expect(c.data.datasets[0].data).toEqual([
      { x: 0, y: 2.4345 },
      { x: 1, y: 1.9345 },
      { x: 2, y: 1.4345 },
    ]);
    expect(c.options.scales.x.title.text).toBe('Epoch');
    expect(c.options.scales.y.title.text).toBe('Validation loss');
  });

  it('NaN and Infinity become gaps, colours follow the state', () => {
    const pruned = c.data.datasets[8];
    expect(pruned.data).toEqual([
      { x: 0, y: 3.1 },
      { x: 1, y: null },
      { x: 2, y: 2.9 },
    ]);
    expect(pruned.borderColor).toBe(STATE_COLORS[TrialState.PRUNED]);
    expect(c.data.datasets[7].data).toEqual([{ x: 0, y: null }]);
    expect(c.data.datasets[9].borderColor).toBe(STATE_COLORS[TrialState.RUNNING]);
    expect(c.options.plugins.subtitle.text).toContain('2 non-finite values not drawn');
  });

  it('reports out-of-order steps in step order and says when there is nothing', () => {
    const t = makeTrial({ number: 0, intermediate: [[5, 1], [1, 3], [3, 2]] });
    expect(cfg(buildIntermediateValuesPlot([t])).data.datasets[0].data.map((p: { x: number }) => p.x)).toEqual([1, 3, 5]);
    // The Run view counts epochs from 1; the app's plots shift its 0-based steps to match.
    expect(cfg(buildIntermediateValuesPlot([t], { stepOffset: 1 })).data.datasets[0].data.map((p: { x: number }) => p.x)).toEqual([2, 4, 6]);
    const none = buildIntermediateValuesPlot([makeTrial({ number: 0 }), makeTrial({ number: 1, state: TrialState.FAIL, value: null, intermediate: [[0, 1]] })]);
    expect(none.kind).toBe('empty');
  });
});

describe('EDF', () => {
  it('is the share of finite COMPLETE values ≤ x at 100 evenly spaced x', () => {
    const values = [1.4345, 1.9, 2.75, 1.6, 1.5, 2.1, 1.45];
    const c = cfg(buildEdfPlot(studyFixture(), { targetName: 'L' }));
    const pts: { x: number; y: number }[] = c.data.datasets[0].data;
    expect(pts).toHaveLength(EDF_POINTS);
    expect(pts[0]!.x).toBe(1.4345);
    expect(pts[99]!.x).toBe(2.75);
    for (const p of pts) expect(p.y).toBe(values.filter((v) => v <= p.x).length / values.length);
    expect(pts[0]!.y).toBeCloseTo(1 / 7, 15);
    expect(pts[99]!.y).toBe(1);
    expect(c.options.scales.y.title.text).toBe('Cumulative Probability');
    expect(c.options.scales.x.title.text).toBe('L');
    expect(c.options.plugins.subtitle.text).toContain('1 non-finite value left out');
  });

  it('handles a single value and reports empty studies', () => {
    expect(edfPoints([3]).every((p) => p.x === 3 && p.y === 1)).toBe(true);
    expect(buildEdfPlot([makeTrial({ number: 0, value: -Infinity })]).kind).toBe('empty');
  });
});

describe('datetimes', () => {
  it('parses naive Optuna strings to exact microseconds', () => {
    const a = parseDatetime('2025-05-23T12:27:00.000001');
    const b = parseDatetime('2025-05-25T09:49:13.5');
    expect(a.aware).toBe(false);
    expect(b.micros - a.micros).toBe(((24 + 21) * 3600 + 22 * 60 + 13) * 1e6 + 500_000 - 1);
    expect(parseDatetime('2025-05-23 12:27:00').micros).toBe(Date.UTC(2025, 4, 23, 12, 27) * 1000);
  });

  it('applies offsets (Optuna ≥ 5 writes +00:00)', () => {
    expect(parseDatetime('2025-05-23T12:27:00.000000+00:00').micros).toBe(Date.UTC(2025, 4, 23, 12, 27) * 1000);
    expect(parseDatetime('2025-05-23T12:27:00-02:30').micros).toBe(Date.UTC(2025, 4, 23, 14, 57) * 1000);
    expect(() => parseDatetime('23/05/2025')).toThrow(/23\/05\/2025/);
  });

  it('formats as pandas', () => {
    expect(formatPandasDatetime('2025-05-23T12:27:00.5')).toBe('2025-05-23 12:27:00.500000');
    expect(formatPandasDatetime('2025-05-23T12:27:00Z')).toBe('2025-05-23 12:27:00+00:00');
    expect(formatPandasTimedelta(62_500_000)).toBe('0 days 00:01:02.500000');
    expect(formatPandasTimedelta(0)).toBe('0 days 00:00:00');
    expect(formatPandasTimedelta((27 * 3600 + 5) * 1e6)).toBe('1 days 03:00:05');
    expect(formatPandasTimedelta(-1e6)).toBe('-1 days +23:59:59');
  });

  it('reads "now" on the naive wall clock', () => {
    const d = new Date(2025, 4, 23, 12, 27, 0);
    expect(nowNaiveMicros(d)).toBe(Date.UTC(2025, 4, 23, 12, 27) * 1000);
  });
});

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
