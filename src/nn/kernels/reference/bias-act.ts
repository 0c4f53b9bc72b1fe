/**
 * References of `BiasAct` and `BiasActGrad` (see ../names.ts): the activations and their derivatives
 * in float64 on float32 inputs, dropout masks from `dropoutValues` (the same bits as every backend).
 */
import type { BiasActAttrs, BiasActivation } from '../names.ts';
import { dropoutValues } from './dropout.ts';

/** Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), the approximation tfjs's Erf kernels use. */
export function erfApprox(z: number): number {
  const a = Math.abs(z);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return Math.sign(z) * (1 - poly * Math.exp(-a * a));
}

/** The exponent cap of mish (../../ops/activations.ts): above it n/(n + 2) is 1 in float32. */
export const MISH_EXP_CAP = 20;

export function activationValue(kind: BiasActivation, z: number): number {
  if (kind === 'gelu') return 0.5 * z * (1 + erfApprox(z * Math.SQRT1_2));
  if (kind === 'mish') {
    const e = Math.exp(Math.min(z, MISH_EXP_CAP));
    const n = e * (e + 2);
    return (z * n) / (n + 2);
  }
  return z;
}

/**
 * d act / dz of the composite as tfjs differentiates it: gelu through erf's exact derivative, mish
 * with no gradient through the capped exponent above the cap (tfjs's Minimum passes it at equality).
 */
export function activationDerivative(kind: BiasActivation, z: number): number {
  if (kind === 'gelu')
    return 0.5 * (1 + erfApprox(z * Math.SQRT1_2)) + (z * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
  if (kind === 'mish') {
    const e = Math.exp(Math.min(z, MISH_EXP_CAP));
    const n = e * (e + 2);
    const t = n / (n + 2);
    return z > MISH_EXP_CAP ? t : t + (z * 4 * e * (e + 1)) / ((n + 2) * (n + 2));
  }
  return 1;
}

/** Dropout mask values (0 or 1/(1 − rate); all 1 at rate 0) for x of `shape`. */
function maskValues(shape: readonly number[], a: BiasActAttrs): Float32Array {
  const size = shape.reduce((p, d) => p * d, 1);
  const m = new Float32Array(size).fill(1);
  const rows = shape[0] ?? 1;
  if (a.rate > 0 && rows > 0) dropoutValues(m, m, rows, size / rows, a);
  return m;
}

export function biasActReference(
  x: Float32Array,
  bias: Float32Array,
  shape: readonly number[],
  a: BiasActAttrs,
): Float32Array {
  const c = bias.length;
  const m = maskValues(shape, a);
  // (x + b)·m rounded as float32 products, the composite's add then dropout.
  return Float32Array.from(x, (v, i) =>
    activationValue(a.activation, Math.fround(Math.fround(v + bias[i % c]!) * m[i]!)),
  );
}

export function biasActGradReference(
  dy: Float32Array,
  x: Float32Array,
  bias: Float32Array,
  shape: readonly number[],
  a: BiasActAttrs,
): Float32Array {
  const c = bias.length;
  const m = maskValues(shape, a);
  return Float32Array.from(x, (v, i) => {
    const z = Math.fround(Math.fround(v + bias[i % c]!) * m[i]!);
    return m[i] === 0 ? 0 : dy[i]! * activationDerivative(a.activation, z) * m[i]!;
  });
}
