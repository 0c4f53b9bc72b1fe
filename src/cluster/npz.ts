/**
 * NumPy's .npz from TypeScript: a zip of .npy files (format 1.0: magic, a Python-dict header padded to a
 * multiple of 64 bytes, then the little-endian data in C order), which `np.load(..., allow_pickle=False)`
 * reads. Only the dtypes the cluster export needs.
 */
import { zipSync, type Zippable } from 'fflate';

export type NpyArray =
  | { readonly dtype: '<f8'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: '<f4'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: '<i8'; readonly shape: readonly number[]; readonly data: readonly number[] }
  /** A unicode string scalar (NumPy '<U…', UTF-32LE). */
  | { readonly dtype: 'str'; readonly value: string };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function header(descr: string, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // magic (6) + version (2) + length (2) + dict + padding + '\n', a multiple of 64 so the data is aligned.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const text = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

function checkShape(shape: readonly number[], length: number): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || size !== length) {
    throw new Error(`npy: shape (${shape.join(', ')}) does not hold ${length} values`);
  }
}

/** One .npy file. */
export function npy(a: NpyArray): Uint8Array {
  let head: Uint8Array;
  let body: Uint8Array;
  if (a.dtype === 'str') {
    const points = Array.from(a.value, (ch) => ch.codePointAt(0)!);
    head = header(`<U${Math.max(1, points.length)}`, []);
    body = new Uint8Array(4 * Math.max(1, points.length));
    const view = new DataView(body.buffer);
    points.forEach((p, i) => view.setUint32(4 * i, p, true));
  } else {
    checkShape(a.shape, a.data.length);
    head = header(a.dtype, a.shape);
    if (a.dtype !== '<i8' && LITTLE_ENDIAN) {
      // The typed array's bytes are already the .npy data.
      body = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    } else {
      const width = a.dtype === '<f4' ? 4 : 8;
      body = new Uint8Array(width * a.data.length);
      const view = new DataView(body.buffer);
      for (let i = 0; i < a.data.length; i++) {
        if (a.dtype === '<f8') view.setFloat64(8 * i, a.data[i]!, true);
        else if (a.dtype === '<f4') view.setFloat32(4 * i, a.data[i]!, true);
        else view.setBigInt64(8 * i, BigInt(a.data[i]!), true);
      }
    }
  }
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** An .npz holding `arrays` under their names (compressed like np.savez_compressed). */
export function npz(arrays: Readonly<Record<string, NpyArray>>): Uint8Array {
  const entries: Zippable = {};
  for (const [name, a] of Object.entries(arrays)) entries[`${name}.npy`] = npy(a);
  return zipSync(entries, { level: 6 });
}
