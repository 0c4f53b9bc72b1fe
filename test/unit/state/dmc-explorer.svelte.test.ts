/**
 * The live explorer reproduces the DMC's signature shapes (Ulrich et al., 2015): a short tau (Simon-like)
 * gives a negative-going delta function and fast errors on incongruent trials; a long tau (flanker-like) a
 * positive-going delta function. Sliders are clamped to their ranges, and the view follows the parameters.
 */
import { describe, expect, it } from 'vitest';
import { DmcExplorer, EXPLORER_SLIDERS, explorerView } from '../../../src/state/dmc-explorer.svelte.ts';

const DMCFUN = { A: 20, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 };

describe('DMC explorer', () => {
  it('tau = 30: negative-going delta function and fast incongruent errors', () => {
    const v = explorerView({ ...DMCFUN, tau: 30 });
    expect(v.stats.delta[0]!).toBeGreaterThan(v.stats.delta[8]!);
    expect(v.stats.delta[8]!).toBeLessThan(10);
    expect(v.stats.caf.incongruent[0]!).toBeLessThan(v.stats.caf.congruent[0]! - 0.05);
    expect(v.stats.congruencyEffect).toBeGreaterThan(5);
    expect(v.activation.t.at(-1)).toBe(1000);
  });

  it('tau = 150: positive-going delta function', () => {
    const v = explorerView({ ...DMCFUN, tau: 150 });
    expect(v.stats.delta[8]!).toBeGreaterThan(v.stats.delta[0]! + 20);
  });

  it('clamps slider values to their ranges and recomputes when a parameter moves', () => {
    const e = new DmcExplorer();
    const before = e.view.stats.meanRt;
    e.set('mu_r', 450);
    expect(e.params.mu_r).toBe(450);
    expect(e.view.stats.meanRt).toBeGreaterThan(before + 100);
    const b = EXPLORER_SLIDERS.find((s) => s.key === 'b')!;
    e.set('b', 1e9);
    expect(e.params.b).toBe(b.max);
    e.set('tau', -5);
    expect(e.params.tau).toBe(EXPLORER_SLIDERS.find((s) => s.key === 'tau')!.min);
    e.set('A', Number.NaN);
    expect(e.params.A).toBe(20);
  });
});
