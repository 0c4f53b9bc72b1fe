import { describe, expect, it } from 'vitest';
import { mulhi32, philox4x32, uniform24 } from '../../../src/shared/philox.ts';

const hex = (w: Uint32Array): string[] => Array.from(w, (x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  // Random123's known-answer vectors for philox4x32 with 10 rounds (kat_vectors).
  it.each([
    [[0, 0, 0, 0], [0, 0], ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']],
  ])('known answer for counter %j, key %j', (c, k, expected) => {
    expect(hex(philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, new Uint32Array(4)))).toEqual(expected);
  });

  it('mulhi32 equals the high word of the exact product', () => {
    const cases = [[0, 0], [1, 1], [0xffffffff, 0xffffffff], [0xd2511f53, 0x12345678], [0xcd9e8d57, 0xfedcba98], [0x80000000, 2]];
    let s = 12345;
    for (let i = 0; i < 1000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const t = (Math.imul(s, 22695477) + 1) >>> 0;
      cases.push([s, t]);
    }
    for (const [a, b] of cases) expect(mulhi32(a!, b!)).toBe(Number((BigInt(a!) * BigInt(b!)) >> 32n));
  });

  it('uniform24 maps words onto [0, 1) on a 2^-24 grid', () => {
    expect(uniform24(0)).toBe(0);
    expect(uniform24(0xffffffff)).toBe(1 - 2 ** -24);
    expect(uniform24(0x80000000)).toBe(0.5);
  });
});
