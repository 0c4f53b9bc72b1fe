/**
 * In-place ascending sort of the first n doubles of a Float64Array (no NaN expected): quicksort with
 * median-of-three pivots and insertion sort below 16 elements, without comparator calls. Several
 * times faster than TypedArray.prototype.sort, which TPE would otherwise call twice per parameter per
 * trial.
 */
export function sortFloat64(a: Float64Array, n: number): Float64Array {
  const stack: number[] = [0, n - 1];
  while (stack.length > 0) {
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    if (hi - lo < 16) {
      for (let i = lo + 1; i <= hi; i++) {
        const x = a[i] as number;
        let j = i - 1;
        while (j >= lo && (a[j] as number) > x) {
          a[j + 1] = a[j] as number;
          j--;
        }
        a[j + 1] = x;
      }
      continue;
    }
    const mid = (lo + hi) >> 1;
    let x = a[lo] as number;
    let y = a[mid] as number;
    let z = a[hi] as number;
    if (y < x) [x, y] = [y, x];
    if (z < x) [x, z] = [z, x];
    if (z < y) [y, z] = [z, y];
    a[lo] = x;
    a[mid] = y;
    a[hi] = z;
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (lo < j) stack.push(lo, j);
    if (i < hi) stack.push(i, hi);
  }
  return a;
}

/** First index p in sorted[0..n) with sorted[p] ≥ v. */
export function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let a = 0;
  let b = n;
  while (a < b) {
    const mid = (a + b) >> 1;
    if ((sorted[mid] as number) < v) a = mid + 1;
    else b = mid;
  }
  return a;
}
