/** Shared constants and the log-sum-exp of the Parzen density code. */
export { LOG_SQRT_2PI } from './truncnorm.ts';
/** Terms more than this many nats below the largest add < 4e-18 each relative: skipped. */
export const LSE_CUTOFF = 40;

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
