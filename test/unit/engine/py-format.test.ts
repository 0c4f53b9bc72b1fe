import { describe, expect, it } from 'vitest';
import { pyFloatRepr, pyJsonDumps, pyJsonLoads, pyRepr, pyTupleRepr } from '../../../src/engine/py-format.ts';

describe('Python text forms', () => {
  it('repr(float) matches Python for both notations', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [1, '1.0'],
      [-2.5, '-2.5'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [0.00031489116479568613, '0.00031489116479568613'],
      [1e16, '1e+16'],
      [123456789012345680, '1.2345678901234568e+17'],
      [9999999999999998, '9999999999999998.0'],
      [1.5e-7, '1.5e-07'],
      [1e100, '1e+100'],
      [NaN, 'nan'],
      [-Infinity, '-inf'],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x)).toBe(s);
  });

  it('reprs of values and tuples', () => {
    expect(pyRepr({ lr: 0.001, n: 2, opt: 'adam', ok: true, none: null })).toBe(
      "{'lr': 0.001, 'n': 2, 'opt': 'adam', 'ok': True, 'none': None}",
    );
    expect(pyTupleRepr(['a'])).toBe("('a',)");
    expect(pyRepr("it's")).toBe('"it\'s"');
  });

  it('json.dumps with Python separators, ensure_ascii and bare NaN tokens; loads reads them back', () => {
    const v = { a: [1, 0.5, NaN, Infinity, -Infinity], s: 'ü\n"', n: null };
    const text = pyJsonDumps(v);
    expect(text).toBe('{"a": [1, 0.5, NaN, Infinity, -Infinity], "s": "\\u00fc\\n\\"", "n": null}');
    expect(pyJsonDumps(v, true)).toBe('{"a":[1,0.5,NaN,Infinity,-Infinity],"s":"\\u00fc\\n\\"","n":null}');
    const back = pyJsonLoads(text) as { a: number[]; s: string };
    expect(back.a.slice(0, 2)).toEqual([1, 0.5]);
    expect(Number.isNaN(back.a[2])).toBe(true);
    expect(back.a.slice(3)).toEqual([Infinity, -Infinity]);
    expect(back.s).toBe('ü\n"');
    // Tokens inside strings are text.
    expect(pyJsonLoads('{"NaN": "NaN Infinity"}')).toEqual({ NaN: 'NaN Infinity' });
    expect(() => pyJsonLoads('{"a": nan}')).toThrow(SyntaxError);
    expect(() => pyJsonLoads('[1, 2')).toThrow(SyntaxError);
    expect(() => pyJsonLoads('[1] x')).toThrow(/trailing/);
  });
});
