/**
 * Python-compatible text forms, so that messages and JSON match what Optuna writes byte for byte:
 * `repr(float)` (shortest round-trip digits, exponent outside 1e-4 ≤ |x| < 1e16, ".0" on integral
 * values), `repr` of categorical choices and tuples, and `json.dumps` / `json.loads` with Python's
 * defaults (`", "` and `": "` separators, ensure_ascii, bare NaN / Infinity / -Infinity tokens).
 * See docs/design/study-engine.md#journal-storage.
 */
import type { JsonValue } from './types.ts';

/** Python `repr(float(x))`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument yields the shortest digits that round-trip, like Python.
  const [mant = '', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  let body: string;
  if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return `${neg ? '-' : ''}${body}`;
}

/** A number as Python would print it if the user had passed it: integral values as ints. */
export function pyNumberRepr(x: number): string {
  if (Number.isInteger(x) && !Object.is(x, -0)) {
    return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
  }
  return pyFloatRepr(x);
}

/** Python `repr` of a string (single quotes unless the text contains one and no double quote). */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `repr` of a JSON-like value (None, True, numbers, strings, lists, dicts). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumberRepr(v);
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** Python `repr(tuple(items))`: a one-element tuple keeps its trailing comma. */
export function pyTupleRepr(items: readonly unknown[]): string {
  return items.length === 1 ? `(${pyRepr(items[0])},)` : `(${items.map(pyRepr).join(', ')})`;
}

/** Python `str(v)` as used inside f-strings: strings unquoted, everything else as repr. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** A JSON string literal with Python's `ensure_ascii=True` escaping. */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

/** `json.dumps(value)` (default separators) or the compact form `separators=(",", ":")`. */
export function pyJsonDumps(value: JsonValue, compact = false): string {
  const comma = compact ? ',' : ', ';
  const colon = compact ? ':' : ': ';
  const dump = (v: JsonValue): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return 'NaN';
      if (v === Infinity) return 'Infinity';
      if (v === -Infinity) return '-Infinity';
      return pyNumberRepr(v);
    }
    if (typeof v === 'string') return pyJsonString(v);
    if (Array.isArray(v)) return `[${v.map(dump).join(comma)}]`;
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyJsonString(k)}${colon}${dump(x)}`)
      .join(comma)}}`;
  };
  return dump(value);
}

/**
 * `json.loads` as Python does it: standard JSON plus the bare tokens NaN, Infinity and -Infinity
 * (which JSON.parse rejects). Throws SyntaxError with the character offset on malformed input.
 */
export function pyJsonLoads(text: string): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail(`Unexpected token ${JSON.stringify(text.slice(i, i + 10))}`);
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('Unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, JsonValue> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expected a string key');
        const k = str();
        ws();
        if (text[i] !== ':') fail("Expected ':'");
        i++;
        obj[k] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return obj;
        } else fail("Expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return arr;
        } else fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (c === 'N') return literal('NaN', NaN);
    if (c === 'I') return literal('Infinity', Infinity);
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' && text.startsWith('-Infinity', i)) return literal('-Infinity', -Infinity);
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null) return fail(c === undefined ? 'Unexpected end of input' : `Unexpected token ${JSON.stringify(c)}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const result = value();
  ws();
  if (i !== text.length) fail('Unexpected trailing text');
  return result;
}
