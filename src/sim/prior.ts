/**
 * Prior of docs/design/simulator.md#prior: independent normals truncated to [0, ∞), mapped by position
 * (p[0]=A, p[1]=tau, p[2]=mu_c, p[3]=mu_r, p[4]=b, and sd_r = p[5] only when sdrFixed is null; otherwise
 * sd_r = 0 whatever the value of sdrFixed).
 */
import { float53, normal } from '../shared/index.ts';
import type { DmcConfig, DmcParams } from './types.ts';

/**
 * One draw of N(mean, sd²) conditioned on ≥ 0. Two exact samplers, chosen by the standardized truncation
 * point α = −mean/sd: for α < 0.5 plain rejection from the normal (acceptance 1 − Φ(α) > 0.3; every prior of
 * prior table has α ≤ −2.26, acceptance ≥ 98.8 %); for α ≥ 0.5 (a user prior centred at or below 0) the exponential
 * rejection sampler of Robert (1995, "Simulation of truncated normal variables", Stat. Comput. 5) with the
 * optimal rate λ = (α + √(α² + 4)) / 2, whose acceptance stays above 0.7 for every α ≥ 0, where normal
 * rejection would loop almost forever.
 */
export function truncatedNormalAtZero(st: Int32Array, mean: number, sd: number): number {
  if (sd === 0) return mean;
  const alpha = -mean / sd;
  if (alpha < 0.5) {
    for (;;) {
      const z = normal(st);
      if (z >= alpha) return mean + sd * z;
    }
  }
  const lambda = (alpha + Math.sqrt(alpha * alpha + 4)) / 2;
  for (;;) {
    const z = alpha - Math.log(1 - float53(st)) / lambda;
    const d = z - lambda;
    if (float53(st) <= Math.exp(-0.5 * d * d)) return mean + sd * z;
  }
}

/**
 * Draws one parameter vector from the (validated) configuration's prior, consuming the stream in
 * positional order. `out` receives the inference-order columns (A, tau, mu_c, mu_r, b[, sd_r]).
 */
export function drawPrior(config: DmcConfig, st: Int32Array, out?: Float64Array, offset = 0): DmcParams {
  const m = config.priorMeans;
  const s = config.priorSds;
  const A = truncatedNormalAtZero(st, m[0]!, s[0]!);
  const tau = truncatedNormalAtZero(st, m[1]!, s[1]!);
  const mu_c = truncatedNormalAtZero(st, m[2]!, s[2]!);
  const mu_r = truncatedNormalAtZero(st, m[3]!, s[3]!);
  const b = truncatedNormalAtZero(st, m[4]!, s[4]!);
  const estimated = config.sdrFixed === null;
  // positional: the last (6th) entry is sd_r; with sdrFixed set it is not drawn at all (docs/design/simulator.md#prior)
  const sd_r = estimated ? truncatedNormalAtZero(st, m[5]!, s[5]!) : 0;
  if (out !== undefined) {
    out[offset] = A;
    out[offset + 1] = tau;
    out[offset + 2] = mu_c;
    out[offset + 3] = mu_r;
    out[offset + 4] = b;
    if (estimated) out[offset + 5] = sd_r;
  }
  return { A, tau, mu_c, mu_r, b, sd_r };
}
