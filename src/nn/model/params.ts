/**
 * Named trainable variables. Every layer registers its weights here under a stable, hierarchical
 * name (`summary/sab_0/mha/query/kernel`), which is what `getWeights`/`setWeights` and the saved
 * network files use. tfjs variable names must be globally unique per engine, so the tf.Variable gets an
 * auto-generated name and the stable name lives only here (two approximators can coexist).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../shared/index.ts';
import { initialValues, nameHash, type Initializer } from './init.ts';

export interface NamedWeight {
  readonly name: string;
  readonly shape: number[];
  readonly data: Float32Array;
}

export class WeightShapeError extends Error {
  override readonly name = 'WeightShapeError';
}

interface Entry {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** Registry shared by all layers of one network; `scope` returns a prefixing view. */
export class ParamStore {
  private readonly entries: Entry[];
  private readonly names: Set<string>;

  constructor(
    private readonly seed: number,
    private readonly prefix = '',
    shared?: { entries: Entry[]; names: Set<string> },
  ) {
    this.entries = shared?.entries ?? [];
    this.names = shared?.names ?? new Set();
  }

  scope(name: string): ParamStore {
    return new ParamStore(this.seed, this.prefix + name + '/', { entries: this.entries, names: this.names });
  }

  /**
   * Creates a trainable float32 variable. Values come from Rng.stream(seed, hash(full name)), so the
   * same seed and name give the same weights on every backend and in any creation order.
   */
  add(name: string, shape: readonly number[], init: Initializer, fanShape: readonly number[] = shape): tf.Variable {
    const full = this.prefix + name;
    if (this.names.has(full)) throw new Error(`duplicate weight name ${full}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = initialValues(init, size, fanShape, Rng.stream(this.seed, nameHash(full)));
    const initial = tf.tensor(values, [...shape], 'float32');
    const variable = tf.variable(initial, true);
    initial.dispose(); // the variable holds its own reference to the data
    this.names.add(full);
    this.entries.push({ name: full, variable });
    return variable;
  }

  get variables(): tf.Variable[] {
    return this.entries.map((e) => e.variable);
  }

  /** (full name, number of values) of every registered weight, in creation order. */
  sizes(): [string, number][] {
    return this.entries.map((e) => [e.name, e.variable.size]);
  }

  /** Reads every weight with `await data()` (safe on webgpu). */
  async getWeights(): Promise<NamedWeight[]> {
    const out: NamedWeight[] = [];
    for (const e of this.entries) {
      const data = (await e.variable.data()) as Float32Array;
      out.push({ name: e.name, shape: [...e.variable.shape], data: Float32Array.from(data) });
    }
    return out;
  }

  /** Assigns all weights; every registered name must be present with its exact shape, nothing extra. */
  setWeights(weights: readonly NamedWeight[]): void {
    const byName = new Map<string, NamedWeight>();
    for (const w of weights) {
      if (byName.has(w.name)) throw new WeightShapeError(`weight ${w.name} given twice`);
      byName.set(w.name, w);
    }
    for (const e of this.entries) {
      const w = byName.get(e.name);
      if (w === undefined) throw new WeightShapeError(`weight ${e.name} missing`);
      const expected = e.variable.shape;
      const size = expected.reduce((a, b) => a * b, 1);
      if (w.shape.length !== expected.length || w.shape.some((d, i) => d !== expected[i]) || w.data.length !== size) {
        throw new WeightShapeError(
          `weight ${e.name}: expected shape [${expected.join(',')}], got [${w.shape.join(',')}] with ${w.data.length} values`,
        );
      }
      byName.delete(e.name);
    }
    if (byName.size > 0) throw new WeightShapeError(`unknown weights: ${[...byName.keys()].join(', ')}`);
    const lookup = new Map(weights.map((w) => [w.name, w]));
    for (const e of this.entries) {
      const w = lookup.get(e.name)!;
      tf.tidy(() => e.variable.assign(tf.tensor(w.data, [...w.shape], 'float32')));
    }
  }

  dispose(): void {
    for (const e of this.entries) e.variable.dispose();
    this.entries.length = 0;
    this.names.clear();
  }
}
