import { describe, expect, it } from 'vitest';
import { learningRateAt, scheduleShape } from '../../../../src/nn/training/schedule.ts';

describe('warmup + cosine schedule (docs/design/networks.md#training)', () => {
  // 10 epochs × 20 batches = 200 steps: warmup floor(0.05·200) = 10, decay 190.
  const shape = scheduleShape(10, 20);
  const lr0 = 5e-4;

  it('shape', () => {
    expect(shape).toEqual({ totalSteps: 200, warmupSteps: 10, decaySteps: 190 });
    expect(scheduleShape(3, 7).warmupSteps).toBe(1); // floor(1.05)
    expect(scheduleShape(1, 19).warmupSteps).toBe(0); // floor(0.95)
  });

  it('warmup starts at 0.1·lr0 and rises linearly to lr0', () => {
    expect(learningRateAt(0, lr0, shape)).toBeCloseTo(0.1 * lr0, 15);
    expect(learningRateAt(5, lr0, shape)).toBeCloseTo(0.1 * lr0 + 0.9 * lr0 * 0.5, 15);
    expect(learningRateAt(9, lr0, shape)).toBeCloseTo(0.1 * lr0 + 0.9 * lr0 * 0.9, 15);
    expect(learningRateAt(10, lr0, shape)).toBeCloseTo(lr0, 15); // peak
  });

  it('cosine decay: exact midpoint lr0/2 and 0 at the end', () => {
    expect(learningRateAt(10 + 95, lr0, shape)).toBeCloseTo(lr0 / 2, 15);
    expect(learningRateAt(10 + 190 / 4, lr0, shape)).toBeCloseTo(lr0 * 0.5 * (1 + Math.SQRT1_2), 15);
    expect(learningRateAt(200, lr0, shape)).toBe(0);
    expect(learningRateAt(250, lr0, shape)).toBe(0); // clamped (min(s − warmup, decay))
    const last = learningRateAt(199, lr0, shape);
    expect(last).toBeGreaterThan(0);
    expect(last).toBeCloseTo(lr0 * 0.5 * (1 + Math.cos((Math.PI * 189) / 190)), 15);
  });

  it('monotone: up during warmup, down after', () => {
    for (let s = 1; s <= 200; s++) {
      const prev = learningRateAt(s - 1, lr0, shape);
      const cur = learningRateAt(s, lr0, shape);
      if (s <= 10) expect(cur).toBeGreaterThan(prev);
      else expect(cur).toBeLessThan(prev);
    }
  });

  it('no warmup when 5 % of the steps is < 1: starts at lr0', () => {
    const s = scheduleShape(1, 10);
    expect(learningRateAt(0, lr0, s)).toBe(lr0);
    expect(learningRateAt(5, lr0, s)).toBeCloseTo(lr0 / 2, 15);
  });

  it('rejects bad shapes', () => {
    expect(() => scheduleShape(0, 5)).toThrow(/epochs/);
    expect(() => scheduleShape(2, 0)).toThrow(/numBatches/);
  });
});
