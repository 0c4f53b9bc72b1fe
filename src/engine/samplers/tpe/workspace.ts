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
    let b = this.f64s.get(key);
    if (b === undefined || b.length < n) {
      b = new Float64Array(Math.max(n, 16, b === undefined ? 0 : 2 * b.length));
      this.f64s.set(key, b);
    }
    const view = b.subarray(0, n);
    view.fill(0);
    return view;
  }

  /** A zero-filled Int32Array view of length n. */
  i32(key: string, n: number): Int32Array {
    let b = this.i32s.get(key);
    if (b === undefined || b.length < n) {
      b = new Int32Array(Math.max(n, 16, b === undefined ? 0 : 2 * b.length));
      this.i32s.set(key, b);
    }
    const view = b.subarray(0, n);
    view.fill(0);
    return view;
  }
}
