/**
 * Optuna's datetimes as the journal stores them: naive local ISO strings with microseconds,
 * `YYYY-MM-DDTHH:MM:SS.ffffff` (or with an offset, "+00:00", from Optuna ≥ 5); see engine/types.ts.
 *
 * Times are returned as integer microseconds so durations are exact (epoch µs < 2^53 until year 2255).
 * A naive string is read as if it were UTC: Optuna subtracts naive datetimes as wall-clock times
 * (`datetime_complete - datetime_start`), and reading both through the same fixed offset gives the
 * same differences with no dependence on the viewer's time zone or daylight-saving changes.
 */

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/;

export interface ParsedDatetime {
  /** Microseconds since 1970-01-01T00:00:00 (UTC, or naive wall clock read as UTC). */
  readonly micros: number;
  /** Whether the string carried an offset. */
  readonly aware: boolean;
}

/** Parse an Optuna datetime string; throws with the bad value when it does not match. */
export function parseDatetime(s: string): ParsedDatetime {
  const m = PATTERN.exec(s);
  if (!m) throw new Error(`datetime: expected YYYY-MM-DDTHH:MM:SS[.ffffff][±HH:MM], got ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, sec, frac, tz] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  let micros = ms * 1000 + (frac ? Number(frac.padEnd(6, '0')) : 0);
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const offsetMinutes = Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6));
    micros -= sign * offsetMinutes * 60_000_000;
  }
  return { micros, aware: tz !== undefined };
}

/** The viewer's current wall-clock time as naive microseconds (comparable with naive strings). */
export function nowNaiveMicros(date: Date = new Date()): number {
  return (date.getTime() - date.getTimezoneOffset() * 60_000) * 1000;
}

/** pandas' datetime text: `YYYY-MM-DD HH:MM:SS.ffffff` (offset kept when the input had one). */
export function formatPandasDatetime(s: string): string {
  const m = PATTERN.exec(s);
  if (!m) throw new Error(`datetime: expected YYYY-MM-DDTHH:MM:SS[.ffffff][±HH:MM], got ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, sec, frac, tz] = m;
  const f = frac ? `.${frac.padEnd(6, '0')}` : '';
  const zone = tz === undefined ? '' : tz === 'Z' ? '+00:00' : tz;
  return `${y}-${mo}-${d} ${h}:${mi}:${sec}${f}${zone}`;
}

/** pandas Timedelta text: `D days HH:MM:SS[.ffffff]` (negative durations as pandas prints them). */
export function formatPandasTimedelta(micros: number): string {
  if (!Number.isInteger(micros)) throw new Error(`timedelta: expected integer microseconds, got ${micros}`);
  // pandas normalises a negative Timedelta to −D days + a positive time of day, e.g. "-1 days +23:59:59".
  const dayMicros = 86_400_000_000;
  const days = Math.floor(micros / dayMicros);
  let rest = micros - days * dayMicros;
  const us = rest % 1_000_000;
  rest = (rest - us) / 1_000_000;
  const ss = rest % 60;
  rest = (rest - ss) / 60;
  const mm = rest % 60;
  const hh = (rest - mm) / 60;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const time = `${p2(hh)}:${p2(mm)}:${p2(ss)}${us ? `.${String(us).padStart(6, '0')}` : ''}`;
  return `${days} days ${days < 0 ? '+' : ''}${time}`;
}
