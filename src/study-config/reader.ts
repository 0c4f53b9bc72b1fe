/**
 * Reads an untyped JSON value field by field, collecting every problem with its dotted path instead of
 * stopping at the first one, so the Setup view can flag each bad field at once. Messages echo the value
 * received (house rule: errors name the field and the bad value).
 */
import type { ConfigIssue } from './types.ts';

export interface NumRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  above?: number;
  below?: number;
}

export function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** A bound as a reader writes it: digit groups for big integers (the seed's 4,294,967,295). */
export function showBound(x: number): string {
  return Number.isInteger(x) && Math.abs(x) >= 10_000 ? x.toLocaleString('en-US') : String(x);
}

/**
 * What to enter, in words: "a whole number of at least 1", "a number between 0 and 1", "a number
 * greater than 0". Inclusive min and max together read as "between"; exclusive bounds say so.
 */
export function describe(rule: NumRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  const lower =
    rule.above !== undefined
      ? `greater than ${showBound(rule.above)}`
      : rule.min !== undefined
        ? `at least ${showBound(rule.min)}`
        : null;
  const upper =
    rule.below !== undefined
      ? `below ${showBound(rule.below)}`
      : rule.max !== undefined
        ? `at most ${showBound(rule.max)}`
        : null;
  if (rule.min !== undefined && rule.max !== undefined && rule.above === undefined && rule.below === undefined) {
    return `${kind} between ${showBound(rule.min)} and ${showBound(rule.max)}`;
  }
  const parts = [lower, upper].filter((x) => x !== null);
  if (parts.length === 0) return kind;
  // "at least 1" reads better after "of"; "greater than 0" and "below 1" do not take it.
  return lower !== null && lower.startsWith('at least')
    ? `${kind} of ${parts.join(' and ')}`
    : `${kind} ${parts.join(' and ')}`;
}

/** "Enter a whole number of at least 1 (got 0)". */
export function enter(rule: NumRule, got: unknown): string {
  return `Enter ${describe(rule)} (got ${show(got)})`;
}

/** The message of a required setting that is absent. */
export const MISSING = 'This setting is missing';

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export class Reader {
  readonly issues: ConfigIssue[] = [];

  fail(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /**
   * An object with exactly the given keys: every required key present, optional ones allowed, anything
   * else reported as unknown (a misspelt key must not be silently ignored).
   */
  object(
    v: unknown,
    path: string,
    required: readonly string[],
    optional: readonly string[] = [],
  ): Record<string, unknown> | null {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(path, `Expected a group of settings {…} here (got ${show(v)})`);
      return null;
    }
    const o = v as Record<string, unknown>;
    for (const k of required) {
      if (!(k in o) || o[k] === undefined) this.fail(join(path, k), MISSING);
    }
    for (const k of Object.keys(o)) {
      if (!required.includes(k) && !optional.includes(k)) {
        this.fail(join(path, k), `Unknown setting '${k}' (allowed here: ${[...required, ...optional].join(', ')})`);
      }
    }
    return o;
  }

  num(v: unknown, path: string, rule: NumRule = {}): number | null {
    if (v === undefined) return null; // reported by object()
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!rule.integer || Number.isInteger(v)) &&
      (rule.min === undefined || v >= rule.min) &&
      (rule.max === undefined || v <= rule.max) &&
      (rule.above === undefined || v > rule.above) &&
      (rule.below === undefined || v < rule.below);
    if (!ok) {
      this.fail(path, enter(rule, v));
      return null;
    }
    return v as number;
  }

  /** Like num, but null is a legal value (returned as null with no issue). */
  nullableNum(v: unknown, path: string, rule: NumRule = {}): { ok: boolean; value: number | null } {
    if (v === null) return { ok: true, value: null };
    const x = this.num(v, path, rule);
    return { ok: x !== null, value: x };
  }

  bool(v: unknown, path: string, fallback: boolean): boolean {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.fail(path, `Enter true or false (got ${show(v)})`);
      return fallback;
    }
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T | null {
    if (v === undefined) return null;
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
      this.fail(path, `Choose one of ${options.map((o) => JSON.stringify(o)).join(', ')} (got ${show(v)})`);
      return null;
    }
    return v as T;
  }

  str(v: unknown, path: string, maxLength: number): string | null {
    if (v === undefined) return null;
    if (typeof v !== 'string' || v.trim() === '' || v.length > maxLength) {
      this.fail(
        path,
        `Enter a name of 1 to ${maxLength} characters (got ${typeof v === 'string' && v.length > 40 ? `${v.length} characters` : show(v)})`,
      );
      return null;
    }
    if (v.trim() !== v) {
      this.fail(path, `Remove the spaces at the start or end (got ${show(v)})`);
      return null;
    }
    return v;
  }
}
