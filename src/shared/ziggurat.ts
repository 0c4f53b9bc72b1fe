/**
 * Fast standard-normal draws for hot loops (the DMC simulator draws one normal per 1-ms step).
 *
 * Generator state: the same xoshiro128** 1.1 as `Rng` (src/shared/rng.ts), but held in an Int32Array of
 * four words so a hot loop can copy it into local variables (registers) and write it back only on the rare
 * slow path. `stateFromRng(Rng.stream(seed, i))` continues exactly the sequence that `Rng` would produce:
 * `nextI32(st)` equals `rng.nextU32() | 0` and `float53(st)` equals `rng.float()` step for step.
 *
 * Normal sampler: the ziggurat of Marsaglia & Tsang (2000, "The Ziggurat Method for Generating Random
 * Variables", J. Stat. Softw. 5(8)) with 256 layers, r = 3.6541528853610088, v = 0.00492867323399 (their
 * 256-layer constants). Why the ziggurat: 99 % of draws cost one 32-bit output, one table lookup, one
 * compare and one multiply — no log/sqrt/trig — which is what makes ≈ 10^5 normals per 500-trial data set
 * affordable. Following Doornik (2005, "An Improved Ziggurat Method to Generate Normal Random Samples"),
 * the layer index (low 8 bits) and the value (high 24 bits, signed) use disjoint bits of the 32-bit
 * output, avoiding the index/value correlation of the original 32-bit RNOR; the value resolution is 2^-23
 * of the layer width, far below anything a DMC statistic can resolve. The tables are computed here from
 * (r, v) with the recurrence of the paper rather than pasted, so their derivation is visible.
 */
import type { Rng } from './rng.ts';

/** Number of layers; the index uses the low 8 bits of a 32-bit output. */
export const ZIG_LAYERS = 256;
/** Right edge of the base layer (start of the tail), Marsaglia & Tsang (2000), 256-layer constants. */
export const ZIG_R = 3.6541528853610088;
/** Common area of every layer (base layer includes the tail beyond r). */
const ZIG_V = 0.00492867323399;
/** Scale of the signed 24-bit value j = int32 >> 8, |j| ≤ 2^23. */
const VALUE_SCALE = 8388608; // 2^23

/**
 * Layer tables, index i = 0 (base strip incl. tail) … 255 (top). Layer i ≥ 1 has right edge x_i and lies
 * between heights f(x_i) and f(x_{i-1}); x decreases with i (x_1 is the widest rectangle under the base,
 * Marsaglia's indexing). A draw j·W[i] with |j| < K[i] lies inside the part of layer i that is entirely
 * under the density, so it is accepted without evaluating f.
 */
export const ZIG_K = new Int32Array(ZIG_LAYERS);
export const ZIG_W = new Float64Array(ZIG_LAYERS);
export const ZIG_F = new Float64Array(ZIG_LAYERS);

(function buildTables(): void {
  const f = (x: number): number => Math.exp(-0.5 * x * x);
  const q = ZIG_V / f(ZIG_R); // virtual width of the base strip: rectangle + tail have area v
  ZIG_K[0] = Math.floor((ZIG_R / q) * VALUE_SCALE);
  ZIG_K[1] = 0; // the top layer has no inner rectangle (its inner edge is x = 0)
  ZIG_W[0] = q / VALUE_SCALE;
  ZIG_W[ZIG_LAYERS - 1] = ZIG_R / VALUE_SCALE;
  ZIG_F[0] = 1;
  ZIG_F[ZIG_LAYERS - 1] = f(ZIG_R);
  let xPrev = ZIG_R;
  for (let i = ZIG_LAYERS - 2; i >= 1; i--) {
    // each layer has area v: x_i · (f(x_i_inner) − f(x_i)) = v  ⇒  f(x_inner) = v / x + f(x)
    const x = Math.sqrt(-2 * Math.log(ZIG_V / xPrev + f(xPrev)));
    ZIG_K[i + 1] = Math.floor((x / xPrev) * VALUE_SCALE);
    ZIG_W[i] = x / VALUE_SCALE;
    ZIG_F[i] = f(x);
    xPrev = x;
  }
})();

/** The four xoshiro128** state words of `rng`, as a mutable Int32Array (the Rng itself is not advanced). */
export function stateFromRng(rng: Rng): Int32Array {
  return Int32Array.from(rng.getState());
}

/** Next xoshiro128** output as a signed int32 (the same bits as `Rng.nextU32`). */
export function nextI32(st: Int32Array): number {
  const s0 = st[0]!;
  const s1 = st[1]!;
  let s2 = st[2]!;
  let s3 = st[3]!;
  const m = Math.imul(s1, 5);
  const r = Math.imul((m << 7) | (m >>> 25), 9);
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  st[1] = s1 ^ s2;
  st[0] = s0 ^ s3;
  st[2] = s2 ^ t;
  st[3] = (s3 << 11) | (s3 >>> 21);
  return r;
}

/**
 * The next `n` outputs of nextI32 into out[0..n) with the state in locals: one load and store of the
 * state instead of n (the simulator's Beta(3,3) start draws five; 6 % of a data set's time).
 */
export function nextI32Many(st: Int32Array, out: Int32Array, n: number): void {
  let s0 = st[0]!;
  let s1 = st[1]!;
  let s2 = st[2]!;
  let s3 = st[3]!;
  for (let k = 0; k < n; k++) {
    const m = Math.imul(s1, 5);
    out[k] = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

/** Uniform double in [0, 1) with 53 random bits (same construction and stream use as `Rng.float`). */
export function float53(st: Int32Array): number {
  const hi = nextI32(st) >>> 5;
  const lo = nextI32(st) >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Uniform double in (0, 1] with 53 random bits (safe for log). */
function float53Positive(st: Int32Array): number {
  const hi = nextI32(st) >>> 5;
  const lo = nextI32(st) >>> 6;
  return (hi * 67108864 + lo + 1) / 9007199254740992;
}

/** One standard normal draw from the state. */
export function normal(st: Int32Array): number {
  const u = nextI32(st);
  const i = u & 255;
  const j = u >> 8;
  if (Math.abs(j) < ZIG_K[i]!) return j * ZIG_W[i]!;
  return normalSlow(st, u);
}

/**
 * Completes a draw whose 32-bit output `u` failed the fast rectangle test (≈ 1 % of draws): the wedge test
 * of layer i, or Marsaglia's (1964) exponential-rejection tail beyond r for the base layer; on rejection a
 * fresh output restarts the whole procedure (fast test included), as in the paper's `nfix`.
 */
export function normalSlow(st: Int32Array, u: number): number {
  for (;;) {
    const i = u & 255;
    const j = u >> 8;
    if (Math.abs(j) < ZIG_K[i]!) return j * ZIG_W[i]!;
    if (j === -VALUE_SCALE) {
      // the one value without a mirror image: redraw so that the output is exactly symmetric
      u = nextI32(st);
      continue;
    }
    if (i === 0) {
      let x: number;
      let y: number;
      do {
        x = -Math.log(float53Positive(st)) / ZIG_R;
        y = -Math.log(float53Positive(st));
      } while (y + y < x * x);
      return j > 0 ? ZIG_R + x : -ZIG_R - x;
    }
    const x = j * ZIG_W[i]!;
    if (ZIG_F[i]! + float53(st) * (ZIG_F[i - 1]! - ZIG_F[i]!) < Math.exp(-0.5 * x * x)) return x;
    u = nextI32(st);
  }
}
