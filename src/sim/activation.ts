/**
 * The expected time courses of the DMC's processes (Ulrich et al., 2015, Fig. 1; docs/dmc-model.md §7),
 * for drawing, not simulating: the automatic activation E[X_a(t)] = A·exp(−t/tau)·[e·t/((a−1)·tau)]^(a−1)
 * (a gamma-shaped pulse that peaks at A when t = (a−1)·tau), the controlled activation E[X_c(t)] = mu_c·t,
 * and their superimposition — E[X_c] + E[X_a] on congruent trials, E[X_c] − E[X_a] on incongruent ones.
 * Its derivative is the automatic drift the simulator integrates (kernel.ts `fillAutomaticDrift`).
 */
export interface ActivationCurves {
  /** Time in ms, from 0 to tmax in `stepMs` steps. */
  t: number[];
  automatic: number[];
  controlled: number[];
  congruent: number[];
  incongruent: number[];
}

/** E[X_a(t)] for shape a (> 1); 0 at t = 0. */
export function expectedAutomatic(t: number, A: number, tau: number, a = 2): number {
  if (t <= 0) return 0;
  const am1 = a - 1;
  // log form: a large shape cannot overflow the power before the exponential damps it
  return A * Math.exp(am1 * Math.log((Math.E * t) / (am1 * tau)) - t / tau);
}

export function activationCurves(
  p: { A: number; tau: number; mu_c: number },
  tmax: number,
  stepMs = 2,
  a = 2,
): ActivationCurves {
  if (!(tmax > 0) || !(stepMs > 0))
    throw new RangeError(`activationCurves: tmax and stepMs must be positive (got ${tmax}, ${stepMs})`);
  const out: ActivationCurves = { t: [], automatic: [], controlled: [], congruent: [], incongruent: [] };
  for (let t = 0; t <= tmax; t += stepMs) {
    const xa = expectedAutomatic(t, p.A, p.tau, a);
    const xc = p.mu_c * t;
    out.t.push(t);
    out.automatic.push(xa);
    out.controlled.push(xc);
    out.congruent.push(xc + xa);
    out.incongruent.push(xc - xa);
  }
  return out;
}
