/**
 * `tf.variableGrads` that frees memory while it walks the tape backwards.
 *
 * Why: tfjs-core 4.22's `Engine.gradients` (engine.ts) runs the whole backward pass in one tidy and
 * disposes the tape's saved tensors only at its end (tape.ts `backpropagateGradients`). So at the end of
 * a training pass every activation saved for the backward pass and the gradient of every intermediate
 * tensor are alive at once — the peak is about twice what the pass needs. Measured with the Dawn
 * profiler (bench/nn-step.ts) at batch 64 × N 500 × embed 64 on webgpu: see README (Performance).
 *
 * Here the same tape is walked in the same order with the same gradient functions and the same
 * accumulation order (so gradients are bit-identical to tfjs's), but a tensor's gradient is disposed
 * as soon as the node that produced the tensor has used it (its consumers all come later on the tape,
 * so they have run), a node's saved tensors once its gradient has run, and each node's temporaries with
 * it. Nodes off the x → y path drop their saved tensors before the walk starts.
 *
 * Uses the engine's tape API (startTape/endTape/scopedRun/state.activeTape), which tfjs does not export
 * as public API — hence it lives with the kernels, the one folder allowed to reach into tfjs internals.
 */
import * as tf from '@tensorflow/tfjs';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
}

/** Nodes on a path from `xs` to `y`, in tape order, each with only the inputs that depend on `xs`. */
function pathNodes(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => toY.has(o.id))) {
      nodeToY.add(node.id);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  const out: TapeNode[] = [];
  for (const node of tape) {
    if (!nodeFromX.has(node.id) || !nodeToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    out.push({ ...node, inputs });
  }
  return out;
}

function disposeSaved(node: TapeNode): void {
  for (const t of node.saved ?? []) t.dispose();
}

/**
 * Value of `f` and the gradients of it with respect to `vars` (by variable name; variables that `f`
 * does not depend on are left out), as `tf.variableGrads` returns them.
 */
export function variableGradsFreeing(
  f: () => tf.Scalar,
  vars: readonly tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth !== 0) throw new Error('variableGradsFreeing: nested gradients are not supported');
  const trainable = vars.filter((v) => v.trainable);
  let tape: TapeNode[] = [];
  let y: tf.Tensor | null = null;
  try {
    try {
      y = engine.scopedRun(
        () => engine.startTape(),
        () => engine.endTape(),
        () => engine.tidy('forward', f),
      );
    } finally {
      // Taken off the engine whatever happens, so that the finally below frees what it saved.
      tape = engine.state.activeTape ?? [];
      engine.state.activeTape = null;
    }
    if (!(y instanceof tf.Tensor) || y.rank !== 0)
      throw new Error('variableGradsFreeing: f must return a scalar tensor');
    const nodes = pathNodes(tape, trainable, y);
    const onPath = new Set(nodes.map((n) => n.id));
    for (const node of tape) if (!onPath.has(node.id)) disposeSaved(node);
    return { value: y as tf.Scalar, grads: backward(engine, nodes, y, trainable) };
  } catch (e) {
    // No gradients, no value: the caller gets only the error.
    if (y instanceof tf.Tensor) y.dispose();
    throw e;
  } finally {
    // Normally each node's saved tensors went with its gradient; after a throw the rest go here
    // (disposing twice is a no-op).
    for (const node of tape) disposeSaved(node);
  }
}

/** The backward walk over `nodes` (tape order) from y, freeing as it goes; the gradients of `vars` by name. */
function backward(
  engine: EngineInternals,
  nodes: readonly TapeNode[],
  y: tf.Tensor,
  vars: readonly tf.Variable[],
): tf.NamedTensorMap {
  return engine.tidy('backward', () => {
    const acc = new Map<number, tf.Tensor>([[y.id, tf.ones(y.shape)]]);
    const owned = new Set<tf.Tensor>(acc.values());
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node.gradient === undefined)
        throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const dys = node.outputs.map((o) => acc.get(o.id) ?? null);
      const names = Object.keys(node.inputs);
      // One tidy per node: whatever its gradient function makes besides the input gradients goes now.
      const dxs = engine.tidy(() => {
        const fns = node.gradient!(dys);
        return names.map((name) => {
          const fn = fns[name];
          if (fn === undefined) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
          return fn();
        });
      });
      // A gradient function may hand back a dy, a saved tensor or one tensor for two inputs: every entry
      // of `acc` must be its own tensor, since entries are disposed one by one. A same-shape reshape is
      // such a tensor without a copy (it shares the data, reference-counted); `clone` is tfjs's Identity
      // kernel, a full copy on wasm (4680 copies, 3 % of a step at batch 64 × N 500 in tf.profile).
      const fresh = dxs.map((d, k) =>
        owned.has(d) || node.saved?.includes(d) === true || dxs.indexOf(d) !== k ? tf.reshape(d, d.shape) : d,
      );
      names.forEach((name, k) => {
        const x = node.inputs[name]!;
        const dx = fresh[k]!;
        if (dx.dtype !== 'float32')
          throw new Error(
            `Error in gradient for op ${node.kernelName}: the gradient of input '${name}' is ${dx.dtype}, not float32`,
          );
        if (!tf.util.arraysEqual(dx.shape, x.shape)) {
          throw new Error(
            `Error in gradient for op ${node.kernelName}: the gradient of input '${name}' has shape [${dx.shape}], the input [${x.shape}]`,
          );
        }
        const current = acc.get(x.id);
        if (current === undefined) {
          acc.set(x.id, dx);
          owned.add(dx);
        } else {
          const sum = tf.add(current, dx);
          acc.set(x.id, sum);
          owned.add(sum);
          owned.delete(current);
          current.dispose();
          dx.dispose();
        }
      });
      for (const o of node.outputs) {
        const dy = acc.get(o.id);
        if (dy !== undefined) {
          acc.delete(o.id);
          owned.delete(dy);
          dy.dispose();
        }
      }
      disposeSaved(node);
    }
    const out: tf.NamedTensorMap = {};
    for (const v of vars) {
      const g = acc.get(v.id);
      if (g !== undefined) out[v.name] = g;
    }
    return out;
  });
}
