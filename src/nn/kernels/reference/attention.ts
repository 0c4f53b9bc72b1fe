/**
 * Reference of `Attention`, `AttentionGradQ` and `AttentionGradKV` (see ../names.ts): the definitions
 * the webgpu kernels are tested against, and the cpu backend's kernels. Plain two-pass softmax in
 * float64 over one query row at a time; the dropout mask of a data set is `dropoutValues` on a row of
 * ones, so it is the very mask `Dropout` applies to the (B, h, Nq, Nk) probabilities.
 */
import type { AttentionAttrs } from '../names.ts';
import { dropoutValues } from './dropout.ts';

export interface AttentionDims {
  b: number;
  h: number;
  nq: number;
  nk: number;
  /** Key (and value) dimension per head. */
  d: number;
}

export function attentionDims(q: readonly number[], k: readonly number[]): AttentionDims {
  if (q.length !== 4 || k.length !== 4)
    throw new Error(`attention: q and k must be rank 4, got [${q.join(',')}] and [${k.join(',')}]`);
  const [b, h, nq, d] = q as [number, number, number, number];
  if (k[0] !== b || k[1] !== h || k[3] !== d)
    throw new Error(`attention: q [${q.join(',')}] and k [${k.join(',')}] disagree`);
  return { b, h, nq, nk: k[2]!, d };
}

/** Mask values (0 or 1 / (1 − rate)) of data set `bb`: h·Nq·Nk entries; all ones without dropout. */
function maskRow(dims: AttentionDims, bb: number, a: AttentionAttrs): Float32Array {
  const size = dims.h * dims.nq * dims.nk;
  const m = new Float32Array(size).fill(1);
  if (a.rate > 0) {
    dropoutValues(m, m, 1, size, {
      rate: a.rate,
      key0: a.key0,
      key1: a.key1,
      site: a.site,
      rowOffset: a.rowOffset + bb,
    });
  }
  return m;
}

/** Scaled query row (rounded to float32 as tf.mul(q, scale) is) and its float32 scores against every key. */
function scores(
  q: Float32Array,
  k: Float32Array,
  bias: Float32Array | null,
  dims: AttentionDims,
  bh: number,
  i: number,
  scale: number,
) {
  const { nq, nk, d, h } = dims;
  const qs = new Float64Array(d);
  for (let c = 0; c < d; c++) qs[c] = Math.fround(q[(bh * nq + i) * d + c]! * scale);
  const s = new Float64Array(nk);
  const bb = Math.floor(bh / h);
  for (let j = 0; j < nk; j++) {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += qs[c]! * k[(bh * nk + j) * d + c]!;
    // Rounded as float32 scores are: a −1e9 bias then swallows the product, so a data set whose keys
    // are all padded gets uniform weights here too, as in the composite and the WGSL kernel.
    s[j] = Math.fround(Math.fround(dot) + (bias === null ? 0 : bias[bb * nk + j]!));
  }
  return { qs, s };
}

/** Packed [O | (m, log l) per row] of the forward pass. */
export function attentionForwardReference(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bias: Float32Array | null,
  dims: AttentionDims,
  a: AttentionAttrs,
): Float32Array {
  const { b, h, nq, nk, d } = dims;
  const out = new Float32Array(b * h * nq * d + 2 * b * h * nq);
  const lseOffset = b * h * nq * d;
  for (let bb = 0; bb < b; bb++) {
    const mask = maskRow(dims, bb, a);
    for (let hh = 0; hh < h; hh++) {
      const bh = bb * h + hh;
      for (let i = 0; i < nq; i++) {
        const { s } = scores(q, k, bias, dims, bh, i, a.scale);
        let m = -Infinity;
        for (let j = 0; j < nk; j++) m = Math.max(m, s[j]!);
        let l = 0;
        for (let j = 0; j < nk; j++) l += Math.exp(s[j]! - m);
        const o = new Float64Array(d);
        for (let j = 0; j < nk; j++) {
          const p = (Math.exp(s[j]! - m) / l) * mask[(hh * nq + i) * nk + j]!;
          for (let c = 0; c < d; c++) o[c] = o[c]! + p * v[(bh * nk + j) * d + c]!;
        }
        out.set(o, (bh * nq + i) * d);
        out[lseOffset + 2 * (bh * nq + i)] = m;
        out[lseOffset + 2 * (bh * nq + i) + 1] = Math.log(l);
      }
    }
  }
  return out;
}

/** dQ, dK and dV from the inputs, the forward's packed [O | (m, log l)] and dO. */
export function attentionBackwardReference(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bias: Float32Array | null,
  ol: Float32Array,
  dy: Float32Array,
  dims: AttentionDims,
  a: AttentionAttrs,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array } {
  const { b, h, nq, nk, d } = dims;
  const lseOffset = b * h * nq * d;
  const dq = new Float64Array(b * h * nq * d);
  const dk = new Float64Array(b * h * nk * d);
  const dv = new Float64Array(b * h * nk * d);
  for (let bb = 0; bb < b; bb++) {
    const mask = maskRow(dims, bb, a);
    for (let hh = 0; hh < h; hh++) {
      const bh = bb * h + hh;
      for (let i = 0; i < nq; i++) {
        const { qs, s } = scores(q, k, bias, dims, bh, i, a.scale);
        const row = (bh * nq + i) * d;
        const m = ol[lseOffset + 2 * (bh * nq + i)]!;
        const logl = ol[lseOffset + 2 * (bh * nq + i) + 1]!;
        let dd = 0;
        for (let c = 0; c < d; c++) dd += dy[row + c]! * ol[row + c]!;
        for (let j = 0; j < nk; j++) {
          const p = Math.exp(s[j]! - m - logl);
          const mk = mask[(hh * nq + i) * nk + j]!;
          const kr = (bh * nk + j) * d;
          let dpd = 0;
          for (let c = 0; c < d; c++) {
            dpd += dy[row + c]! * v[kr + c]!;
            dv[kr + c] = dv[kr + c]! + p * mk * dy[row + c]!;
          }
          const ds = p * (dpd * mk - dd);
          for (let c = 0; c < d; c++) {
            dq[row + c] = dq[row + c]! + ds * k[kr + c]! * a.scale;
            dk[kr + c] = dk[kr + c]! + ds * qs[c]!;
          }
        }
      }
    }
  }
  return { dq: Float32Array.from(dq), dk: Float32Array.from(dk), dv: Float32Array.from(dv) };
}
