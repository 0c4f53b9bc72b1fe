/**
 * WGSL program of `MatMulF16` (see ../names.ts): a tiled product, one workgroup per 16 × 16 block of C
 * (and batch entry), one invocation per element of the block, K walked in tiles of 16 held in workgroup
 * memory. Operands are converted to binary16 as they enter the tiles; each invocation accumulates its
 * element in float32 in k order, as the reference does.
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

/** Edge of C's block per workgroup, and K per tile. */
export const MATMUL_F16_TILE = 16;

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

/** Workgroup tiles, their fill (all 256 invocations) and the inner loop, per variant. */
function tiles(variant: MatMulF16Variant): { decl: string; fill: string; inner: string } {
  const T = MATMUL_F16_TILE;
  if (variant === 'native') {
    return {
      decl: `var<workgroup> tileA : array<array<f16, ${T}>, ${T}>;
var<workgroup> tileB : array<array<f16, ${T}>, ${T}>;`,
      fill: `  tileA[ly][lx] = f16(dmcReadA(g, rowBase + ly, k0 + lx));
    tileB[ly][lx] = f16(dmcReadB(g, k0 + ly, colBase + lx));`,
      inner: `    for (var p = 0; p < ${T}; p++) {
      acc = acc + f32(tileA[ly][p]) * f32(tileB[p][lx]);
    }`,
    };
  }
  const H = T / 2;
  return {
    decl: `var<workgroup> tileA : array<array<u32, ${H}>, ${T}>;
var<workgroup> tileB : array<array<u32, ${T}>, ${H}>;`,
    // Invocations with lx < 8 pack two k of A's row ly; those with ly < 8 two k of B's column lx.
    fill: `  if (lx < ${H}) {
      tileA[ly][lx] = pack2x16float(vec2<f32>(dmcReadA(g, rowBase + ly, k0 + 2 * lx), dmcReadA(g, rowBase + ly, k0 + 2 * lx + 1)));
    }
    if (ly < ${H}) {
      tileB[ly][lx] = pack2x16float(vec2<f32>(dmcReadB(g, k0 + 2 * ly, colBase + lx), dmcReadB(g, k0 + 2 * ly + 1, colBase + lx)));
    }`,
    inner: `    for (var p = 0; p < ${H}; p++) {
      let av = unpack2x16float(tileA[ly][p]);
      let bv = unpack2x16float(tileB[p][lx]);
      acc = acc + av.x * bv.x;
      acc = acc + av.y * bv.y;
    }`,
  };
}

/** The program's WGSL (tfjs adds the bindings, uniforms and helpers around it). */
export function matMulF16Wgsl(l: MatMulF16Layout): string {
  const T = MATMUL_F16_TILE;
  const t = tiles(l.variant);
  return `${l.variant === 'native' ? 'enable f16;\n' : ''}${t.decl}
${loaders(l)}
fn main() {
  let lx = i32(localId.x);
  let ly = i32(localId.y);
  let g = i32(workgroupId.z);
  let rowBase = i32(workgroupId.y) * ${T};
  let colBase = i32(workgroupId.x) * ${T};
  var acc = 0.0;
  for (var k0 = 0; k0 < uniforms.dimK; k0 += ${T}) {
  ${t.fill}
    workgroupBarrier();
${t.inner}
    workgroupBarrier();
  }
  let row = rowBase + ly;
  let col = colBase + lx;
  if (row < uniforms.dimM && col < uniforms.dimN) {
    setOutputAtIndex((g * uniforms.dimM + row) * uniforms.dimN + col, acc);
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

export class MatMulF16Program implements Omit<DmcWebGPUProgram, 'dispatchLayout'> {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: GridLayout;
  dispatch: [number, number, number];
  variableNames = ['a', 'b'];
  uniforms = 'dimM : i32, dimN : i32, dimK : i32,';
  workgroupSize: [number, number, number] = [MATMUL_F16_TILE, MATMUL_F16_TILE, 1];

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
