/**
 * JSON as Python's `json` module reads and writes it (docs/design/study-engine.md#journal-storage): NaN, Infinity
 * and -Infinity appear as bare tokens, which JSON.parse rejects and JSON.stringify turns into null.
 *
 * Reading: JSON.parse first (fast, and correct whenever it succeeds, since then the text held no bare
 * token); only on failure a token-aware recursive-descent parser runs, which knows string contents and
 * so never mistakes `"NaN"` inside a string for a number, and reports the column of a defect.
 * Writing: floats as Python's repr (`1e-05`, `4.0`, `1e+16`, via engine/py-format.ts) so files we write
 * read back in Python with the same types; strings with Python's ensure_ascii escaping.
 */
import { pyFloatRepr } from '../../py-format.ts';

export class PyJsonSyntaxError extends Error {
  constructor(
    readonly detail: string,
    /** 1-based column of the offending character. */
    readonly column: number,
  ) {
    super(`${detail} at column ${column}`);
    this.name = 'PyJsonSyntaxError';
  }
}

/**
 * A number whose Python type a JS number cannot carry: a float with an integral value (`1.0`, which
 * a JS number would write back as the int `1`) or an int beyond ±2^53 (which it would round). Kept
 * as the exact token so an attribute Python wrote is written back unchanged. A plain object, so it
 * survives IndexedDB's structured clone.
 */
export interface PyNumberBox {
  readonly $py: string;
}

const NUMBER_TOKEN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function isPyNumberBox(v: unknown): v is PyNumberBox {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const raw = (v as Record<string, unknown>)['$py'];
  return keys.length === 1 && typeof raw === 'string' && NUMBER_TOKEN.test(raw);
}

/** An attribute value as a number: a plain number, or the value of a PyNumberBox; otherwise undefined. */
export function attrNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return isPyNumberBox(v) ? Number(v.$py) : undefined;
}

export interface PyJsonParseOptions {
  /** Integral floats and ints beyond ±2^53 become PyNumberBox instead of numbers. */
  readonly exactNumbers?: boolean;
}

/** Parses one JSON text that may contain NaN / Infinity / -Infinity outside strings. */
export function parsePyJson(text: string, opts: PyJsonParseOptions = {}): unknown {
  if (opts.exactNumbers === true) return new Parser(text, true).parseDocument();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return new Parser(text).parseDocument();
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);

class Parser {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly exact = false,
  ) {}

  parseDocument(): unknown {
    this.skipWs();
    const v = this.value();
    this.skipWs();
    if (this.pos < this.s.length) this.fail(`unexpected ${this.describe()} after the JSON value`);
    return v;
  }

  private fail(detail: string): never {
    throw new PyJsonSyntaxError(detail, this.pos + 1);
  }

  private describe(): string {
    const c = this.s[this.pos];
    return c === undefined ? 'end of line' : `character ${JSON.stringify(c)}`;
  }

  private skipWs(): void {
    while (this.pos < this.s.length && WS.has(this.s[this.pos]!)) this.pos++;
  }

  private value(): unknown {
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case 'N':
        return this.literal('NaN', NaN);
      case 'I':
        return this.literal('Infinity', Infinity);
      case '-':
        if (this.s.startsWith('-Infinity', this.pos)) return this.literal('-Infinity', -Infinity);
        return this.number();
      default:
        if (c !== undefined && c >= '0' && c <= '9') return this.number();
        return this.fail(`unexpected ${this.describe()}`);
    }
  }

  private literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail(`unexpected ${this.describe()}`);
    this.pos += word.length;
    return v;
  }

  private number(): number | PyNumberBox {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const hit = m.exec(this.s);
    if (hit === null) this.fail('malformed number');
    this.pos += hit[0].length;
    const x = Number(hit[0]);
    if (this.exact && Number.isFinite(x)) {
      const isFloat = /[.eE]/.test(hit[0]);
      if (isFloat ? Number.isInteger(x) : !Number.isSafeInteger(x)) return { $py: hit[0] };
    }
    return x;
  }

  private string(): string {
    // Delegate escapes to JSON.parse on the exact string token, found by scanning for the closing quote.
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) {
        this.pos = start;
        this.fail('unterminated string');
      }
      if (c === '\\') this.pos += 2;
      else if (c === '"') break;
      else if (c < ' ') this.fail('control character in string');
      else this.pos++;
    }
    this.pos++;
    try {
      return JSON.parse(this.s.slice(start, this.pos)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid escape in string');
    }
  }

  private array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipWs();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value());
      this.skipWs();
      const c = this.s[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail(`expected ',' or ']' but found ${this.describe()}`);
      }
    }
  }

  private object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipWs();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.s[this.pos] !== '"') this.fail(`expected a property name but found ${this.describe()}`);
      const key = this.string();
      this.skipWs();
      if (this.s[this.pos] !== ':') this.fail(`expected ':' but found ${this.describe()}`);
      this.pos++;
      this.skipWs();
      // defineProperty keeps a key named "__proto__" as data, as JSON.parse does.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipWs();
      const c = this.s[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail(`expected ',' or '}' but found ${this.describe()}`);
      }
    }
  }
}

/** A Python float in JSON: `repr(float)` for finite values, bare tokens otherwise. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  // Fast path: where both languages write positional notation (1e-4 ≤ |x| < 1e16) their shortest
  // digits agree, and Python adds ".0" to integral values.
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  return pyFloatRepr(x);
}

const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * A JSON string literal as Python's json.dumps writes it (ensure_ascii: everything outside space..~
 * as \uXXXX). Same output as engine/py-format.ts pyJsonString, via the native JSON.stringify, which
 * matters when a journal holds thousands of records.
 */
export function pyString(s: string): string {
  const j = JSON.stringify(s);
  return j.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A number whose Python type is unknown (attribute values): integers as ints, the rest as floats. */
export function pyNumber(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : pyFloat(x);
}

export interface PyJsonStyle {
  /** Python 3.x default `", "` / `": "` when false; Optuna 4.x compact `","` / `":"` when true. */
  readonly compact: boolean;
}

export const COMPACT: PyJsonStyle = { compact: true };
export const PYTHON_DEFAULT: PyJsonStyle = { compact: false };

/** Serializes any JSON value; numbers via `pyNumber`, non-finite numbers as bare tokens. */
export function pyJson(value: unknown, style: PyJsonStyle = COMPACT): string {
  const comma = style.compact ? ',' : ', ';
  const colon = style.compact ? ':' : ': ';
  const walk = (v: unknown, path: string): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        return pyNumber(v);
      case 'string':
        return pyString(v);
      case 'object': {
        if (isPyNumberBox(v)) return v.$py;
        if (Array.isArray(v)) return `[${v.map((x, i) => walk(x, `${path}[${i}]`)).join(comma)}]`;
        const parts = Object.entries(v as Record<string, unknown>).map(
          ([k, x]) => `${pyString(k)}${colon}${walk(x, `${path}.${k}`)}`,
        );
        return `{${parts.join(comma)}}`;
      }
      default:
        throw new TypeError(`${path}: a ${typeof v} cannot be written as JSON`);
    }
  };
  return walk(value, '$');
}

/** Object literal writer for records whose field types are known (journal ops). */
export function pyObject(fields: readonly (readonly [string, string])[], style: PyJsonStyle = COMPACT): string {
  const comma = style.compact ? ',' : ', ';
  const colon = style.compact ? ':' : ': ';
  return `{${fields.map(([k, raw]) => `${pyString(k)}${colon}${raw}`).join(comma)}}`;
}
