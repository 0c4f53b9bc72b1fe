/**
 * WGSL programs of `MultiAdam` (see ../names.ts): two dispatches for any number of variables.
 *
 * ClipScaleProgram — one workgroup per variable reduces ‖g_k‖² over the variable's segment of the flat
 * gradient and writes Keras' factor c / max(‖g_k‖, c). A workgroup per variable rather than per chunk:
 * the factor needs the whole variable's sum, and one dispatch cannot wait for another's partial sums.
 * The largest variable of these networks (~65 k values) is ~256 loads per invocation.
 *
 * MultiAdamProgram — one invocation per parameter: finds its variable by binary search in the segment
 * table (n ≈ 100: 7 probes, cached) and applies clip + Adam in the order of the tfjs ops of
 * src/nn/training/adam.ts, so the per-element arithmetic is the same float32 sequence. WGSL does not
 * promise NaN semantics (`isnan` may be folded away), so the guard tests the loss's exponent bits.
 */
import type { DmcWebGPUProgram } from './dropout-webgpu.ts';

export const CLIP_WORKGROUP = 256;
export const ADAM_WORKGROUP = 256;

export class ClipScaleProgram implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey = 'dmc_clip_scale';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['grad', 'segments'];
  uniforms = 'clipNorm : f32, numVars : i32,';
  workgroupSize: [number, number, number] = [CLIP_WORKGROUP, 1, 1];

  constructor(numVars: number) {
    this.outputShape = [numVars];
    this.dispatch = [numVars, 1, 1];
  }

  getUserCode(): string {
    // The barriers stay in uniform control flow: no early return before the reduction.
    return `
var<workgroup> dmcPartial : array<f32, ${CLIP_WORKGROUP}>;

fn main(index : i32) {
  let k = index / ${CLIP_WORKGROUP};
  let lane = index - k * ${CLIP_WORKGROUP};
  var s = 0.0;
  if (k < uniforms.numVars) {
    let end = segments[k + 1];
    for (var i = segments[k] + lane; i < end; i = i + ${CLIP_WORKGROUP}) {
      let x = grad[i];
      s = s + x * x;
    }
  }
  dmcPartial[lane] = s;
  workgroupBarrier();
  for (var stride = ${CLIP_WORKGROUP / 2}; stride > 0; stride = stride >> 1u) {
    if (lane < stride) {
      dmcPartial[lane] = dmcPartial[lane] + dmcPartial[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0 && k < uniforms.numVars) {
    var scale = 1.0;
    if (uniforms.clipNorm > 0.0) {
      scale = uniforms.clipNorm / max(sqrt(dmcPartial[0]), uniforms.clipNorm);
    }
    setOutputAtIndex(k, scale);
  }
}
`;
  }
}

export class MultiAdamProgram implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey = 'dmc_multi_adam';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['theta', 'adamState', 'grad', 'clipScale', 'segments', 'lossValue'];
  uniforms = 'alpha : f32, oneMinusBeta1 : f32, oneMinusBeta2 : f32, epsilon : f32, numParams : i32, numVars : i32,';
  workgroupSize: [number, number, number] = [ADAM_WORKGROUP, 1, 1];

  constructor(numParams: number) {
    this.outputShape = [3 * numParams + 1];
    this.dispatch = [Math.ceil(numParams / ADAM_WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `
fn dmcNonFinite(x : f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}

fn dmcVariableOf(i : i32) -> i32 {
  var lo = 0;
  var hi = uniforms.numVars - 1;
  while (lo < hi) {
    let mid = (lo + hi + 1) / 2;
    if (segments[mid] <= i) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

fn main(index : i32) {
  let P = uniforms.numParams;
  let halted = adamState[3 * P] != 0.0 || dmcNonFinite(lossValue[0]);
  if (index == 0) {
    setOutputAtIndex(3 * P, select(0.0, 1.0, halted));
  }
  if (index >= P) {
    return;
  }
  let x = theta[index];
  let m0 = adamState[P + index];
  let v0 = adamState[2 * P + index];
  if (halted) {
    setOutputAtIndex(index, x);
    setOutputAtIndex(P + index, m0);
    setOutputAtIndex(2 * P + index, v0);
    return;
  }
  let g = grad[index] * clipScale[dmcVariableOf(index)];
  let m = m0 + (g - m0) * uniforms.oneMinusBeta1;
  let v = v0 + (g * g - v0) * uniforms.oneMinusBeta2;
  setOutputAtIndex(index, x - (m * uniforms.alpha) / (sqrt(v) + uniforms.epsilon));
  setOutputAtIndex(P + index, m);
  setOutputAtIndex(2 * P + index, v);
}
`;
  }
}
