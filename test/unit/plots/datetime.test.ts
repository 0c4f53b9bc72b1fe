import { describe, expect, it } from 'vitest';
import {
  formatPandasDatetime,
  formatPandasTimedelta,
  nowNaiveMicros,
  parseDatetime,
} from '../../../src/plots/datetime.ts';

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
