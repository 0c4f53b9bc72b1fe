/**
 * Datetimes as Optuna writes them: `datetime.isoformat(timespec="microseconds")`, naive local time in
 * Optuna 3.x/4.x (`2026-11-27T01:37:45.759740`), "+00:00" offsets from 5.0-rc1. Never "Z" (Python
 * < 3.11 rejects it). See docs/design/study-engine.md#journal-storage.
 */
import type { IsoDateTime } from './types.ts';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Naive local ISO time with microseconds for `d` (microseconds beyond the millisecond given separately). */
export function toIsoDateTime(d: Date, extraMicros = 0): IsoDateTime {
  const micros = d.getMilliseconds() * 1000 + Math.max(0, Math.min(999, Math.trunc(extraMicros)));
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micros, 6)}`
  );
}

let lastNow = -Infinity;

/** `datetime.now().isoformat(timespec="microseconds")`; sub-millisecond digits from the high-resolution clock. */
export function nowIsoDateTime(): IsoDateTime {
  // One high-resolution epoch clock (timeOrigin + now) for both the milliseconds and the microseconds:
  // mixing Date.now() with performance.now()'s fraction could order a trial's completion before its
  // start. Never going backwards keeps start ≤ complete even if the wall clock is adjusted.
  const perf = globalThis.performance;
  const t = perf !== undefined && Number.isFinite(perf.timeOrigin) ? perf.timeOrigin + perf.now() : Date.now();
  lastNow = Math.max(lastNow, t);
  const ms = Math.floor(lastNow);
  return toIsoDateTime(new Date(ms), (lastNow - ms) * 1000);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses Python's `isoformat()` output: naive times are local, offsets (and a lenient "Z") are
 * honoured. Returns milliseconds since the epoch with fractional microseconds, or throws.
 */
export function parseIsoDateTime(s: IsoDateTime): number {
  const m = ISO.exec(s);
  if (m === null) throw new RangeError(`Invalid ISO datetime ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, se, frac = '', tz] = m;
  const micros = Number(frac.padEnd(6, '0'));
  let ms: number;
  if (tz === undefined) {
    ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)).getTime();
  } else {
    const off = tz === 'Z' ? 0 : (tz.startsWith('-') ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
    ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) - off * 60_000;
  }
  return ms + micros / 1000;
}

/** Seconds between two Optuna datetimes (null when either is missing). */
export function durationSeconds(start: IsoDateTime | null, complete: IsoDateTime | null): number | null {
  if (start === null || complete === null) return null;
  return (parseIsoDateTime(complete) - parseIsoDateTime(start)) / 1000;
}
