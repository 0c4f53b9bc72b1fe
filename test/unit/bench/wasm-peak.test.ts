/**
 * The hand-assembled peak module of `npm run bench -- peak` computes what it claims: every accumulator runs
 * acc = acc * x + y in float32, so its result is a known answer, and the loop really executes (no dead code
 * the engine could drop would change the sum).
 */
import { describe, expect, it } from 'vitest';
import { peakModule } from '../../../bench/wasm-peak.ts';

function expected(iterations: number, seed: number): number {
  const s = Math.fround(seed);
  let acc = s;
  for (let i = 0; i < iterations; i++) acc = Math.fround(Math.fround(acc * s) + s);
  let sum = 0;
  for (let k = 0; k < 12; k++) sum = Math.fround(sum + acc);
  return sum;
}

describe('wasm peak module', () => {
  it('validates and computes acc = acc * x + y for every accumulator', async () => {
    const bytes = peakModule(false);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const { instance } = await WebAssembly.instantiate(bytes);
    const peak = instance.exports['peak'] as (n: number, seed: number) => number;
    for (const [n, seed] of [
      [1, 0.5],
      [7, 0.9],
      [1000, 0.999],
    ] as const) {
      expect(peak(n, seed)).toBe(expected(n, seed));
    }
  });
});
