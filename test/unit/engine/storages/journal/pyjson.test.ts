import { describe, expect, it } from 'vitest';
import { pyJsonString } from '../../../../../src/engine/py-format.ts';
import {
  PyJsonSyntaxError,
  parsePyJson,
  pyFloat,
  pyJson,
  pyString,
} from '../../../../../src/engine/storages/journal/pyjson.ts';

// repr() of these floats, printed by /usr/bin/python3 (3.11) — known answers for pyFloat.
const PYTHON_REPRS = [
  '1e-05',
  '0.1',
  '4.0',
  '1.0',
  '0.0',
  '-0.0',
  '1e+16',
  '1.5e+16',
  '1.2345678901234568e+17',
  '0.0001',
  '0.00012',
  '1e+22',
  '5e-324',
  '1.7976931348623157e+308',
  '0.30000000000000004',
  '100.0',
  '1000000000000000.0',
  '123.456',
  '-2.5e-07',
  '0.00031489116479568613',
  '4.207988669606632e-05',
  '9999999999999998.0',
  '-7.312715117751976e+23',
  '6.045301223363671e-27',
  '-4.898619485211566',
  '0.5219248898251512',
  '3.031859454455259e+19',
  '-5.800903872570458',
  '-9.433050469559874e+22',
  '-22038238.595773187',
  '5.24560164915884e-31',
  '3.9166573353688693e-14',
  '4.4308006468156513e-17',
  '1.823068700026078e-25',
  '8.028549152229671e-30',
  '-95535577795.73523',
  '8.282494558699317e+28',
  '7624677178443.108',
  '-0.0005668012057387733',
  '451.7052028930304',
  '-0.005566166674539299',
  '87833.40378971731',
  '-5.338310994848547e-17',
  '3.536970796999488e+17',
  '-8.079306852453283e-14',
  '8.530132475717321e-05',
  '67515.59513251457',
  '8.443771249397748e-25',
  '-6281874682105646.0',
  '7.198930575905798e-24',
  '4.8629332084499554e+26',
  '442968815166536.75',
];

describe('pyFloat', () => {
  it.each(PYTHON_REPRS)('writes %s exactly as Python repr()', (repr) => {
    expect(pyFloat(Number(repr))).toBe(repr);
  });

  it('writes non-finite values as the bare tokens Python json uses', () => {
    expect([NaN, Infinity, -Infinity].map(pyFloat)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });
});

describe('parsePyJson', () => {
  it('reads bare NaN / Infinity / -Infinity outside strings', () => {
    const v = parsePyJson('{"a": NaN, "b": [Infinity, -Infinity, 1.5e-3], "c": {"d": -Infinity}}') as {
      a: number;
      b: number[];
      c: { d: number };
    };
    expect(v.a).toBeNaN();
    expect(v.b).toEqual([Infinity, -Infinity, 0.0015]);
    expect(v.c.d).toBe(-Infinity);
  });

  it('leaves strings containing NaN/Infinity alone, escapes included', () => {
    const v = parsePyJson('{"note": "NaN, Infinity and -Infinity \\"NaN\\"", "x": NaN, "NaN": "Infinity"}') as Record<
      string,
      unknown
    >;
    expect(v.note).toBe('NaN, Infinity and -Infinity "NaN"');
    expect(v.x).toBeNaN();
    expect(v.NaN).toBe('Infinity');
  });

  it('reads the same values as JSON.parse where JSON.parse works (fallback parser parity)', () => {
    const text = '{"s": "a\\u00e9\\n\\t\\\\", "n": [-0.5, 10, 1E+2, 0, true, false, null], "o": {}, "e": []}';
    // Force the fallback path by appending a NaN field.
    const withNaN = text.slice(0, -1) + ', "z": NaN}';
    const a = JSON.parse(text) as Record<string, unknown>;
    const b = parsePyJson(withNaN) as Record<string, unknown>;
    delete b.z;
    expect(b).toEqual(a);
  });

  it.each([
    ['{"a": nan}', 7],
    ['{"a": 1,}', 9],
    ['{"a": Infinit}', 7],
    ['{"a" 1}', 6],
    ['[1, 2', 6],
    ['{"a": "unterminated}', 7],
    ['{"a": NaN} x', 12],
  ])('rejects %s with a column', (text, column) => {
    try {
      parsePyJson(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PyJsonSyntaxError);
      expect((e as PyJsonSyntaxError).column).toBe(column);
    }
  });
});

describe('pyJson', () => {
  it('writes compact and Python-default separators, ints as ints, floats as Python floats', () => {
    const v = { a: [1, 2.5, NaN], b: { c: 'x', d: null, e: true }, f: 1e-5 };
    expect(pyJson(v)).toBe('{"a":[1,2.5,NaN],"b":{"c":"x","d":null,"e":true},"f":1e-05}');
    expect(pyJson(v, { compact: false })).toBe(
      '{"a": [1, 2.5, NaN], "b": {"c": "x", "d": null, "e": true}, "f": 1e-05}',
    );
  });

  it('round-trips through parsePyJson', () => {
    const v = { x: [Infinity, -Infinity, 0.1, -3], s: 'NaN "quoted" Infinity', n: null };
    expect(parsePyJson(pyJson(v))).toEqual(v);
  });
});

describe('pyString', () => {
  it.each([
    ['plain'],
    ['quote " and backslash \\'],
    ['controls \n\r\t\b\f \u0001 \u001f \u007f'],
    ['non-ASCII é ü 漢字 emoji 😀'],
    ['lone surrogate \ud800 end'],
  ])('writes %j as Python json.dumps (ensure_ascii) does', (s) => {
    expect(pyString(s)).toBe(pyJsonString(s));
    expect(JSON.parse(pyString(s))).toBe(s);
  });

  it('matches known Python output', () => {
    // json.dumps("é\u007f\x01😀") in Python 3.11
    expect(pyString('é\u007f\u0001😀')).toBe('"\\u00e9\\u007f\\u0001\\ud83d\\ude00"');
  });
});
