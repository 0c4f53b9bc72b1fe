import { describe, expect, it } from 'vitest';
import { categoricalDistribution, floatDistribution, intDistribution } from '../../../../src/engine/distributions.ts';
import { roundHalfEven, nextDown } from '../../../../src/engine/samplers/numeric.ts';
import { sampleUniformInternal } from '../../../../src/engine/samplers/random.ts';
import { Rng } from '../../../../src/shared/rng.ts';

const draw = (d: Parameters<typeof sampleUniformInternal>[0], n: number, seed = 1): number[] => {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => sampleUniformInternal(d, rng));
};
const freq = (xs: number[], v: number): number => xs.filter((x) => x === v).length / xs.length;

describe('RandomSampler draws (optuna/_transform.py rules)', () => {
  it('integers: every grid value equally likely, end points included (cells of width step)', () => {
    const xs = draw(intDistribution(1, 3), 30000);
    for (const v of [1, 2, 3]) expect(freq(xs, v)).toBeCloseTo(1 / 3, 1);
    const stepped = draw(intDistribution(0, 10, { step: 5 }), 30000);
    for (const v of [0, 5, 10]) expect(freq(stepped, v)).toBeCloseTo(1 / 3, 1);
  });

  it('integer log: uniform in log space on [log(low − ½), log(high + ½)]', () => {
    const xs = draw(intDistribution(1, 100, { log: true }), 40000);
    const p1 = (Math.log(1.5) - Math.log(0.5)) / (Math.log(100.5) - Math.log(0.5));
    expect(freq(xs, 1)).toBeCloseTo(p1, 1);
    expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 100)).toBe(true);
  });

  it('floats: uniform in [low, high); log floats uniform in log space; steps on the grid', () => {
    const xs = draw(floatDistribution(-2, 2), 20000);
    expect(xs.every((x) => x >= -2 && x < 2)).toBe(true);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0, 1);
    const logs = draw(floatDistribution(1e-4, 1, { log: true }), 20000);
    expect(logs.filter((x) => x < 1e-2).length / logs.length).toBeCloseTo(0.5, 1);
    const grid = draw(floatDistribution(0, 1, { step: 0.25 }), 20000);
    for (const v of [0, 0.25, 0.5, 0.75, 1]) expect(freq(grid, v)).toBeCloseTo(0.2, 1);
  });

  it('categoricals: uniform over indices', () => {
    const xs = draw(categoricalDistribution(['a', 'b', 'c', 'd']), 20000);
    for (const v of [0, 1, 2, 3]) expect(freq(xs, v)).toBeCloseTo(0.25, 1);
  });

  it('numpy helpers: round half to even, next double below', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3]);
    expect(nextDown(1)).toBe(1 - Number.EPSILON / 2);
    expect(nextDown(0)).toBe(-Number.MIN_VALUE);
    expect(nextDown(-1)).toBe(-1 - Number.EPSILON);
  });
});
