import { describe, expect, it } from 'vitest';
import { durationSeconds, nowIsoDateTime, parseIsoDateTime, toIsoDateTime } from '../../../src/engine/datetime.ts';

describe('Optuna datetimes', () => {
  it('writes naive local time with microseconds, never "Z"', () => {
    const d = new Date(2026, 10, 27, 1, 37, 45, 759);
    expect(toIsoDateTime(d, 740)).toBe('2026-11-27T01:37:45.759740');
    expect(nowIsoDateTime()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
  });

  it('reads naive (local) and offset forms, and computes durations', () => {
    expect(parseIsoDateTime('2026-11-27T01:37:45.759740')).toBeCloseTo(
      new Date(2026, 10, 27, 1, 37, 45, 759).getTime() + 0.74,
      6,
    );
    expect(parseIsoDateTime('2024-05-01T10:00:00.000000+00:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseIsoDateTime('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(durationSeconds('2024-05-01T10:00:00.000000', '2024-05-01T10:00:05.250000')).toBeCloseTo(5.25, 9);
    expect(durationSeconds(null, '2024-05-01T10:00:05.250000')).toBeNull();
    expect(() => parseIsoDateTime('yesterday')).toThrow('Invalid ISO datetime');
  });
});
