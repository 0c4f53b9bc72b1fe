/**
 * WGSL program of `Dropout` (see ../names.ts): one invocation per 8 elements of a row, one Philox call
 * each, so the mask exists only in registers. WGSL has no 64-bit integers, so the high word of each
 * 32 × 32-bit product comes from 16-bit limbs exactly as in src/shared/philox.ts (tested equal bit for
 * bit). u32 arithmetic wraps in WGSL, which gives the low word directly.
 */
export const PHILOX_WGSL = /* wgsl */ `
fn dmcMulhi32(a : u32, b : u32) -> u32 {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let lo = a0 * b0;
  let mid1 = a1 * b0;
  let mid2 = a0 * b1;
  let carry = ((lo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  return a1 * b1 + (mid1 >> 16u) + (mid2 >> 16u) + carry;
}

fn dmcPhilox4x32(counter : vec4<u32>, key : vec2<u32>) -> vec4<u32> {
  var x = counter;
  var k = key;
  for (var r = 0; r < 10; r++) {
    let hi0 = dmcMulhi32(0xd2511f53u, x.x);
    let lo0 = 0xd2511f53u * x.x;
    let hi1 = dmcMulhi32(0xcd9e8d57u, x.z);
    let lo1 = 0xcd9e8d57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return x;
}
`;

/**
 * Philox and the one mask rule of `Dropout`, shared by every program that drops: element k of a block
 * of eight takes the 16 bits k ∈ {0..7} of the block's Philox output w (low half of word k / 2 first)
 * and is kept when they reach the program's `threshold` uniform.
 */
export const DROPOUT_KEEP_WGSL = /* wgsl */ `${PHILOX_WGSL}
fn dmcDropoutKeep(w : vec4<u32>, k : u32) -> bool {
  let word = w[(k >> 1u) & 3u];
  var u = word & 0xffffu;
  if ((k & 1u) == 1u) {
    u = word >> 16u;
  }
  return u >= uniforms.threshold;
}
`;

/**
 * Start of main(index) in the programs laid out as Dropout: invocation `index` takes elements q·8 ..
 * q·8 + 7 of row r (uniforms groups and rowSize), and returns past the last group.
 */
export const DROPOUT_GROUP_WGSL = /* wgsl */ `  if (index >= uniforms.groups) {
    return;
  }
  let groupsPerRow = (uniforms.rowSize + 7) / 8;
  let r = index / groupsPerRow;
  let q = index - r * groupsPerRow;`;

/** That group's Philox block w, which dmcDropoutKeep(w, k) reads for element q·8 + k. */
export const DROPOUT_BLOCK_WGSL = /* wgsl */ `var w = dmcPhilox4x32(vec4<u32>(u32(q), uniforms.rowOffset + u32(r), uniforms.site, 0u), vec2<u32>(uniforms.key0, uniforms.key1));`;

/** The part of tfjs's WebGPUProgram interface (tfjs-backend-webgpu 4.22, webgpu_program.ts) used here. */
export interface DmcWebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  /** Output axes per dispatch dimension (tfjs's flat layout: x alone; its grid layout: x, y and z). */
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms: string;
  workgroupSize: [number, number, number];
  getUserCode(): string;
}

export const DROPOUT_WORKGROUP = 64;

export class DropoutProgram implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey = 'dmc_dropout';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['x'];
  uniforms =
    'threshold : u32, scale : f32, key0 : u32, key1 : u32, site : u32, rowOffset : u32, rowSize : i32, groups : i32,';
  workgroupSize: [number, number, number] = [DROPOUT_WORKGROUP, 1, 1];

  constructor(shape: readonly number[], groups: number) {
    this.outputShape = [...shape];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    // tfjs folds a dispatch larger than maxComputeWorkgroupsPerDimension into 2-D, and its
    // getGlobalIndex() undoes that: `index` below is always the flat invocation number.
    this.dispatch = [Math.ceil(groups / DROPOUT_WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `
${DROPOUT_KEEP_WGSL}
fn main(index : i32) {
${DROPOUT_GROUP_WGSL}
  ${DROPOUT_BLOCK_WGSL}
  let base = r * uniforms.rowSize;
  for (var k = 0; k < 8; k++) {
    let j = q * 8 + k;
    if (j < uniforms.rowSize) {
      var v = 0.0;
      if (dmcDropoutKeep(w, u32(k))) {
        v = x[base + j] * uniforms.scale;
      }
      setOutputAtIndex(base + j, v);
    }
  }
}
`;
  }
}
