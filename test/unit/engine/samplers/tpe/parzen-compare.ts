/**
 * Comparing the engine's Parzen estimators with the mixtures Optuna's test/interop scripts print
 * (weights, per numeric parameter the kernels' mus and sigmas, per categorical the kernel rows).
 */
import { expect } from 'vitest';
import type { ParzenEstimator } from '../../../../../src/engine/samplers/tpe/parzen-estimator.ts';

export interface PyMixture {
  weights: number[];
  params: Record<string, { mu: number[]; sigma: number[] } | { rows: number[][] }>;
}

export class ParzenComparison {
  /** Largest |ours − Optuna's| seen. */
  worst = 0;
  /** Kernels of tied observations compared as sets (see compareNumeric). */
  ties = 0;

  close(ours: ArrayLike<number>, theirs: readonly number[], what: string): void {
    expect(ours.length, what).toBe(theirs.length);
    for (let i = 0; i < theirs.length; i++) {
      const d = Math.abs((ours[i] as number) - (theirs[i] as number));
      this.worst = Math.max(this.worst, d);
      expect(d, `${what}[${i}]: ours ${ours[i]} vs Optuna ${theirs[i]}`).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(theirs[i] as number)),
      );
    }
  }

  /**
   * Equal observations get the sigmas of their run of the sorted order, and which gets which depends
   * on the sort (numpy's default argsort is not stable; the engine's order is): sigmas are compared per
   * kernel where a value is unique, and as the same set within a run of equal values.
   */
  compareNumeric(mus: Float64Array, sigmas: Float64Array, py: { mu: number[]; sigma: number[] }, what: string): void {
    this.close(mus, py.mu, `${what} mus`);
    const groups = new Map<number, number[]>();
    py.mu.forEach((m, i) => {
      const key = Number(m.toPrecision(12));
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
    for (const idx of groups.values()) {
      if (idx.length > 1) this.ties += idx.length;
      this.close(
        sorted(idx.map((i) => sigmas[i] as number)),
        sorted(idx.map((i) => py.sigma[i] as number)),
        `${what} sigmas of kernels ${idx.join(',')}`,
      );
    }
  }

  compareMixture(pe: ParzenEstimator, py: PyMixture, names: string[], what: string): void {
    this.close(pe.weights, py.weights, `${what} weights`);
    names.forEach((name, i) => {
      const p = py.params[name]!;
      if ('rows' in p) this.close(pe.categoricalRows(i), p.rows.flat(), `${what} ${name} rows`);
      else {
        const k = pe.numericKernels(i);
        this.compareNumeric(k.mus, k.sigmas, p, `${what} ${name}`);
      }
    });
  }
}
