import { describe, expect, it } from 'vitest';
import { PADDING_RATIO, cellEdges, cellOf, laplaceFill, paddedRange } from '../../../src/plots/contour-grid.ts';

describe('contour grid maths', () => {
  it('pads the observed range by 5 % on each side', () => {
    expect(PADDING_RATIO).toBe(0.05);
    const r = paddedRange([2, 4, 12], false);
    expect(r.min).toBeCloseTo(1.5, 14);
    expect(r.max).toBeCloseTo(12.5, 14);
    expect(cellEdges({ min: 0, max: 1, log: false }, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(cellOf(1, { min: 0, max: 1, log: false }, 4)).toBe(3);
    expect(cellOf(0.3, { min: 0, max: 1, log: false }, 4)).toBe(1);
  });

  it('keeps known cells, and solves Laplace: two fixed columns give a linear ramp', () => {
    const n = 12;
    const known = new Map<number, number>();
    for (let j = 0; j < n; j++) {
      known.set(j * n, 0);
      known.set(j * n + n - 1, 1);
    }
    const z = laplaceFill(known, n, n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) expect(z[j * n + i]).toBeCloseTo(i / (n - 1), 8);
  });

  it('stays within the range of the known values (maximum principle) and is the neighbour mean elsewhere', () => {
    const n = 20;
    const known = new Map([
      [3 * n + 4, 2],
      [15 * n + 17, -1],
      [10 * n + 2, 5],
    ]);
    const z = laplaceFill(known, n, n);
    for (const [k, v] of known) expect(z[k]).toBe(v);
    for (const v of z) expect(v >= -1 - 1e-8 && v <= 5 + 1e-8).toBe(true);
    const k = 8 * n + 8;
    expect(z[k]).toBeCloseTo((z[k - 1]! + z[k + 1]! + z[k - n]! + z[k + n]!) / 4, 8);
    expect(laplaceFill(new Map([[0, 3]]), 5, 5).every((v) => Math.abs(v - 3) < 1e-9)).toBe(true);
  });
});
