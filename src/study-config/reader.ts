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

function describe(rule: NumRule): string {
  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`≥ ${rule.min}`);
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`);
  if (rule.max !== undefined) bounds.push(`≤ ${rule.max}`);
  if (rule.below !== undefined) bounds.push(`< ${rule.below}`);
  const kind = rule.integer ? 'an integer' : 'a finite number';
  return bounds.length === 0 ? kind : `${kind} ${bounds.join(' and ')}`;
}

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
  object(v: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> | null {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(path, `must be an object, got ${show(v)}`);
      return null;
    }
    const o = v as Record<string, unknown>;
    for (const k of required) {
      if (!(k in o) || o[k] === undefined) this.fail(join(path, k), 'is required');
    }
    for (const k of Object.keys(o)) {
      if (!required.includes(k) && !optional.includes(k)) {
        this.fail(join(path, k), `unknown key (allowed: ${[...required, ...optional].join(', ')})`);
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
      this.fail(path, `must be ${describe(rule)}, got ${show(v)}`);
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
      this.fail(path, `must be true or false, got ${show(v)}`);
      return fallback;
    }
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T | null {
    if (v === undefined) return null;
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
      this.fail(path, `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${show(v)}`);
      return null;
    }
    return v as T;
  }

  str(v: unknown, path: string, maxLength: number): string | null {
    if (v === undefined) return null;
    if (typeof v !== 'string' || v.trim() === '' || v.length > maxLength) {
      this.fail(path, `must be a non-empty string of at most ${maxLength} characters, got ${show(v)}`);
      return null;
    }
    if (v.trim() !== v) {
      this.fail(path, `must not start or end with spaces, got ${show(v)}`);
      return null;
    }
    return v;
  }
}
