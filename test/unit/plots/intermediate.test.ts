import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { buildIntermediateValuesPlot } from '../../../src/plots/intermediate.ts';
import { STATE_COLORS } from '../../../src/plots/colors.ts';
import { makeTrial, studyFixture } from './fixtures.ts';
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
    const t = makeTrial({
      number: 0,
      intermediate: [
        [5, 1],
        [1, 3],
        [3, 2],
      ],
    });
    expect(cfg(buildIntermediateValuesPlot([t])).data.datasets[0].data.map((p: { x: number }) => p.x)).toEqual([
      1, 3, 5,
    ]);
    // The Run view counts epochs from 1; the app's plots shift its 0-based steps to match.
    expect(
      cfg(buildIntermediateValuesPlot([t], { stepOffset: 1 })).data.datasets[0].data.map((p: { x: number }) => p.x),
    ).toEqual([2, 4, 6]);
    const none = buildIntermediateValuesPlot([
      makeTrial({ number: 0 }),
      makeTrial({ number: 1, state: TrialState.FAIL, value: null, intermediate: [[0, 1]] }),
    ]);
    expect(none.kind).toBe('empty');
  });
});
