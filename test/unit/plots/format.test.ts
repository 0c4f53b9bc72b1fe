import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatTick, formatValue } from '../../../src/plots/format.ts';

describe('formatNumber', () => {
  it('writes four significant digits without trailing zeros', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.669)).toBe('0.669');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(0.001)).toBe('0.001');
  });

  it('reads the same where the old view-local formatters disagreed (cut-offs 1e4, 1e3, 3 digits)', () => {
    // 1234.5 was "1235" in the results table, "1.235e+3" in the trial state table, "1.23e+3" in the Run view;
    // 15000.25 was "1.500e+4" in the tables and "15000" on chart axes.
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(15000.25)).toBe('15000');
    expect(formatNumber(0.005)).toBe('0.005');
  });

  it('writes integers below 1e6 whole and switches to exponents outside [1e-3, 1e6)', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(12345)).toBe('12345');
    expect(formatNumber(-7)).toBe('-7');
    expect(formatNumber(2.5e-5)).toBe('2.5e-5');
    expect(formatNumber(1e6)).toBe('1e+6');
    expect(formatNumber(1234567.8)).toBe('1.235e+6');
    expect(formatNumber(0.00012346)).toBe('1.235e-4');
    // Rounding up to 1e6 leaves plain notation for the exponent, never "1000000".
    expect(formatNumber(999999.7)).toBe('1e+6');
  });

  it('honours digits and decimals', () => {
    expect(formatNumber(Math.PI, { digits: 2 })).toBe('3.1');
    expect(formatNumber(Math.PI, { digits: 6 })).toBe('3.14159');
    expect(formatNumber(2.5e-5, { digits: 1 })).toBe('3e-5');
    expect(formatNumber(512.34, { decimals: 1 })).toBe('512.3');
    expect(formatNumber(12, { decimals: 2 })).toBe('12.00');
  });

  it('spells out non-finite values and writes missing ones as a dash', () => {
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatNumber(Number.NEGATIVE_INFINITY, { decimals: 1 })).toBe('-Infinity');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(undefined, { decimals: 1 })).toBe('–');
  });
});

describe('formatTick', () => {
  it('writes axis labels, fixed ends included, in three significant digits', () => {
    expect(formatTick(12.345678)).toBe('12.3');
    expect(formatTick(177.98)).toBe('178');
    expect(formatTick(-0.0123456)).toBe('-0.0123');
    expect(formatTick(300)).toBe('300');
    expect(formatTick('0.5')).toBe('0.5');
    expect(formatTick('congruent')).toBe('congruent');
  });
});

describe('formatValue', () => {
  it('formats numbers, passes choices through and dashes what is missing', () => {
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue('adam')).toBe('adam');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('–');
    expect(formatValue(undefined)).toBe('–');
  });
});

describe('formatDuration', () => {
  it('lives with the number formatter', () => {
    expect(formatDuration(5.08)).toBe('5.1 s');
    expect(formatDuration(3600 + 5 * 60 + 20)).toBe('1 h 5 min');
  });
});
