/**
 * WGSL program of `MatMulF16` (see ../names.ts): a tiled product, one workgroup per 64 × 64 block of C
 * (and batch entry), 16 × 16 invocations with 4 × 4 elements each (so each value read from a tile
 * serves four products), K walked in tiles of 16 held in workgroup memory. Operands are converted to
 * binary16 as they enter the tiles; every element is accumulated in float32 in k order, as the
 * reference does.
 *
 * Two variants from one generator:
 * - `native` (devices with 'shader-f16'): `enable f16;`, tiles of f16.
 * - `packed` (core WGSL): tiles of u32, each holding the halves of two consecutive k through
 *   pack2x16float, read back with unpack2x16float. Same values, since a half times a half is exact in f32.
 *
 * tfjs puts its own declarations before the program's code, and WGSL wants `enable` before every
 * declaration: the device made by ./device.ts moves the directive to the top (`hoistEnableDirectives`).
 */
import type { DmcWebGPUProgram } from './dropout-webgpu.ts';

export type MatMulF16Variant = 'native' | 'packed';

/** Edge of C's block per workgroup (16 × 16 invocations, 4 × 4 elements each), K per tile, invocations. */
export const MATMUL_F16_TILE = 64;
export const MATMUL_F16_TILE_K = 16;
const MATMUL_F16_THREADS = 256;

export interface MatMulF16Layout {
  transposeA: boolean;
  transposeB: boolean;
  variant: MatMulF16Variant;
}

/** Reads of logical A (row, col of M × K) and B (K × N) from the stored buffers, per transpose flag. */
function loaders(l: MatMulF16Layout): string {
  const aIndex = l.transposeA ? 'col * uniforms.dimM + row' : 'row * uniforms.dimK + col';
  const bIndex = l.transposeB ? 'col * uniforms.dimK + row' : 'row * uniforms.dimN + col';
  return `
fn dmcReadA(g : i32, row : i32, col : i32) -> f32 {
  if (row >= uniforms.dimM || col >= uniforms.dimK) {
    return 0.0;
  }
  return a[g * uniforms.dimM * uniforms.dimK + ${aIndex}];
}

fn dmcReadB(g : i32, row : i32, col : i32) -> f32 {
  if (row >= uniforms.dimK || col >= uniforms.dimN) {
    return 0.0;
  }
  return b[g * uniforms.dimK * uniforms.dimN + ${bIndex}];
}
`;
}

/** Workgroup tiles, their fill (all 256 invocations) and one k step of the 4 × 4 accumulators, per variant. */
function tiles(variant: MatMulF16Variant): { decl: string; fill: string; inner: string } {
  const [T, K, R] = [MATMUL_F16_TILE, MATMUL_F16_TILE_K, MATMUL_F16_THREADS];
  if (variant === 'native') {
    return {
      decl: `var<workgroup> tileA : array<array<f16, ${K}>, ${T}>;
var<workgroup> tileB : array<array<f16, ${T}>, ${K}>;`,
      fill: `for (var e = 0; e < ${(T * K) / R}; e++) {
      let idx = li + e * ${R};
      tileA[idx / ${K}][idx % ${K}] = f16(dmcReadA(g, rowBase + idx / ${K}, k0 + idx % ${K}));
      tileB[idx / ${T}][idx % ${T}] = f16(dmcReadB(g, k0 + idx / ${T}, colBase + idx % ${T}));
    }`,
      inner: `    for (var p = 0; p < ${K}; p++) {
      let bv = vec4<f32>(f32(tileB[p][lx]), f32(tileB[p][lx + 16]), f32(tileB[p][lx + 32]), f32(tileB[p][lx + 48]));
      for (var i = 0; i < 4; i++) {
        acc[i] = acc[i] + f32(tileA[ly + 16 * i][p]) * bv;
      }
    }`,
    };
  }
  const H = K / 2;
  return {
    decl: `var<workgroup> tileA : array<array<u32, ${H}>, ${T}>;
var<workgroup> tileB : array<array<u32, ${T}>, ${H}>;`,
    // Each word holds the halves of k = 2c and 2c + 1 (A: of row r; B: of column c).
    fill: `for (var e = 0; e < ${(T * H) / R}; e++) {
      let idx = li + e * ${R};
      let ar = idx / ${H};
      let ac = 2 * (idx % ${H});
      tileA[ar][idx % ${H}] = pack2x16float(vec2<f32>(dmcReadA(g, rowBase + ar, k0 + ac), dmcReadA(g, rowBase + ar, k0 + ac + 1)));
      let br = idx / ${T};
      let bc = idx % ${T};
      tileB[br][bc] = pack2x16float(vec2<f32>(dmcReadB(g, k0 + 2 * br, colBase + bc), dmcReadB(g, k0 + 2 * br + 1, colBase + bc)));
    }`,
    inner: `    for (var p = 0; p < ${H}; p++) {
      let b0 = unpack2x16float(tileB[p][lx]);
      let b1 = unpack2x16float(tileB[p][lx + 16]);
      let b2 = unpack2x16float(tileB[p][lx + 32]);
      let b3 = unpack2x16float(tileB[p][lx + 48]);
      let bx = vec4<f32>(b0.x, b1.x, b2.x, b3.x);
      let by = vec4<f32>(b0.y, b1.y, b2.y, b3.y);
      for (var i = 0; i < 4; i++) {
        let av = unpack2x16float(tileA[ly + 16 * i][p]);
        acc[i] = acc[i] + av.x * bx;
        acc[i] = acc[i] + av.y * by;
      }
    }`,
  };
}

/** The program's WGSL (tfjs adds the bindings, uniforms and helpers around it). */
export function matMulF16Wgsl(l: MatMulF16Layout): string {
  const [T, K] = [MATMUL_F16_TILE, MATMUL_F16_TILE_K];
  const t = tiles(l.variant);
  return `${l.variant === 'native' ? 'enable f16;\n' : ''}${t.decl}
${loaders(l)}
fn main() {
  let lx = i32(localId.x);
  let ly = i32(localId.y);
  let li = i32(localIndex);
  let g = i32(workgroupId.z);
  let rowBase = i32(workgroupId.y) * ${T};
  let colBase = i32(workgroupId.x) * ${T};
  // acc[i][j]: C at row rowBase + ly + 16·i, column colBase + lx + 16·j.
  var acc : array<vec4<f32>, 4>;
  for (var k0 = 0; k0 < uniforms.dimK; k0 += ${K}) {
    ${t.fill}
    workgroupBarrier();
${t.inner}
    workgroupBarrier();
  }
  for (var i = 0; i < 4; i++) {
    let row = rowBase + ly + 16 * i;
    for (var j = 0; j < 4; j++) {
      let col = colBase + lx + 16 * j;
      if (row < uniforms.dimM && col < uniforms.dimN) {
        setOutputAtIndex((g * uniforms.dimM + row) * uniforms.dimN + col, acc[i][j]);
      }
    }
  }
}
`;
}

/** tfjs's dispatch layout for a program that indexes by workgroup itself (x: columns, y: rows, z: batch). */
export interface GridLayout {
  x: number[];
  y: number[];
  z?: number[];
}

export class MatMulF16Program implements DmcWebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: GridLayout;
  dispatch: [number, number, number];
  variableNames = ['a', 'b'];
  uniforms = 'dimM : i32, dimN : i32, dimK : i32,';
  workgroupSize: [number, number, number] = [16, 16, 1];

  constructor(
    outShape: readonly number[],
    dims: { batch: number; m: number; n: number },
    private readonly layout: MatMulF16Layout,
  ) {
    this.outputShape = [...outShape];
    this.dispatchLayout = outShape.length === 3 ? { x: [2], y: [1], z: [0] } : { x: [1], y: [0] };
    this.dispatch = [Math.ceil(dims.n / MATMUL_F16_TILE), Math.ceil(dims.m / MATMUL_F16_TILE), dims.batch];
    this.shaderKey = `dmc_matmul_f16_${layout.variant}_${layout.transposeA ? 't' : 'n'}${layout.transposeB ? 't' : 'n'}`;
  }

  getUserCode(): string {
    return matMulF16Wgsl(this.layout);
  }
}
