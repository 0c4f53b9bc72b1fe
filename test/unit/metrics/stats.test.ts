import { describe, expect, it } from 'vitest';
import { linspace, median, quantileSorted, varianceDdof1 } from '../../../src/metrics/stats.ts';

describe('NumPy-compatible statistics', () => {
  it('linspace(0.005, 0.995, 20) has step 0.99/19 and exact end points', () => {
    const a = linspace(0.005, 0.995, 20);
    expect(a.length).toBe(20);
    expect(a[0]).toBe(0.005);
    expect(a[19]).toBe(0.995);
    for (let k = 0; k < 20; k++) expect(a[k]).toBeCloseTo(0.005 + (k * 0.99) / 19, 15);
  });

  it('quantile with linear interpolation matches np.quantile values worked out by hand', () => {
    // np.quantile([1,2,3,4], 0.1): h = 3·0.1 = 0.3 → 1 + 0.3·(2−1) = 1.3
    expect(quantileSorted([1, 2, 3, 4], 0.1)).toBeCloseTo(1.3, 14);
    // np.quantile([1,3,7,15], 0.5): h = 1.5 → 3 + 0.5·4 = 5
    expect(quantileSorted([1, 3, 7, 15], 0.5)).toBe(5);
    // np.quantile([0,10], 0.25) = 2.5; q = 0 and q = 1 give the extremes
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([0, 4, 9], 0)).toBe(0);
    expect(quantileSorted([0, 4, 9], 1)).toBe(9);
    // one value: every quantile is that value (S = 1)
    expect(quantileSorted([7], 0.3)).toBe(7);
    // np.quantile([0,1,2,3,4], 0.875) = 3.5 exactly (h = 3.5)
    expect(quantileSorted([0, 1, 2, 3, 4], 0.875)).toBe(3.5);
  });

  it('median: odd, even, NaN propagates like NumPy', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, Number.NaN, 3])).toBeNaN();
  });

  it('variance with ddof 1', () => {
    // [10,10,13]: mean 11, squared deviations 1+1+4 = 6, /2 = 3
    expect(varianceDdof1([10, 10, 13])).toBe(3);
    expect(varianceDdof1([5])).toBeNaN();
  });
});
