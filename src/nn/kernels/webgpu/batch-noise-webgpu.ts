/**
 * WGSL program of `BatchNoise` (see ../names.ts): one invocation per output value, one Philox call each
 * (a Box–Muller pair's two words lie in one call), so the noise of a step never exists on the host.
 *
 * log, sin and cos are written out here instead of WGSL's built-ins, whose accuracy the WebGPU spec
 * leaves loose (sin/cos: absolute 2^-11 on [−π, π]; log: absolute 2^-21 near 1, which becomes a large
 * error of ρ = sqrt(−2 ln u1) for u1 near 1); SwiftShader's built-ins were 1.3e-4 off. The versions
 * below use only arithmetic, frexp and sqrt, so every conformant adapter lands within a few float32
 * ulps of the double-precision reference:
 * - log x = e·ln 2 + 2·atanh(s), s = (m − 1)/(m + 1), m ∈ [√½, √2) (|s| ≤ 0.172: five odd terms reach
 *   float32 precision);
 * - sin/cos by quadrant: r = θ − q·π/2 with π/2 split in two float32 parts (Cody & Waite), then the
 *   classic float32 minimax polynomials on [−π/4, π/4] (Moshier's Cephes sinf/cosf coefficients).
 */
import { PHILOX_WGSL, type DmcWebGPUProgram } from './dropout-webgpu.ts';

const MATH_WGSL = /* wgsl */ `
fn dmcLog(x : f32) -> f32 {
  let f = frexp(x);
  var m = f.fract;
  var e = f32(f.exp);
  if (m < 0.70710678) {
    m = 2.0 * m;
    e = e - 1.0;
  }
  let s = (m - 1.0) / (m + 1.0);
  let z = s * s;
  let series = s * (2.0 + z * (0.6666666667 + z * (0.4 + z * (0.2857142857 + z * 0.2222222222))));
  return e * 0.69314718056 + series;
}

fn dmcSinCos(theta : f32) -> vec2<f32> {
  let q = round(theta * 0.63661977236);
  let r = (theta - q * 1.5707963705062866) + q * 4.371139000186241e-8;
  let z = r * r;
  let s = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let c = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  let k = i32(q) & 3;
  if (k == 0) {
    return vec2<f32>(s, c);
  }
  if (k == 1) {
    return vec2<f32>(c, -s);
  }
  if (k == 2) {
    return vec2<f32>(-s, -c);
  }
  return vec2<f32>(-c, s);
}
`;

export const BATCH_NOISE_WORKGROUP = 64;

export class BatchNoiseProgram implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[] = [];
  uniforms = 'key0 : u32, key1 : u32, rowOffset : u32, dim : i32, size : i32,';
  workgroupSize: [number, number, number] = [BATCH_NOISE_WORKGROUP, 1, 1];

  constructor(
    shape: [number, number],
    private readonly part: 0 | 1,
  ) {
    this.outputShape = shape;
    this.shaderKey = `dmc_batch_noise_${part}`;
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [Math.max(1, Math.ceil((shape[0] * shape[1]) / BATCH_NOISE_WORKGROUP)), 1, 1];
  }

  getUserCode(): string {
    const body =
      this.part === 1
        ? `
  let m = 2 * ((uniforms.dim + 1) / 2);
  let w = dmcPhilox4x32(vec4<u32>(u32(m >> 2), uniforms.rowOffset + u32(index), 0u, 1u), vec2<u32>(uniforms.key0, uniforms.key1));
  setOutputAtIndex(index, f32(w[m & 3] >> 8u) / 16777216.0);`
        : `
  let r = index / uniforms.dim;
  let j = index - r * uniforms.dim;
  let m = j & ~1;
  let w = dmcPhilox4x32(vec4<u32>(u32(m >> 2), uniforms.rowOffset + u32(r), 0u, 1u), vec2<u32>(uniforms.key0, uniforms.key1));
  let u1 = f32((w[m & 3] >> 8u) + 1u) / 16777216.0;
  let theta = 6.283185307179586 * (f32(w[(m + 1) & 3] >> 8u) / 16777216.0 - 0.5);
  let rho = sqrt(-2.0 * dmcLog(u1));
  let sc = dmcSinCos(theta);
  var v = rho * sc.y;
  if ((j & 1) == 1) {
    v = rho * sc.x;
  }
  setOutputAtIndex(index, v);`;
    return `
${PHILOX_WGSL}
${MATH_WGSL}
fn main(index : i32) {
  if (index >= uniforms.size) {
    return;
  }${body}
}
`;
  }
}
