/**
 * Timestamps as Optuna writes them: `datetime.now().isoformat(timespec="microseconds")`, naive local
 * time (3.x/4.x), or UTC with "+00:00" (5.0-rc1, PR #6776) for studies that already hold aware times,
 * so one study never mixes the two (docs/design/study-engine.md#journal-storage). Never "Z": Python < 3.11 rejects it.
 *
 * JS clocks give milliseconds; the microsecond digits are a per-process counter that keeps successive
 * stamps strictly increasing, so start < complete holds even within one millisecond.
 */
import { toIsoDateTime } from '../../datetime.ts';
import type { IsoDateTime } from '../../types.ts';

let lastMicros = 0;

function nowMicros(): number {
  const us = Date.now() * 1000;
  lastMicros = us > lastMicros ? us : lastMicros + 1;
  return lastMicros;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

function utcIso(d: Date, micros: number): IsoDateTime {
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return `${date}T${time}.${String(micros).padStart(6, '0')}+00:00`;
}

/** Current time; `aware` selects UTC "+00:00" instead of naive local time. */
export function journalNow(aware = false): IsoDateTime {
  const us = nowMicros();
  const d = new Date(Math.floor(us / 1000));
  return aware ? utcIso(d, d.getUTCMilliseconds() * 1000 + (us % 1000)) : toIsoDateTime(d, us % 1000);
}

/** True for datetimes carrying a UTC offset. */
export function isAware(dt: IsoDateTime): boolean {
  return /(?:[+-]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?|Z)$/.test(dt.slice(10));
}
