/**
 * Small numeric and seeding helpers shared by the samplers.
 *
 * Seeding: a sampler never keeps a generator across trials. Each draw uses a stream derived from
 * (seed, purpose, trial number, label), so the values proposed for a trial depend only on the seed
 * and the stored history — a sampler recreated after a reload continues exactly where it would have,
 * two tabs never draw the same stream for different trials, and the order of suggest calls inside
 * a trial does not change the values.
 */
import { Rng, splitmix32 } from '../../shared/index.ts';

/** numpy's `round` (half to even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The largest double below x (`np.nextafter(x, x - 1)`) for finite x. */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? (u64[0] as bigint) - 1n : (u64[0] as bigint) + 1n;
  return f64[0] as number;
}

/** A fresh seed from the platform's CSPRNG (samplers created without a seed). */
export function randomSeed(): number {
  const w = new Uint32Array(2);
  globalThis.crypto.getRandomValues(w);
  return (w[0] as number) * 2 ** 21 + ((w[1] as number) >>> 11); // 53 bits
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = splitmix32(h ^ s.charCodeAt(i));
  return splitmix32(h ^ s.length);
}

/** Independent generator for (seed, purpose, trial number, label). */
export function derivedRng(seed: number, purpose: string, trialNumber: number, label: string): Rng {
  let h = splitmix32(Math.trunc(seed) ^ 0x5bd1e995);
  h = splitmix32(h ^ Math.trunc(seed / 4294967296));
  h = hashString(h, purpose);
  h = hashString(h, label);
  return Rng.stream(h, trialNumber);
}
