/**
 * The file through which the learning-parity benchmark hands its data sets to PyTorch
 * (bench/reference/torch_parity.py reads it with NumPy):
 *
 *   bytes 0–3   ASCII "DMCP"
 *   bytes 4–7   uint32 LE: byte length H of the JSON header
 *   bytes 8…    the header, UTF-8 JSON, padded with spaces so the data starts 4-byte aligned
 *   then        float32 LE arrays back to back; header.arrays[name] = {shape, offset} (offset in floats
 *               from the start of the data)
 *
 * Float32 because that is what both networks compute in; a JSON copy of 600,000 trial values would
 * be large and slow to parse, and an extra dependency (npy, HDF5) buys nothing for a private format.
 */
import { readFile, writeFile } from 'node:fs/promises';

export const PARITY_FILE_MAGIC = 'DMCP';

export interface ArrayEntry {
  shape: number[];
  offset: number;
}

export interface ParityFile<H> {
  header: H;
  arrays: Record<string, Float32Array>;
  shapes: Record<string, number[]>;
}

export class ParityFileError extends Error {
  override readonly name = 'ParityFileError';
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The file's bytes: `header` (any JSON object; its `arrays` key is reserved) and the named arrays. */
export function encodeParityFile<H extends object>(
  header: H,
  arrays: Record<string, { shape: number[]; data: Float32Array }>,
): Uint8Array {
  if ('arrays' in header) throw new ParityFileError('header key "arrays" is reserved for the array table');
  const table: Record<string, ArrayEntry> = {};
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    if (count(a.shape) !== a.data.length) {
      throw new ParityFileError(
        `array ${name}: shape [${a.shape.join(',')}] holds ${count(a.shape)} values, data has ${a.data.length}`,
      );
    }
    table[name] = { shape: [...a.shape], offset };
    offset += a.data.length;
  }
  const text = JSON.stringify({ ...header, arrays: table });
  const unpadded = new TextEncoder().encode(text).length;
  const json = new TextEncoder().encode(text + ' '.repeat((4 - ((8 + unpadded) % 4)) % 4));
  const out = new Uint8Array(8 + json.length + offset * 4);
  out.set(new TextEncoder().encode(PARITY_FILE_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  const dataStart = 8 + json.length;
  for (const [name, a] of Object.entries(arrays)) {
    const base = dataStart + table[name]!.offset * 4;
    // Explicit little-endian writes: the format must not depend on the host's byte order.
    for (let i = 0; i < a.data.length; i++) view.setFloat32(base + 4 * i, a.data[i]!, true);
  }
  return out;
}

export function decodeParityFile<H extends object>(bytes: Uint8Array): ParityFile<H> {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== PARITY_FILE_MAGIC) {
    throw new ParityFileError(`not a parity data file (expected the magic "${PARITY_FILE_MAGIC}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(4, true);
  if (8 + h > bytes.length)
    throw new ParityFileError(`header of ${h} bytes runs past the end of the ${bytes.length}-byte file`);
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + h))) as H & {
    arrays: Record<string, ArrayEntry>;
  };
  const { arrays: table, ...header } = parsed;
  const dataStart = 8 + h;
  const arrays: Record<string, Float32Array> = {};
  const shapes: Record<string, number[]> = {};
  for (const [name, e] of Object.entries(table)) {
    const n = count(e.shape);
    const base = dataStart + e.offset * 4;
    if (base + n * 4 > bytes.length) throw new ParityFileError(`array ${name} runs past the end of the file`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(base + 4 * i, true);
    arrays[name] = data;
    shapes[name] = e.shape;
  }
  return { header: header as unknown as H, arrays, shapes };
}

export async function writeParityFile<H extends object>(
  path: string,
  header: H,
  arrays: Record<string, { shape: number[]; data: Float32Array }>,
): Promise<void> {
  await writeFile(path, encodeParityFile(header, arrays));
}

export async function readParityFile<H extends object>(path: string): Promise<ParityFile<H>> {
  return decodeParityFile<H>(new Uint8Array(await readFile(path)));
}

/** A raw float32 LE file (the posterior draws torch_parity.py writes back). */
export async function readFloat32File(path: string, expected: number): Promise<Float32Array> {
  const bytes = new Uint8Array(await readFile(path));
  if (bytes.length !== expected * 4)
    throw new ParityFileError(`${path}: ${bytes.length} bytes, expected ${expected} float32 values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}
