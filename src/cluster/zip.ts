/** The export folder as one .zip (fflate: pure JavaScript, runs in the page and in Node alike). */
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { ClusterFile } from './types.ts';

/** Unix mode bits in the zip's external attributes, so `unzip` keeps study.py executable. */
const EXECUTABLE = 0o100755 << 16;
const REGULAR = 0o100644 << 16;

export function zipFiles(folder: string, files: readonly ClusterFile[]): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) {
    entries[`${folder}/${f.path}`] = [
      typeof f.content === 'string' ? strToU8(f.content) : f.content,
      { os: 3, attrs: f.executable === true ? EXECUTABLE : REGULAR },
    ];
  }
  return zipSync(entries, { level: 6 });
}
