/**
 * Reusable typed-array buffers. V8 allocates every typed array longer than 64 bytes outside the JS
 * heap (calloc plus GC bookkeeping), which made allocation and collection TPE's largest cost when
 * two estimators over a thousand kernels were built per parameter per trial. A workspace hands out
 * zero-filled views of buffers that grow geometrically and are reused from call to call.
 *
 * A view is valid until the same key is requested again from the same workspace.
 */
export class Workspace {
  private readonly f64s = new Map<string, Float64Array>();
  private readonly i32s = new Map<string, Int32Array>();

  /** A zero-filled Float64Array view of length n. */
  f64(key: string, n: number): Float64Array {
    return take(this.f64s, (len) => new Float64Array(len), key, n);
  }

  /** A zero-filled Int32Array view of length n. */
  i32(key: string, n: number): Int32Array {
    return take(this.i32s, (len) => new Int32Array(len), key, n);
  }
}

/** The buffer under `key`, grown geometrically when shorter than n, as a zero-filled view of length n. */
function take<T extends Float64Array | Int32Array>(buffers: Map<string, T>, alloc: (len: number) => T, key: string, n: number): T {
  let b = buffers.get(key);
  if (b === undefined || b.length < n) {
    b = alloc(Math.max(n, 16, b === undefined ? 0 : 2 * b.length));
    buffers.set(key, b);
  }
  const view = b.subarray(0, n) as T;
  view.fill(0);
  return view;
}
