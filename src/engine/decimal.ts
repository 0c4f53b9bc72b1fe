/**
 * Exact decimal arithmetic on the shortest decimal form of doubles, i.e. Python's
 * `decimal.Decimal(str(x))`. Optuna uses it to snap `high` onto the step grid
 * (`_adjust_discrete_uniform_high`) and to decide whether a stepped float range is single-valued,
 * so that [0, 1] with step 0.3 becomes [0, 0.9] rather than [0, 0.8999999999999999].
 */

/** x = m · 10^e exactly as its shortest round-trip decimal text. */
interface Dec {
  m: bigint;
  e: number;
}

function toDec(x: number): Dec {
  if (!Number.isFinite(x)) throw new RangeError(`decimal: non-finite value ${x}`);
  if (x === 0) return { m: 0n, e: 0 };
  const [mant = '0', expText = '0'] = x.toExponential().split('e');
  const digits = mant.replace('.', '');
  const fracDigits = mant.includes('.') ? mant.length - mant.indexOf('.') - 1 : 0;
  return { m: BigInt(digits), e: Number(expText) - fracDigits };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

function decToNumber(m: bigint, e: number): number {
  return Number(`${m}e${e}`);
}

/**
 * Largest low + k·step ≤ high (k integer ≥ 0) in exact decimal arithmetic, as a double; returns
 * `high` itself when (high − low) is already a multiple of step.
 */
export function snapHighToGrid(low: number, high: number, step: number): number {
  const [l, h, e1] = align(toDec(low), toDec(high));
  const r = h - l; // exact range at exponent e1
  const [rr, s, e] = align({ m: r, e: e1 }, toDec(step));
  if (rr % s === 0n) return high;
  const k = rr / s; // r ≥ 0 and step > 0: truncation is floor, like Decimal's //
  const [lowAligned] = align(toDec(low), { m: 1n, e });
  return decToNumber(k * s + lowAligned, e);
}

/** (high − low) < step, exactly in decimal. */
export function rangeBelowStep(low: number, high: number, step: number): boolean {
  const [l, h, e1] = align(toDec(low), toDec(high));
  const [r, s] = align({ m: h - l, e: e1 }, toDec(step));
  return r < s;
}
