/**
 * The app's one way of writing numbers and durations, shared by the charts, the tables, the Run view
 * and the command line, so that one value reads the same wherever it appears.
 */
import { attrNumber } from '../engine/index.ts';

export interface NumberFormat {
  /** Significant digits (default 4), enough to tell trials apart without a wall of digits. */
  readonly digits?: number;
  /**
   * Fixed decimals instead of significant digits, for measured quantities whose unit sets the
   * resolution (milliseconds, percentages) and whose columns should line up.
   */
  readonly decimals?: number;
}

/** Plain notation from here up to `PLAIN_BELOW`; outside it exponents are easier to compare. */
const PLAIN_FROM = 1e-3;
const PLAIN_BELOW = 1e6;

/**
 * `formatNumber(0.123456)` → "0.1235", `formatNumber(12)` → "12", `formatNumber(2.5e-5)` → "2.5e-5",
 * `formatNumber(512.34, { decimals: 1 })` → "512.3". Trailing zeros are dropped (except with
 * `decimals`); integers below 1e6 are written whole (trial numbers, integer parameters); NaN and
 * ±Infinity are spelled out; a missing value (null, undefined) is "–".
 */
export function formatNumber(v: number | null | undefined, opts: NumberFormat = {}): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (opts.decimals !== undefined) return v.toFixed(opts.decimals);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < PLAIN_BELOW) return String(v);
  const digits = opts.digits ?? 4;
  if (a >= PLAIN_FROM && a < PLAIN_BELOW) {
    const plain = Number(v.toPrecision(digits));
    // Rounding can carry 999999.5 up to 1e6; write it as the exponent it became.
    if (Math.abs(plain) < PLAIN_BELOW) return String(plain);
  }
  return v.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
}

/**
 * A chart.js tick callback: axis labels in three significant digits. An axis with fixed min/max (a
 * histogram spanning its draws) otherwise prints its ends as they come, e.g. "12.345678".
 */
export function formatTick(value: number | string): string {
  const v = typeof value === 'number' ? value : Number(value);
  return Number.isNaN(v) ? String(value) : formatNumber(v, { digits: 3 });
}

/** A cell value: numbers by `formatNumber`, missing ones as "–", anything else (a categorical choice) as text. */
export function formatValue(v: unknown, opts: NumberFormat = {}): string {
  if (v === null || v === undefined) return '–';
  const x = attrNumber(v);
  return x !== undefined ? formatNumber(x, opts) : String(v);
}

/**
 * The one way a duration is written in the app: "5.1 s" below a minute, "2 min 3 s" below an hour,
 * "1 h 5 min" above. Tenths below a minute because trials of small studies take a few seconds and
 * whole seconds would make them look equal; "–" for what is not a duration.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const tenths = Math.round(seconds * 10);
  if (tenths < 600) return tenths === 0 && seconds > 0 ? '< 0.1 s' : `${(tenths / 10).toFixed(1)} s`;
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}
