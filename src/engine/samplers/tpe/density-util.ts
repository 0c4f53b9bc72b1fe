/** Shared constants, reusable buffers and the log-sum-exp of the Parzen density code. */

export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Terms more than this many nats below the largest add < 4e-18 each relative: skipped. */
export const LSE_CUTOFF = 40;

/** Reused work buffers (TPE builds two estimators per parameter per trial; no per-call garbage). */
const pools: Float64Array[] = [0, 1, 2, 3, 4].map(() => new Float64Array(1024));
const intPools: Int32Array[] = [0, 1, 2, 3].map(() => new Int32Array(1024));
export function intScratchOf(n: number, slot: number): Int32Array {
  if ((intPools[slot] as Int32Array).length < n) intPools[slot] = new Int32Array(Math.max(n, 2 * (intPools[slot] as Int32Array).length));
  return intPools[slot] as Int32Array;
}

export function scratchOf(n: number, slot = 0): Float64Array {
  if ((pools[slot] as Float64Array).length < n) pools[slot] = new Float64Array(Math.max(n, 2 * (pools[slot] as Float64Array).length));
  return pools[slot] as Float64Array;
}

/** log Σ exp(v[base .. base+K)), skipping terms far below the maximum. */
export function logSumExpRow(v: Float64Array, base: number, K: number): number {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if ((v[base + k] as number) > max) max = v[base + k] as number;
  if (max === -Infinity) return -Infinity;
  const floor = max - LSE_CUTOFF;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const x = v[base + k] as number;
    if (x > floor) sum += Math.exp(x - max);
  }
  return max + Math.log(sum);
}
