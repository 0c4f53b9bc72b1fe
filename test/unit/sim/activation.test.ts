/** Known answers for the expected DMC processes drawn by Simulate's explorer (docs/dmc-model.md §7). */
import { describe, expect, it } from 'vitest';
import { activationCurves, expectedAutomatic, fillAutomaticDrift } from '../../../src/sim/index.ts';

describe('expected activation', () => {
  it('the automatic pulse peaks at A when t = (a − 1)·tau', () => {
    for (const [A, tau, a] of [
      [20, 30, 2],
      [70.8, 114.71, 2],
      [40, 50, 3.5],
    ] as const) {
      const peakT = (a - 1) * tau;
      expect(expectedAutomatic(peakT, A, tau, a)).toBeCloseTo(A, 10);
      expect(expectedAutomatic(peakT * 0.9, A, tau, a)).toBeLessThan(A);
      expect(expectedAutomatic(peakT * 1.1, A, tau, a)).toBeLessThan(A);
    }
    expect(expectedAutomatic(0, 20, 30)).toBe(0);
  });

  it('its derivative is the drift the simulator integrates', () => {
    const drift = new Float64Array(400);
    for (const a of [2, 3]) {
      fillAutomaticDrift(drift, 25, 60, a);
      for (const t of [5, 37, 60, 150, 399]) {
        const h = 1e-4;
        const numeric = (expectedAutomatic(t + h, 25, 60, a) - expectedAutomatic(t - h, 25, 60, a)) / (2 * h);
        expect(numeric).toBeCloseTo(drift[t - 1]!, 6);
      }
    }
  });

  it('superimposes controlled ± automatic', () => {
    const c = activationCurves({ A: 20, tau: 30, mu_c: 0.5 }, 1000, 5);
    expect(c.t.at(-1)).toBe(1000);
    for (let i = 0; i < c.t.length; i++) {
      expect(c.controlled[i]).toBeCloseTo(0.5 * c.t[i]!, 12);
      expect(c.congruent[i]! - c.incongruent[i]!).toBeCloseTo(2 * c.automatic[i]!, 12);
      expect(c.congruent[i]! + c.incongruent[i]!).toBeCloseTo(2 * c.controlled[i]!, 12);
    }
    expect(() => activationCurves({ A: 1, tau: 1, mu_c: 1 }, 0)).toThrow(/positive/);
  });
});
