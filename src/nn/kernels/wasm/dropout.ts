/**
 * `Dropout` (see ../names.ts) on the tfjs wasm backend: the reference's bits run straight over the wasm
 * heap (input and output views), so no mask tensor is made or copied. float32 only.
 *
 * The backward pass applies the same kernel, with the same attributes, to dy: the mask is a pure
 * function of (key, site, row offset, shape), so the forward call keeps its keep/drop bytes and the
 * backward call takes them instead of running Philox again. The Philox loop was 18 % of a step at
 * batch 64 × N 500 (attention-probability masks, tf.profile on the 2-core machine); the cache halves
 * it. A mask is used at most twice and then dropped; the cache is capped (oldest out first), and a
 * missing mask is simply recomputed — the cache changes the time, never the values.
 */
import { wasmHeapF32, type WasmBackendInternals } from '../backend-internals.ts';
import { defineKernel } from '../define.ts';
import { rowLayout } from '../layout.ts';
import type { DropoutAttrs } from '../names.ts';
import { dropoutConstants, dropoutValues } from '../reference/dropout.ts';
import { DROPOUT } from '../signatures.ts';

/** Bytes of keep masks held between a forward and a backward call (one byte per element). */
export const DROPOUT_MASK_CACHE_BYTES = 64 * 1024 * 1024;

const masks = new Map<string, Uint8Array>();
let cachedBytes = 0;

function maskKey(a: DropoutAttrs, rows: number, rowSize: number): string {
  return `${a.rate}/${a.key0 >>> 0}/${a.key1 >>> 0}/${a.site}/${a.rowOffset}/${rows}/${rowSize}`;
}

function remember(key: string, keep: Uint8Array): void {
  if (keep.length > DROPOUT_MASK_CACHE_BYTES) return;
  for (const [k, m] of masks) {
    if (cachedBytes + keep.length <= DROPOUT_MASK_CACHE_BYTES) break;
    masks.delete(k);
    cachedBytes -= m.length;
  }
  masks.set(key, keep);
  cachedBytes += keep.length;
}

/** Takes (and forgets) the mask a call with these attributes made; null when none is held. */
function take(key: string): Uint8Array | null {
  const keep = masks.get(key);
  if (keep === undefined) return null;
  masks.delete(key);
  cachedBytes -= keep.length;
  return keep;
}

/** Masks held now, and their bytes (tests). */
export function dropoutMaskCacheSize(): { masks: number; bytes: number } {
  return { masks: masks.size, bytes: cachedBytes };
}

export const dropoutWasm = defineKernel(DROPOUT, {
  backend: 'wasm',
  dtypes: ['float32'],
  run: ({ x }, a, b: WasmBackendInternals) => {
    const { size, rows, rowSize } = rowLayout(x.shape);
    const out = b.makeOutput(x.shape, 'float32');
    const key = maskKey(a, rows, rowSize);
    const xs = wasmHeapF32(b, x, 0, size);
    const ys = b.typedArrayFromHeap(out);
    const cached = take(key);
    if (cached !== null) {
      const { scale } = dropoutConstants(a.rate);
      // As dropoutValues writes it: a dropped element is +0, a kept one the float32 product.
      for (let i = 0; i < size; i++) ys[i] = cached[i] === 1 ? xs[i]! * scale : 0;
      return out;
    }
    const keep = new Uint8Array(size);
    dropoutValues(xs, ys, rows, rowSize, a, keep);
    remember(key, keep);
    return out;
  },
});
