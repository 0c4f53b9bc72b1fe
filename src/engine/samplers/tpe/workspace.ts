/**
 * Reusable typed-array buffers. V8 allocates every typed array longer than 64 bytes outside the JS
 * heap (calloc plus GC bookkeeping), which made allocation and collection TPE's largest cost when
 * two estimators over a thousand kernels were built per parameter per trial. A workspace hands out
 * views of buffers that grow geometrically and are reused from call to call, filled with a value
 * (zeros unless told otherwise) or, with `fill = null`, left as they are for callers that overwrite them.
 *
 * A view is valid until the same key is requested again from the same workspace.
 */
export class Workspace {
  private readonly f64s = new Map<string, Float64Array>();
  private readonly i32s = new Map<string, Int32Array>();

  /** A Float64Array view of length n, filled with `fill` (null: contents left as they are). */
  f64(key: string, n: number, fill: number | null = 0): Float64Array {
    return take(this.f64s, (len) => new Float64Array(len), key, n, fill);
  }

  /** An Int32Array view of length n, filled with `fill` (null: contents left as they are). */
  i32(key: string, n: number, fill: number | null = 0): Int32Array {
    return take(this.i32s, (len) => new Int32Array(len), key, n, fill);
  }
}

/** The buffer under `key`, grown geometrically when shorter than n, as a view of length n. */
function take<T extends Float64Array | Int32Array>(
  buffers: Map<string, T>,
  alloc: (len: number) => T,
  key: string,
  n: number,
  fill: number | null,
): T {
  let b = buffers.get(key);
  if (b === undefined || b.length < n) {
    b = alloc(Math.max(n, 16, b === undefined ? 0 : 2 * b.length));
    buffers.set(key, b);
  }
  const view = b.subarray(0, n) as T;
  if (fill !== null) view.fill(fill);
  return view;
}
