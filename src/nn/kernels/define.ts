/**
 * `defineKernel`: the one place where tfjs's untyped kernel call (a map of named tensors, a map of
 * attributes, a backend typed `{}`) becomes a kernel's typed inputs and attributes. A kernel's
 * signature (signatures.ts) says how its inputs and attributes are read and which shapes and dtypes are
 * valid; every backend's implementation is defined against that signature, so the cpu, wasm and webgpu
 * kernels of one name take the same inputs and refuse the same wrong ones with the same message, before
 * the implementation runs.
 */
import type { DataType, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { DmcKernel } from './types.ts';

/** A kernel called with inputs or attributes its signature refuses; the message names the kernel. */
export class KernelInputError extends Error {
  override readonly name = 'KernelInputError';
}

const shapeText = (t: TensorInfo): string => `[${t.shape.join(',')}]`;

/** Reads a kernel's input tensors by name; those read without a fixed dtype must be of the backend's dtypes. */
export class InputReader {
  /** Inputs whose dtype the backend's implementation must compute. */
  readonly data: TensorInfo[] = [];

  constructor(
    private readonly kernel: string,
    private readonly map: NamedTensorInfoMap,
  ) {}

  /** The input `name`, required. With `dtype`, it must be of that dtype whatever the backend. */
  tensor(name: string, dtype?: DataType): TensorInfo {
    const t = this.optional(name, dtype);
    if (t === undefined) throw new KernelInputError(`${this.kernel}: input '${name}' is missing`);
    return t;
  }

  /** The input `name`, or undefined where it is not given. */
  optional(name: string, dtype?: DataType): TensorInfo | undefined {
    const t = this.map[name];
    if (t === undefined) return undefined;
    if (dtype === undefined) this.data.push(t);
    else if (t.dtype !== dtype)
      throw new KernelInputError(`${this.kernel}: input '${name}' must be ${dtype}, got ${t.dtype}`);
    return t;
  }

  /** Every input in call order, for a kernel whose number of inputs varies (called with an array). */
  list(): TensorInfo[] {
    const out: TensorInfo[] = [];
    for (let i = 0; this.map[i] !== undefined; i++) out.push(this.map[i]!);
    return out;
  }

  /** Marks tensors (from `list`) as data inputs, whose dtype the backend must compute. */
  computes(...ts: readonly TensorInfo[]): void {
    this.data.push(...ts);
  }
}

/** Reads a kernel's attributes by name, checking each one's type. */
export class AttrReader {
  constructor(
    private readonly kernel: string,
    private readonly map: NamedAttrMap,
  ) {}

  private fail(name: string, want: string): never {
    throw new KernelInputError(
      `${this.kernel}: attribute '${name}' must be ${want}, got ${JSON.stringify(this.map[name])}`,
    );
  }

  /** A finite number. */
  number(name: string): number {
    const v = this.map[name];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(name, 'a finite number');
  }

  /** An integer (of any sign: random keys are signed or unsigned 32-bit words). */
  integer(name: string): number {
    const v = this.map[name];
    return typeof v === 'number' && Number.isInteger(v) ? v : this.fail(name, 'an integer');
  }

  boolean(name: string): boolean {
    const v = this.map[name];
    return typeof v === 'boolean' ? v : this.fail(name, 'true or false');
  }

  /** One of `values`. */
  oneOf<T extends string | number>(name: string, values: readonly T[]): T {
    const v = this.map[name];
    const found = values.find((x) => x === v);
    return found !== undefined ? found : this.fail(name, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  }
}

/** What every implementation of one kernel shares: its name, how its call is read, and what is valid. */
export interface KernelSignature<I, A> {
  readonly name: string;
  readonly inputs: (r: InputReader) => I;
  readonly attrs: (r: AttrReader) => A;
  /** Shape checks across inputs and attributes; throws a KernelInputError naming the kernel. */
  readonly check: (inputs: I, attrs: A) => void;
  /** How a caller lays out the inputs where they are not a map of names (an array: MultiAdam). */
  readonly pack?: (inputs: I) => TensorInfo[];
}

/** An implementation for one backend; `backend` is typed as the parts of that backend's class it uses. */
export interface KernelImplementation<I, A, B> {
  readonly backend: 'cpu' | 'wasm' | 'webgpu';
  /** Dtypes of the data inputs it computes; other dtypes make the op take its composite path. */
  readonly dtypes: readonly DataType[];
  readonly run: (inputs: I, attrs: A, backend: B) => TensorInfo | TensorInfo[];
}

/** Input shapes in a message: `x [2,3], gamma [4]`. */
export function describeShapes(named: Record<string, TensorInfo | undefined>): string {
  return Object.entries(named)
    .filter((e): e is [string, TensorInfo] => e[1] !== undefined)
    .map(([k, t]) => `${k} ${shapeText(t)}`)
    .join(', ');
}

/**
 * The registration of `impl` under `sig`: reads and checks the call (missing inputs, attribute types,
 * dtypes this backend computes, the signature's shape checks), then runs the implementation.
 */
export function defineKernel<I, A, B>(sig: KernelSignature<I, A>, impl: KernelImplementation<I, A, B>): DmcKernel {
  const config: KernelConfig = {
    kernelName: sig.name,
    backendName: impl.backend,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const reader = new InputReader(sig.name, inputs);
      const x = sig.inputs(reader);
      const a = sig.attrs(new AttrReader(sig.name, attrs ?? {}));
      for (const t of reader.data) {
        if (!impl.dtypes.includes(t.dtype)) {
          throw new KernelInputError(
            `${sig.name}: the ${impl.backend} kernel computes ${impl.dtypes.join(' or ')}, got ${t.dtype}`,
          );
        }
      }
      sig.check(x, a);
      // tfjs hands every kernel its backend as `{}`; B names the parts of that backend's class it uses.
      return impl.run(x, a, backend as B);
    },
  };
  return { config, dtypes: impl.dtypes };
}
