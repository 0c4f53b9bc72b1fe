/**
 * WGSL programs of `LayerNorm`, `LayerNormGrad`, `LayerNormParamGrad` and `ColumnSum` (see ../names.ts).
 *
 * The row kernels give a workgroup of LN_WORKGROUP invocations one row at a time: each sums a strided
 * share of the row, a tree in workgroup memory (2 · LN_WORKGROUP floats, far under the 16 KiB default)
 * adds the shares, and the row is then read again from the cache rather than held in registers, so any
 * row length works (the rows here are 64–512 wide). At most LN_MAX_WORKGROUPS workgroups run, each
 * taking every LN_MAX_WORKGROUPS-th row, so the dispatch never exceeds maxComputeWorkgroupsPerDimension
 * (65,535; batch 128 × N 1000 has 128,000 rows) and tfjs never folds it; a workgroup whose last turn
 * has no row still joins the barriers (WGSL wants them in uniform control flow) but touches no memory.
 */
import { LAYER_NORM_BLOCK_ROWS } from '../names.ts';
import type { DmcWebGPUProgram } from './dropout-webgpu.ts';

export const LN_WORKGROUP = LAYER_NORM_BLOCK_ROWS;
/** Enough workgroups to fill any GPU (262,144 invocations). */
export const LN_MAX_WORKGROUPS = 4096;

/** Sum of `v` over the workgroup, in every invocation; `tid` is local_invocation_id.x. */
const WORKGROUP_SUM_WGSL = /* wgsl */ `
var<workgroup> dmcPartial : array<vec2<f32>, ${LN_WORKGROUP}>;
fn dmcWorkgroupSum(v : vec2<f32>, tid : u32) -> vec2<f32> {
  dmcPartial[tid] = v;
  workgroupBarrier();
  for (var s = ${LN_WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (tid < s) {
      dmcPartial[tid] = dmcPartial[tid] + dmcPartial[tid + s];
    }
    workgroupBarrier();
  }
  let total = dmcPartial[0];
  workgroupBarrier();
  return total;
}
`;

/**
 * Opens the loop over this workgroup's rows (wg, wg + workgroups, …; the count is a uniform, so the
 * barriers inside stay in uniform control flow) and finds the row's loop bound (0 past the last row)
 * and its μ and 1/sqrt(σ² + ε). The program closes the loop.
 */
const ROW_STATS_WGSL = /* wgsl */ `
  let tid = i32(localId.x);
  let wg = index / ${LN_WORKGROUP};
  for (var k = 0; k < uniforms.rowsPerWorkgroup; k++) {
  let row = wg + k * uniforms.workgroups;
  let n = select(0, uniforms.d, row < uniforms.rows);
  let base = row * uniforms.d;
  let fd = f32(uniforms.d);
  var s = 0.0;
  for (var j = tid; j < n; j += ${LN_WORKGROUP}) {
    s += x[base + j];
  }
  let mean = dmcWorkgroupSum(vec2<f32>(s, 0.0), u32(tid)).x / fd;
  var q = 0.0;
  for (var j = tid; j < n; j += ${LN_WORKGROUP}) {
    let c = x[base + j] - mean;
    q += c * c;
  }
  let rstd = inverseSqrt(dmcWorkgroupSum(vec2<f32>(q, 0.0), u32(tid)).x / fd + uniforms.epsilon);
`;

/** Shared by all three LayerNorm programs (the parameter gradient ignores the last two). */
export const LN_UNIFORMS = 'rows : i32, d : i32, epsilon : f32, workgroups : i32, rowsPerWorkgroup : i32,';

abstract class RowProgram implements DmcWebGPUProgram {
  outputShape: number[];
  abstract shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  abstract variableNames: string[];
  uniforms = LN_UNIFORMS;
  workgroupSize: [number, number, number] = [LN_WORKGROUP, 1, 1];

  constructor(shape: readonly number[], workgroups: number) {
    this.outputShape = [...shape];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [workgroups, 1, 1];
  }

  abstract getUserCode(): string;
}

export class LayerNormProgram extends RowProgram {
  shaderKey = 'dmc_layer_norm';
  variableNames = ['x', 'gamma', 'beta'];

  getUserCode(): string {
    return `
${WORKGROUP_SUM_WGSL}
fn main(index : i32) {
${ROW_STATS_WGSL}
  for (var j = tid; j < n; j += ${LN_WORKGROUP}) {
    setOutputAtIndex(base + j, (x[base + j] - mean) * rstd * gamma[j] + beta[j]);
  }
  }
}
`;
  }
}

export class LayerNormGradProgram extends RowProgram {
  shaderKey = 'dmc_layer_norm_grad';
  variableNames = ['dy', 'x', 'gamma'];

  getUserCode(): string {
    return `
${WORKGROUP_SUM_WGSL}
fn main(index : i32) {
${ROW_STATS_WGSL}
  var acc = vec2<f32>(0.0, 0.0);
  for (var j = tid; j < n; j += ${LN_WORKGROUP}) {
    let g = dy[base + j] * gamma[j];
    acc += vec2<f32>(g, g * (x[base + j] - mean) * rstd);
  }
  let m = dmcWorkgroupSum(acc, u32(tid)) / fd;
  for (var j = tid; j < n; j += ${LN_WORKGROUP}) {
    let xhat = (x[base + j] - mean) * rstd;
    setOutputAtIndex(base + j, rstd * (dy[base + j] * gamma[j] - m.x - xhat * m.y));
  }
  }
}
`;
  }
}

/**
 * One workgroup per block of LN_WORKGROUP rows: invocation t first finds the statistics of the block's
 * row t alone (a serial pass over the row, no barriers), then every invocation sums its columns over
 * the block's rows.
 */
export class LayerNormParamGradProgram implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey = 'dmc_layer_norm_param_grad';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['dy', 'x'];
  uniforms = LN_UNIFORMS;
  workgroupSize: [number, number, number] = [LN_WORKGROUP, 1, 1];

  constructor(blocks: number, d: number) {
    this.outputShape = [blocks, 2 * d];
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [blocks, 1, 1];
  }

  getUserCode(): string {
    return `
var<workgroup> dmcStats : array<vec2<f32>, ${LN_WORKGROUP}>;
fn main(index : i32) {
  let tid = i32(localId.x);
  let block = index / ${LN_WORKGROUP};
  let d = uniforms.d;
  let fd = f32(d);
  let first = block * ${LN_WORKGROUP};
  let own = first + tid;
  if (own < uniforms.rows) {
    let base = own * d;
    var s = 0.0;
    for (var j = 0; j < d; j++) {
      s += x[base + j];
    }
    let mean = s / fd;
    var q = 0.0;
    for (var j = 0; j < d; j++) {
      let c = x[base + j] - mean;
      q += c * c;
    }
    dmcStats[tid] = vec2<f32>(mean, inverseSqrt(q / fd + uniforms.epsilon));
  }
  workgroupBarrier();
  let last = min(uniforms.rows, first + ${LN_WORKGROUP});
  let nd = select(0, d, first < uniforms.rows);
  for (var j = tid; j < nd; j += ${LN_WORKGROUP}) {
    var acc = vec2<f32>(0.0, 0.0);
    for (var r = first; r < last; r++) {
      let st = dmcStats[r - first];
      let g = dy[r * d + j];
      acc += vec2<f32>(g * (x[r * d + j] - st.x) * st.y, g);
    }
    setOutputAtIndex(block * 2 * d + j, acc.x);
    setOutputAtIndex(block * 2 * d + d + j, acc.y);
  }
}
`;
  }
}

export const COLUMN_SUM_WORKGROUP = 64;

/** One invocation per output element: a serial sum down its column within its block of rows. */
export class ColumnSumProgram implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey = 'dmc_column_sum';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['x'];
  uniforms = 'rows : i32, w : i32, offset : i32, width : i32, rowsPerBlock : i32, total : i32,';
  workgroupSize: [number, number, number] = [COLUMN_SUM_WORKGROUP, 1, 1];

  constructor(blocks: number, width: number) {
    this.outputShape = [blocks, width];
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [Math.ceil((blocks * width) / COLUMN_SUM_WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `
fn main(index : i32) {
  if (index >= uniforms.total) {
    return;
  }
  let k = index / uniforms.width;
  let c = index - k * uniforms.width;
  let first = k * uniforms.rowsPerBlock;
  let last = min(uniforms.rows, first + uniforms.rowsPerBlock);
  var s = 0.0;
  for (var r = first; r < last; r++) {
    s += x[r * uniforms.w + uniforms.offset + c];
  }
  setOutputAtIndex(index, s);
}
`;
  }
}
