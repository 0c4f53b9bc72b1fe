/** Temporary method replacement for measurement windows (step-profiler.ts, webgpu-counters.ts); each returns its undo. */
export type Undo = () => void;

type Method = (this: unknown, ...args: never[]) => unknown;

/**
 * Replaces `obj[key]` with `make(original)`. The undo restores the object exactly: an own property gets
 * its old value back, a method that came from the prototype is deleted again.
 */
export function patchMethod<T extends object>(obj: T, key: string, make: (original: Method) => Method): Undo {
  const target = obj as Record<string, unknown>;
  const own = Object.prototype.hasOwnProperty.call(target, key);
  const original = target[key];
  if (typeof original !== 'function') return () => {};
  target[key] = make(original as Method);
  return () => {
    if (own) target[key] = original;
    else delete target[key];
  };
}

/** The prototype of a global WebGPU class (GPUQueue, …), or null where WebGPU is absent. */
export function gpuPrototype(name: string): object | null {
  const cls = (globalThis as Record<string, unknown>)[name] as { prototype?: object } | undefined;
  return cls?.prototype ?? null;
}
