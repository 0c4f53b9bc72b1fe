/**
 * Seeded pseudo-random numbers for the whole app (simulator, samplers, network initialisation).
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018; https://prng.di.unimi.it/xoshiro128starstar.c).
 * Why: 128 bits of state in four uint32 words — every step is Math.imul, shifts and xors on small
 * integers, which V8 keeps in registers without boxing; period 2^128 − 1 is ample; it passes BigCrush.
 * A 64-bit generator (xoshiro256**, PCG64) would need BigInt in JS and is ~20× slower.
 *
 * Streams: `Rng.stream(seed, index)` derives an independent generator for item `index` (a data set,
 * a trial) by hashing (seed, index) with splitmix32, so results depend only on (seed, index) and never
 * on how work is split across workers or chunks.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = 0;
  private hasSpare = false;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Generator seeded from a single integer (any JS number; non-integers are truncated). */
  static fromSeed(seed: number): Rng {
    return Rng.stream(seed, 0);
  }

  /** Independent generator for item `index` under `seed`. */
  static stream(seed: number, index: number): Rng {
    let h = splitmix32(Math.trunc(seed) ^ 0x9e3779b9);
    h = splitmix32(h ^ Math.trunc(seed / 4294967296));
    h = splitmix32(h ^ Math.trunc(index));
    h = splitmix32(h ^ Math.trunc(index / 4294967296));
    const a = splitmix32(h + 0x243f6a88);
    const b = splitmix32(a + 0x85a308d3);
    const c = splitmix32(b + 0x13198a2e);
    const d = splitmix32(c + 0x03707344);
    return new Rng(a, b, c, d);
  }

  /** Next uint32 (as a non-negative JS number). */
  nextU32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 = s2 ^ s0;
    this.s3 = s3 ^ s1;
    this.s1 = s1 ^ this.s2;
    this.s0 = s0 ^ this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in (0, 1) (never exactly 0: safe for log). */
  floatOpen(): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return u;
  }

  /** Uniform double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** Uniform integer in [low, high] inclusive (unbiased, by rejection). */
  int(low: number, high: number): number {
    const span = high - low + 1;
    if (!(span >= 1) || span > 4294967296) throw new RangeError(`Rng.int: bad range [${low}, ${high}]`);
    const limit = 4294967296 - (4294967296 % span);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return low + (x % span);
  }

  /** Standard normal draw (Marsaglia polar method; the simulator has its own faster path). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Fisher–Yates shuffle of the first `n` entries in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T, n = a.length): T {
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** Snapshot of the state (for persistence, e.g. a sampler resumed after a reload). */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  static fromState(state: readonly [number, number, number, number]): Rng {
    return new Rng(state[0], state[1], state[2], state[3]);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32 finaliser (Steele, Lea & Flood 2014, 32-bit variant by Vigna): a strong integer hash. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
