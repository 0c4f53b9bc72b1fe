/**
 * WGSL programs of `BiasAct` and `BiasActGrad` (see ../names.ts): one invocation per 8 consecutive
 * elements of a dropout row, as the Dropout program, so one Philox call gives the 8 elements' masks
 * (and with rate 0 the same layout without Philox). The activation and whether dropout is on are
 * compiled in (part of the shader key); everything else is a uniform.
 */
import type { BiasActivation } from '../names.ts';
import { DROPOUT_BLOCK_WGSL, DROPOUT_GROUP_WGSL, DROPOUT_KEEP_WGSL, type DmcWebGPUProgram } from './dropout-webgpu.ts';

export const BIAS_ACT_WORKGROUP = 64;

/** erf by Abramowitz & Stegun 7.1.26, the form tfjs's Erf kernels evaluate. */
const ERF_WGSL = /* wgsl */ `
fn dmcErf(z : f32) -> f32 {
  let a = abs(z);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign(z) * (1.0 - poly * exp(-a * a));
}
`;

/** act(z) and act′(z), in the composite's operation order (../../ops/activations.ts). */
const ACTIVATION_WGSL: Record<BiasActivation, string> = {
  identity: /* wgsl */ `
fn dmcAct(z : f32) -> f32 { return z; }
fn dmcActGrad(z : f32) -> f32 { return 1.0; }
`,
  gelu: /* wgsl */ `${ERF_WGSL}
fn dmcAct(z : f32) -> f32 { return (z * 0.5) * (dmcErf(z * 0.7071067811865476) + 1.0); }
fn dmcActGrad(z : f32) -> f32 {
  return 0.5 * (1.0 + dmcErf(z * 0.7071067811865476)) + z * exp(-0.5 * z * z) * 0.3989422804014327;
}
`,
  // Above the cap tfjs's Minimum passes no gradient to the exponent; n/(n + 2) is 1 there anyway.
  mish: /* wgsl */ `
fn dmcAct(z : f32) -> f32 {
  let e = exp(min(z, 20.0));
  let n = e * (e + 2.0);
  return z * (n / (n + 2.0));
}
fn dmcActGrad(z : f32) -> f32 {
  let e = exp(min(z, 20.0));
  let n = e * (e + 2.0);
  let t = n / (n + 2.0);
  if (z > 20.0) {
    return t;
  }
  return t + z * ((4.0 * e * (e + 1.0) / (n + 2.0)) / (n + 2.0));
}
`,
};

class BiasActBase implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms =
    'threshold : u32, scale : f32, key0 : u32, key1 : u32, site : u32, rowOffset : u32, rowSize : i32, groups : i32, cols : i32,';
  workgroupSize: [number, number, number] = [BIAS_ACT_WORKGROUP, 1, 1];

  constructor(
    shape: readonly number[],
    groups: number,
    private readonly activation: BiasActivation,
    private readonly dropout: boolean,
    private readonly grad: boolean,
  ) {
    this.outputShape = [...shape];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [Math.ceil(groups / BIAS_ACT_WORKGROUP), 1, 1];
    this.variableNames = grad ? ['dy', 'x', 'bias'] : ['x', 'bias'];
    this.shaderKey = `dmc_bias_act_${activation}_${dropout ? 'dropout' : 'plain'}${grad ? '_grad' : ''}`;
  }

  getUserCode(): string {
    const mask = this.dropout ? 'let m = select(0.0, uniforms.scale, dmcDropoutKeep(w, u32(k)));' : 'let m = 1.0;';
    const value = this.grad ? 'select(0.0, dy[i] * dmcActGrad(z) * m, m != 0.0)' : 'dmcAct(z)';
    return `
${this.dropout ? DROPOUT_KEEP_WGSL : ''}
${ACTIVATION_WGSL[this.activation]}
fn main(index : i32) {
${DROPOUT_GROUP_WGSL}
  ${this.dropout ? DROPOUT_BLOCK_WGSL : ''}
  let base = r * uniforms.rowSize;
  for (var k = 0; k < 8; k++) {
    let j = q * 8 + k;
    if (j < uniforms.rowSize) {
      let i = base + j;
      ${mask}
      // Dropped elements are exactly 0, as the Dropout kernel writes them.
      let z = select(0.0, (x[i] + bias[i % uniforms.cols]) * m, m != 0.0);
      setOutputAtIndex(i, ${value});
    }
  }
}
`;
  }
}

export class BiasActProgram extends BiasActBase {
  constructor(shape: readonly number[], groups: number, activation: BiasActivation, dropout: boolean) {
    super(shape, groups, activation, dropout, false);
  }
}

export class BiasActGradProgram extends BiasActBase {
  constructor(shape: readonly number[], groups: number, activation: BiasActivation, dropout: boolean) {
    super(shape, groups, activation, dropout, true);
  }
}
