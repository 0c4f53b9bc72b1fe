/**
 * WGSL programs of `AttentionGradQ` and `AttentionGradKV` (see ../names.ts), FlashAttention's backward
 * (Dao et al. 2022, Alg. 2) split by what each invocation owns, so no two invocations add into one
 * value and no atomics are needed: dQ with one invocation per query row streaming the keys, dK and dV
 * with one invocation per key row streaming the queries. Both recompute P = exp((s − m) − log l) from
 * q, k, the bias and the forward's row statistics, and the dropout mask from Philox, and take D = rowsum(dO ∘ O) from the
 * forward's O (D = Σ_j P·dP holds with dropout too, since O = (P ∘ mask)·v).
 *
 * Limits: workgroup storage 2 · tile · d + 3 · tile floats (≤ 8.1 KiB, see attentionTile); the dK/dV pass
 * recomputes one Philox block per (query, key) because its invocations walk queries, not keys.
 */
import {
  AttentionProgramBase,
  attentionPrelude,
  attentionShaderKey,
  KEY_TILES_WGSL,
  LOAD_KEY_TILE_WGSL,
  QUERY_ROW_WGSL,
  type AttentionVariant,
} from './attention-webgpu.ts';

export class AttentionGradQProgram extends AttentionProgramBase {
  shaderKey: string;

  constructor(variant: AttentionVariant, b: number, h: number, nq: number) {
    super(variant, [b, h, nq, variant.d], nq, h, b, ['ol', 'dy']);
    this.shaderKey = attentionShaderKey('attn_dq', variant);
  }

  getUserCode(): string {
    return `
${attentionPrelude(this.variant)}
${KEY_TILES_WGSL}

fn main() {
${QUERY_ROW_WGSL}
  var qs : array<f32, D>;
  var g : array<f32, D>;
  var dd = 0.0;
  for (var c = 0; c < D; c++) {
    qs[c] = q[qRow * D + c] * uniforms.scale;
    g[c] = dy[qRow * D + c];
    dd += g[c] * ol[qRow * D + c];
  }
  let m = ol[uniforms.lseOffset + 2 * qRow];
  let logl = ol[uniforms.lseOffset + 2 * qRow + 1];
  var acc : array<f32, D>;
  let keyBase = bh * uniforms.nk;
  let row = uniforms.rowOffset + u32(bb);
  let flatBase = u32((hh * uniforms.nq + iq) * uniforms.nk);
  for (var t0 = 0; t0 < uniforms.nk; t0 += TILE) {
${LOAD_KEY_TILE_WGSL}
    for (var j = 0; j < n; j++) {
      var dot = 0.0;
      var dpd = 0.0;
      for (var c = 0; c < D; c++) {
        dot += qs[c] * tileK[j * D + c];
        dpd += g[c] * tileV[j * D + c];
      }
      let p = exp((dot + tileB[j] - m) - logl);
      let ds = p * (dpd * dmcAttnMask(flatBase + u32(t0 + j), row) - dd);
      for (var c = 0; c < D; c++) {
        acc[c] += ds * tileK[j * D + c];
      }
    }
    workgroupBarrier();
  }
  if (iq < uniforms.nq) {
    for (var c = 0; c < D; c++) {
      setOutputAtIndex(qRow * D + c, acc[c] * uniforms.scale);
    }
  }
}
`;
  }
}

export class AttentionGradKVProgram extends AttentionProgramBase {
  shaderKey: string;

  constructor(variant: AttentionVariant, b: number, h: number, nk: number) {
    super(variant, [2 * b * h * nk * variant.d], nk, h, b, ['ol', 'dy']);
    this.shaderKey = attentionShaderKey('attn_dkv', variant);
  }

  getUserCode(): string {
    return `
${attentionPrelude(this.variant)}
var<workgroup> tileQ : array<f32, TILE * D>;
var<workgroup> tileG : array<f32, TILE * D>;
var<workgroup> tileM : array<f32, TILE>;
var<workgroup> tileL : array<f32, TILE>;
var<workgroup> tileD : array<f32, TILE>;

fn main() {
  let lane = i32(localId.x);
  let jk = i32(workgroupId.x) * ROWS + lane;
  let hh = i32(workgroupId.y);
  let bb = i32(workgroupId.z);
  let bh = bb * uniforms.heads + hh;
  let kRow = bh * uniforms.nk + min(jk, uniforms.nk - 1);
  var kr : array<f32, D>;
  var vr : array<f32, D>;
  for (var c = 0; c < D; c++) {
    kr[c] = k[kRow * D + c];
    vr[c] = v[kRow * D + c];
  }
  let kb = dmcAttnBias(bb, min(jk, uniforms.nk - 1));
  var dk : array<f32, D>;
  var dv : array<f32, D>;
  let queryBase = bh * uniforms.nq;
  let row = uniforms.rowOffset + u32(bb);
  for (var t0 = 0; t0 < uniforms.nq; t0 += TILE) {
    for (var e = lane; e < TILE * D; e += ROWS) {
      let qi = t0 + e / D;
      var qx = 0.0;
      var gx = 0.0;
      if (qi < uniforms.nq) {
        qx = q[(queryBase + qi) * D + e % D] * uniforms.scale;
        gx = dy[(queryBase + qi) * D + e % D];
      }
      tileQ[e] = qx;
      tileG[e] = gx;
    }
    if (lane < TILE && t0 + lane < uniforms.nq) {
      let r = queryBase + t0 + lane;
      var dd = 0.0;
      for (var c = 0; c < D; c++) {
        dd += dy[r * D + c] * ol[r * D + c];
      }
      tileD[lane] = dd;
      tileM[lane] = ol[uniforms.lseOffset + 2 * r];
      tileL[lane] = ol[uniforms.lseOffset + 2 * r + 1];
    }
    workgroupBarrier();
    let n = min(TILE, uniforms.nq - t0);
    for (var i = 0; i < n; i++) {
      var dot = 0.0;
      var dpd = 0.0;
      for (var c = 0; c < D; c++) {
        dot += tileQ[i * D + c] * kr[c];
        dpd += tileG[i * D + c] * vr[c];
      }
      let p = exp((dot + kb - tileM[i]) - tileL[i]);
      let mk = dmcAttnMask(u32((hh * uniforms.nq + t0 + i) * uniforms.nk + jk), row);
      let ds = p * (dpd * mk - tileD[i]);
      let pm = p * mk;
      for (var c = 0; c < D; c++) {
        dv[c] += pm * tileG[i * D + c];
        dk[c] += ds * tileQ[i * D + c];
      }
    }
    workgroupBarrier();
  }
  if (jk < uniforms.nk) {
    for (var c = 0; c < D; c++) {
      setOutputAtIndex(kRow * D + c, dk[c]);
      setOutputAtIndex(uniforms.dvOffset + kRow * D + c, dv[c]);
    }
  }
}
`;
  }
}
