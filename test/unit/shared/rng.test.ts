import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/shared/rng.ts';

describe('Rng', () => {
  it('same seed and stream give the same sequence; different streams differ', () => {
    const a = Rng.stream(7, 3);
    const b = Rng.stream(7, 3);
    const c = Rng.stream(7, 4);
    const xa = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xa);
  });

  it('float() lies in [0,1) with mean 1/2 and normal() has mean 0, variance 1', () => {
    const r = Rng.fromSeed(1);
    let s = 0;
    let n1 = 0;
    let n2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.float();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      const z = r.normal();
      n1 += z;
      n2 += z * z;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(n1 / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(n2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('int() covers the inclusive range uniformly', () => {
    const r = Rng.fromSeed(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.int(0, 3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
