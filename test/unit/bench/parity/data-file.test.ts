import { describe, expect, it } from 'vitest';
import { decodeParityFile, encodeParityFile, ParityFileError } from '../../../../bench/parity/data-file.ts';
import { budgetFromEnv, DEFAULT_BUDGET } from '../../../../bench/parity/budget.ts';

describe('parity data file', () => {
  it('round-trips the header and every array bit for bit, with the data 4-byte aligned', () => {
    const a = Float32Array.from([1.5, -0, Number.NaN, 3.4028234663852886e38, 1e-45, -2.25]);
    const b = Float32Array.from({ length: 7 }, (_, i) => Math.fround(i / 3));
    // Header lengths 0..3 mod 4 all have to come out aligned.
    for (const label of ['x', 'xy', 'xyz', 'xyzw']) {
      const bytes = encodeParityFile(
        { label, seeds: [1, 2] },
        { a: { shape: [2, 3], data: a }, b: { shape: [7], data: b } },
      );
      const h = new DataView(bytes.buffer).getUint32(4, true);
      expect((8 + h) % 4).toBe(0);
      const f = decodeParityFile<{ label: string; seeds: number[] }>(bytes);
      expect(f.header).toEqual({ label, seeds: [1, 2] });
      expect(f.shapes).toEqual({ a: [2, 3], b: [7] });
      expect(new Uint32Array(f.arrays['a']!.buffer)).toEqual(new Uint32Array(a.buffer));
      expect(f.arrays['b']).toEqual(b);
    }
  });

  it('refuses a shape that does not match its data, the reserved key, and a foreign file', () => {
    expect(() => encodeParityFile({}, { a: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(ParityFileError);
    expect(() => encodeParityFile({ arrays: 1 }, {})).toThrow(/reserved/);
    expect(() => decodeParityFile(new TextEncoder().encode('NOPE0000'))).toThrow(/magic/);
    const cut = encodeParityFile({}, { a: { shape: [4], data: new Float32Array(4) } }).subarray(0, -4);
    expect(() => decodeParityFile(cut)).toThrow(/past the end/);
  });
});

describe('parity budget from the environment', () => {
  it('overrides the named fields and leaves the rest at the defaults', () => {
    const b = budgetFromEnv({
      PARITY_TRAIN_SETS: '2048',
      PARITY_POSTERIOR_DRAWS: '500',
      PARITY_LR: '1e-3',
      PARITY_SEEDS: '4,5',
      PARITY_STANDARDIZE_CONDITION: '0',
    });
    expect(b).toEqual({
      ...DEFAULT_BUDGET,
      trainSets: 2048,
      posteriorDraws: 500,
      lr: 1e-3,
      seeds: [4, 5],
      standardizeCondition: false,
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => budgetFromEnv({ PARITY_EPOCHS: '2.5' })).toThrow(/PARITY_EPOCHS=2.5/);
    expect(() => budgetFromEnv({ PARITY_SEEDS: '1,x' })).toThrow(/PARITY_SEEDS/);
  });
});
