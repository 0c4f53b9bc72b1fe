/**
 * WGSL program of `Attention` (see ../names.ts), FlashAttention's forward (Dao et al. 2022, Alg. 1)
 * in its simplest GPU form: one invocation per query row, a workgroup of ATTENTION_ROWS rows of one
 * (data set, head), keys streamed through workgroup memory a tile at a time with an online softmax
 * (running max m, running sum l, output accumulator rescaled when m grows). Scores and probabilities
 * exist only in registers; the dropout mask is Philox evaluated per element with the counter layout of
 * `Dropout`, one call per 8 consecutive keys of a row.
 *
 * Limits it relies on: workgroup storage 2 · tile · d + tile floats with tile = attentionTile(d), ≤ 8.1
 * KiB for every d ≤ ATTENTION_MAX_DIM, inside WebGPU's default 16 KiB; private arrays of 2 · d floats
 * per invocation (4 · d in the dK/dV pass: 2 KiB at d = 128, inside WGSL's 8 KiB); dispatch (⌈Nq / 64⌉,
 * h, B), each inside the default 65,535 workgroups per dimension.
 */
import { DROPOUT_KEEP_WGSL, PHILOX_WGSL, type DmcWebGPUProgram } from './dropout-webgpu.ts';

/** Query (or key, in the dK/dV pass) rows per workgroup: one invocation each. */
export const ATTENTION_ROWS = 64;
/**
 * Largest head dimension the programs take. MultiHeadAttention's heads are embed_dim wide (Keras'
 * key_dim = embed_dim), so this covers the study's choices 64 and 128.
 */
export const ATTENTION_MAX_DIM = 128;

/** Rows of the other operand held in workgroup memory at a time: two tiles of d floats stay ≤ 8 KiB. */
export function attentionTile(d: number): number {
  return Math.max(1, Math.min(16, Math.floor(1024 / d)));
}

/** Uniforms of all three attention programs, in the order the kernels pass them. */
export const ATTENTION_UNIFORMS =
  'nq : i32, nk : i32, heads : i32, scale : f32, threshold : u32, dscale : f32, key0 : u32, key1 : u32, site : u32, rowOffset : u32, lseOffset : i32, dvOffset : i32,';

export interface AttentionVariant {
  d: number;
  hasBias: boolean;
  hasDropout: boolean;
}

/**
 * Constants and the mask of element `flat` of data set `row`: 0 or 1 / (1 − rate), the bits of
 * `Dropout`. The last Philox block is cached per invocation: a query row walks its keys in order, so
 * eight consecutive elements share one call.
 */
export function attentionPrelude(v: AttentionVariant): string {
  return `
${v.hasDropout ? DROPOUT_KEEP_WGSL : PHILOX_WGSL}
const D = ${v.d};
const ROWS = ${ATTENTION_ROWS};
const TILE = ${attentionTile(v.d)};
var<private> maskBlock : u32 = 0xffffffffu;
var<private> maskWords : vec4<u32>;

fn dmcAttnMask(flat : u32, row : u32) -> f32 {
  ${
    v.hasDropout
      ? `let blk = flat >> 3u;
  if (blk != maskBlock) {
    maskWords = dmcPhilox4x32(vec4<u32>(blk, row, uniforms.site, 0u), vec2<u32>(uniforms.key0, uniforms.key1));
    maskBlock = blk;
  }
  if (dmcDropoutKeep(maskWords, flat)) {
    return uniforms.dscale;
  }
  return 0.0;`
      : 'return 1.0;'
  }
}

fn dmcAttnBias(bb : i32, j : i32) -> f32 {
  ${v.hasBias ? 'return bias[bb * uniforms.nk + j];' : 'return 0.0;'}
}
`;
}

/** Workgroup memory of the two passes that stream keys (forward and dQ): a tile of k, of v and of the bias. */
export const KEY_TILES_WGSL = /* wgsl */ `var<workgroup> tileK : array<f32, TILE * D>;
var<workgroup> tileV : array<f32, TILE * D>;
var<workgroup> tileB : array<f32, TILE>;`;

/** Where a key-streaming invocation stands: its query row iq of (data set bb, head hh), clamped to qRow. */
export const QUERY_ROW_WGSL = /* wgsl */ `  let lane = i32(localId.x);
  let iq = i32(workgroupId.x) * ROWS + lane;
  let hh = i32(workgroupId.y);
  let bb = i32(workgroupId.z);
  let bh = bb * uniforms.heads + hh;
  let qRow = bh * uniforms.nq + min(iq, uniforms.nq - 1);`;

/**
 * Loads keys t0 .. t0 + TILE of the (data set, head) whose keys start at row keyBase into the tiles,
 * all invocations of the workgroup together; n of them exist (past nk the tiles hold zeros).
 */
export const LOAD_KEY_TILE_WGSL = /* wgsl */ `    for (var e = lane; e < TILE * D; e += ROWS) {
      let kj = t0 + e / D;
      var kx = 0.0;
      var vx = 0.0;
      if (kj < uniforms.nk) {
        kx = k[(keyBase + kj) * D + e % D];
        vx = v[(keyBase + kj) * D + e % D];
      }
      tileK[e] = kx;
      tileV[e] = vx;
    }
    if (lane < TILE && t0 + lane < uniforms.nk) {
      tileB[lane] = dmcAttnBias(bb, t0 + lane);
    }
    workgroupBarrier();
    let n = min(TILE, uniforms.nk - t0);`;

export function attentionShaderKey(name: string, v: AttentionVariant): string {
  return `dmc_${name}_${v.d}_${v.hasBias ? 'b' : 'n'}_${v.hasDropout ? 'r' : 'n'}`;
}

/**
 * Base of the three programs: dispatch (⌈rows / ROWS⌉, h, B). The layout names a y axis only so that
 * tfjs calls `main()` without a flat index (the programs place themselves by workgroupId and localId)
 * and never folds the dispatch.
 */
export abstract class AttentionProgramBase implements DmcWebGPUProgram {
  outputShape: number[];
  abstract shaderKey: string;
  dispatchLayout = { x: [0], y: [0] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = ATTENTION_UNIFORMS;
  workgroupSize: [number, number, number] = [ATTENTION_ROWS, 1, 1];

  constructor(
    protected readonly variant: AttentionVariant,
    outputShape: number[],
    rows: number,
    heads: number,
    batch: number,
    extraInputs: string[],
  ) {
    this.outputShape = outputShape;
    this.dispatch = [Math.max(1, Math.ceil(rows / ATTENTION_ROWS)), heads, batch];
    this.variableNames = ['q', 'k', 'v', ...(variant.hasBias ? ['bias'] : []), ...extraInputs];
  }

  abstract getUserCode(): string;
}

export class AttentionForwardProgram extends AttentionProgramBase {
  shaderKey: string;

  constructor(variant: AttentionVariant, b: number, h: number, nq: number) {
    super(variant, [b * h * nq * (variant.d + 2)], nq, h, b, []);
    this.shaderKey = attentionShaderKey('attn_fwd', variant);
  }

  getUserCode(): string {
    return `
${attentionPrelude(this.variant)}
${KEY_TILES_WGSL}

fn main() {
${QUERY_ROW_WGSL}
  var qs : array<f32, D>;
  for (var c = 0; c < D; c++) {
    qs[c] = q[qRow * D + c] * uniforms.scale;
  }
  var acc : array<f32, D>;
  var m = -3.0e38;
  var l = 0.0;
  let keyBase = bh * uniforms.nk;
  let row = uniforms.rowOffset + u32(bb);
  let flatBase = u32((hh * uniforms.nq + iq) * uniforms.nk);
  for (var t0 = 0; t0 < uniforms.nk; t0 += TILE) {
${LOAD_KEY_TILE_WGSL}
    var s : array<f32, TILE>;
    var tmax = m;
    for (var j = 0; j < n; j++) {
      var dot = 0.0;
      for (var c = 0; c < D; c++) {
        dot += qs[c] * tileK[j * D + c];
      }
      s[j] = dot + tileB[j];
      tmax = max(tmax, s[j]);
    }
    let corr = exp(m - tmax);
    l *= corr;
    for (var c = 0; c < D; c++) {
      acc[c] *= corr;
    }
    m = tmax;
    for (var j = 0; j < n; j++) {
      let p = exp(s[j] - m);
      l += p;
      let pm = p * dmcAttnMask(flatBase + u32(t0 + j), row);
      if (pm != 0.0) {
        for (var c = 0; c < D; c++) {
          acc[c] += pm * tileV[j * D + c];
        }
      }
    }
    workgroupBarrier();
  }
  if (iq < uniforms.nq) {
    let inv = 1.0 / l;
    for (var c = 0; c < D; c++) {
      setOutputAtIndex(qRow * D + c, acc[c] * inv);
    }
    setOutputAtIndex(uniforms.lseOffset + 2 * qRow, m);
    setOutputAtIndex(uniforms.lseOffset + 2 * qRow + 1, log(l));
  }
}
`;
  }
}
