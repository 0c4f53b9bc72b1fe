/**
 * Importing trial-level files: both public layouts open without hand-editing, the mapping is detected
 * and can be changed, and each kind of bad input is refused with the rule and the lines, importing nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyMapping,
  DEFAULT_RULES,
  detectMapping,
  formatIssue,
  importTrials,
  naturalCompare,
  parseTable,
} from '../../../src/inference/index.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/inference/${name}`, import.meta.url), 'utf8');

describe('DMCfun flankerData layout', () => {
  it('detects Subject / Comp (comp = congruent) / RT in ms / Error and excludes trials slower than tmax', () => {
    const { table, mapping, result } = importTrials(fixture('flanker-dmcfun.txt'));
    expect(table.delimiter).toBe('\t');
    expect(mapping).toMatchObject({
      participant: 0,
      condition: 1,
      rt: 2,
      rtUnit: 'ms',
      accuracy: 3,
      accuracyKind: 'error',
      congruentValue: 'comp',
      groups: [],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.participants.map((p) => p.id)).toEqual(['1', '2', '3', '4']);
    expect(result.data.excluded.lines).toHaveLength(2);
    expect(result.data.excluded.rule).toContain('RT > tmax = 1500 ms');
    const p1 = result.data.participants[0]!;
    expect(p1.rt.length + p1.excluded).toBe(201);
    // seconds, accuracy 1 = correct, condition 0 = congruent
    expect(Math.max(...p1.rt)).toBeLessThan(1.5);
    expect(Math.min(...p1.rt)).toBeGreaterThan(0.1);
    expect(p1.accuracy.every((a) => a === 0 || a === 1)).toBe(true);
    // 100 congruent simulated + 1 slow one that was excluded
    expect(p1.conditions.filter((c) => c === 0).length).toBe(100);
  });

  it('the opposite congruent value and unit can be chosen', () => {
    const table = parseTable(fixture('flanker-dmcfun.txt'));
    const m = detectMapping(table);
    const flipped = applyMapping(table, { ...m, congruentValue: 'incomp' });
    const normal = applyMapping(table, m);
    if (!flipped.ok || !normal.ok) throw new Error('import failed');
    const a = normal.data.participants[0]!.conditions;
    const b = flipped.data.participants[0]!.conditions;
    expect(Array.from(a, (c) => 1 - c)).toEqual(Array.from(b));
    const seconds = applyMapping(table, { ...m, rtUnit: 's' });
    expect(seconds.ok).toBe(false);
    if (!seconds.ok) expect(seconds.issues[0]!.rule).toContain('set the unit to ms');
  });
});

describe('amortized-dmc empirical layout', () => {
  it('skips the unnamed index column, reads seconds, congruency_num 0 = congruent, groups by spacing_num', () => {
    const { mapping, result } = importTrials(fixture('spacing-amortized.csv'));
    expect(mapping).toMatchObject({
      participant: 1,
      rt: 2,
      rtUnit: 's',
      accuracy: 3,
      accuracyKind: 'accuracy',
      condition: 4,
      congruentValue: '0',
      groups: [5],
    });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.data.participants.map((p) => p.id)).toEqual([
      '1001 | spacing_num=1',
      '1001 | spacing_num=2',
      '1002 | spacing_num=1',
      '1002 | spacing_num=2',
      '1003 | spacing_num=1',
      '1003 | spacing_num=2',
    ]);
    expect(result.data.participants[0]!.groups).toEqual({ spacing_num: '1' });
    expect(result.data.excluded.lines).toEqual([]);
  });

  it('without the group column, one inference per participant', () => {
    const table = parseTable(fixture('spacing-amortized.csv'));
    const r = applyMapping(table, { ...detectMapping(table), groups: [] });
    if (!r.ok) throw new Error('import failed');
    expect(r.data.participants.map((p) => p.id)).toEqual(['1001', '1002', '1003']);
  });
});

describe('bad input: every rule named with its lines, nothing imported', () => {
  it.each([
    ['bad-flanker-dmcfun.txt', 41, 'RT'],
    ['bad-spacing-amortized.csv', 31, 'rt'],
  ])('%s', (name, first, rt) => {
    const { result } = importTrials(fixture(name));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.issues.map(formatIssue);
    expect(text).toEqual([
      `"${rt}" is not a number: line ${first}`,
      expect.stringMatching(new RegExp(`^the condition ".+" is empty: line ${first + 1}$`)),
      `"${rt}" must be > 0: line ${first + 2}`,
      expect.stringMatching(new RegExp(`^"${rt}" above 30 s is not a response time.*: line ${first + 3}$`)),
      expect.stringMatching(new RegExp(`^".+" must be 0 or 1: line ${first + 4}$`)),
      expect.stringMatching(
        new RegExp(
          `^Participant .+ has 1 congruent and 1 incongruent trials after exclusions; at least 10 per condition are needed: lines ${first + 5}, ${first + 6}$`,
        ),
      ),
    ]);
    expect('data' in result).toBe(false);
  });

  it.each(['bad-missing-column-dmcfun.txt', 'bad-missing-column-amortized.csv'])(
    '%s: a missing column is named',
    (name) => {
      const { result } = importTrials(fixture(name));
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.issues[0]!.rule).toMatch(/^No column is mapped to (accuracy\/error|condition) \(header: /);
    },
  );

  it('an empty file, a header only, and three condition values are refused', () => {
    expect(() => parseTable('  \n')).toThrow(/empty/);
    const headerOnly = importTrials('participant,rt,accuracy,congruency_num\n').result;
    expect(headerOnly.ok).toBe(false);
    const three = importTrials('participant,rt,accuracy,congruency_num\n1,0.4,1,0\n1,0.4,1,1\n1,0.5,1,2\n').result;
    expect(three.ok).toBe(false);
    if (!three.ok) expect(three.issues[0]!.rule).toContain('exactly 2 values');
  });

  it('the exclusion rule follows the network tmax', () => {
    const r = importTrials(fixture('flanker-dmcfun.txt'), { ...DEFAULT_RULES, tmaxMs: 700 }).result;
    if (!r.ok) throw new Error('import failed');
    expect(r.data.excluded.lines.length).toBeGreaterThan(2);
    expect(r.data.excluded.rule).toContain('700 ms');
  });
});

describe('participant order', () => {
  it('compares numbers inside ids as numbers', () => {
    expect(['10', '2', '1', '11', 'p10', 'p9', 'b', 'a'].sort(naturalCompare)).toEqual([
      '1',
      '2',
      '10',
      '11',
      'a',
      'b',
      'p9',
      'p10',
    ]);
  });

  it('lists participants of a file written in text order (1, 10, 11, 2) in numeric order', () => {
    const lines = ['Subject\tComp\tRT\tError'];
    for (const id of ['1', '10', '11', '2', '3']) {
      for (let k = 0; k < 24; k++) lines.push(`${id}\t${k % 2 === 0 ? 'comp' : 'incomp'}\t${400 + k}\t0`);
    }
    const { result } = importTrials(lines.join('\n'));
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('; '));
    expect(result.data.participants.map((p) => p.id)).toEqual(['1', '2', '3', '10', '11']);
  });
});
