import { describe, expect, it } from 'vitest';
import { TrialState } from '../../../src/engine/types.ts';
import { csvCell, trialsToCsv } from '../../../src/plots/csv.ts';
import { makeTrial, studyFixture } from './fixtures.ts';
import { parseCsv } from './helpers.ts';

describe('trials CSV', () => {
  const text = trialsToCsv(studyFixture());
  const rows = parseCsv(text);
  const header = rows[0]!;
  const col = (name: string): number => header.indexOf(name);
  const row = (n: number): string[] => rows.find((r, k) => k > 0 && r[0] === String(n))!;

  it('has Optuna trials_dataframe columns in Optuna’s order', () => {
    expect(header).toEqual([
      'number',
      'value',
      'datetime_start',
      'datetime_complete',
      'duration',
      'params_batch_size',
      'params_dropout',
      'params_embed_dim',
      'params_lr',
      'params_num_seeds',
      'user_attrs_note',
      'user_attrs_nrmse',
      'user_attrs_posterior contraction',
      'state',
    ]);
    expect(rows).toHaveLength(13);
    expect(rows.every((r) => r.length === header.length)).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writes values, datetimes and durations as pandas does', () => {
    expect(row(3)).toEqual([
      '3',
      '1.6',
      '2025-05-23 12:32:30.000000',
      '2025-05-23 12:34:11.500000',
      '0 days 00:01:41.500000',
      '128',
      '0.29',
      '64',
      '0.008',
      '5',
      'ok',
      '0.4',
      '0.87',
      'COMPLETE',
    ]);
    expect(row(7)[col('value')]).toBe('Infinity');
    expect(row(10)[col('datetime_complete')]).toBe('');
    expect(row(10)[col('duration')]).toBe('');
    expect(row(10)[col('state')]).toBe('RUNNING');
    expect(row(11)[col('datetime_start')]).toBe('');
    expect(row(9)[col('params_batch_size')]).toBe('');
    expect(row(9)[col('value')]).toBe('');
  });

  it('quotes commas, quotes and newlines and reads back exactly', () => {
    expect(row(2)[col('user_attrs_note')]).toBe('slow, "odd"\nrun');
    expect(text).toContain('"slow, ""odd""\nrun"');
  });

  it('cells: NaN, ±Infinity, booleans, None, JSON', () => {
    expect([NaN, Infinity, -Infinity, 0.1, -0, 1e21].map((v) => csvCell(v))).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      '0.1',
      '0',
      '1e+21',
    ]);
    expect([true, false, null, undefined].map((v) => csvCell(v))).toEqual(['True', 'False', '', '']);
    expect(csvCell({ a: [1, NaN] })).toBe('"{""a"":[1,""NaN""]}"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a\rb')).toBe('"a\rb"');
  });

  it('several objectives become values_0, values_1; system attrs on request', () => {
    const t = { ...makeTrial({ number: 0, systemAttrs: { fixed_params: { x: 1 } } }), values: [1, 2] };
    const csv = parseCsv(
      trialsToCsv([t, makeTrial({ number: 1, state: TrialState.FAIL, value: null })], { includeSystemAttrs: true }),
    );
    expect(csv[0]).toEqual([
      'number',
      'values_0',
      'values_1',
      'datetime_start',
      'datetime_complete',
      'duration',
      'system_attrs_fixed_params',
      'state',
    ]);
    expect(csv[1]).toEqual(['0', '1', '2', '', '', '', '{"x":1}', 'COMPLETE']);
    expect(csv[2]).toEqual(['1', '', '', '', '', '', '', 'FAIL']);
  });

  it('writes just the header row for a study without trials', () => {
    expect(trialsToCsv([])).toBe('number,value,datetime_start,datetime_complete,duration,state\n');
  });
});
