/**
 * The deterministic half of the parity benchmark: both networks from the *same* initial weights (ours,
 * seed 1, copied into torch) on the same batch with the same draws and no dropout — the loss, every
 * variable's gradient norm, and the loss after one clipped Adam step at the schedule's peak rate. Equal
 * values here mean the architecture, loss, clipping and Adam agree, so what the training runs leave
 * apart is their randomness; torch_parity.py `--check` computes its side from the file written here.
 */
import * as tf from '@tensorflow/tfjs';
import { Approximator, trialNetworkConfig } from '../../src/nn/index.ts';
import { Adam, REFERENCE_ADAM } from '../../src/nn/training/adam.ts';
import type { ParityBudget } from './budget.ts';
import type { ParityData } from './setup.ts';
import { hyperparameters } from './ours.ts';

export interface CheckSide {
  loss: number;
  gradNorms: number[];
  lossAfterStep: number;
}

/** Check file arrays (the first batch of validation sets, fixed draws rep 0, the initial weights) and our side's values. */
export async function ourCheck(
  b: ParityBudget,
  data: ParityData,
): Promise<{ arrays: Record<string, { shape: number[]; data: Float32Array }>; names: string[]; ours: CheckSide }> {
  const p = data.val.paramNames.length;
  const m = Math.min(b.batchSize, b.valSets);
  const obs = data.arrays['val_trials']!.shape[1]!;
  const a = data.arrays;
  const arrays: Record<string, { shape: number[]; data: Float32Array }> = {
    trials: { shape: [m, obs, 3], data: a['val_trials']!.data.slice(0, m * obs * 3) },
    cond: { shape: [m, 1], data: a['val_cond']!.data.slice(0, m) },
    x1: { shape: [m, p], data: a['val_x1']!.data.slice(0, m * p) },
    x0: { shape: [m, p], data: a['val_x0']!.data.slice(0, m * p) },
    t: { shape: [m, 1], data: a['val_t']!.data.slice(0, m) },
  };
  const approx = new Approximator(trialNetworkConfig(hyperparameters(b), p), { seed: b.seeds[0] ?? 1 });
  const adam = new Adam(approx.trainableVariables, REFERENCE_ADAM);
  try {
    const names: string[] = [];
    for (const w of await approx.getWeights()) {
      names.push(w.name);
      arrays[`w:${w.name}`] = { shape: [...w.shape], data: Float32Array.from(w.data) };
    }
    const inputs = {
      summary: tf.tensor3d(arrays['trials']!.data, [m, obs, 3]),
      mask: null,
      sqrtNumObs: tf.tensor2d(arrays['cond']!.data, [m, 1]),
      x1: tf.tensor2d(arrays['x1']!.data, [m, p]),
      x0: tf.tensor2d(arrays['x0']!.data, [m, p]),
      t: tf.tensor2d(arrays['t']!.data, [m, 1]),
    };
    try {
      const { value, grads } = tf.variableGrads(() => approx.loss(inputs, false), approx.trainableVariables);
      const loss = (await value.data())[0]!;
      const gradNorms: number[] = [];
      for (const v of approx.trainableVariables) {
        const n = tf.tidy(() => tf.sqrt(tf.sum(tf.square(grads[v.name]!))));
        gradNorms.push((await n.data())[0]!);
        n.dispose();
      }
      adam.apply(grads, b.lr);
      tf.dispose([value, ...Object.values(grads)]);
      const after = approx.loss(inputs, false);
      const lossAfterStep = (await after.data())[0]!;
      after.dispose();
      return { arrays, names, ours: { loss, gradNorms, lossAfterStep } };
    } finally {
      for (const t of Object.values(inputs)) t?.dispose();
    }
  } finally {
    adam.dispose();
    approx.dispose();
  }
}

/**
 * Largest relative difference of two equally long lists (scaled by the larger magnitude of each pair),
 * over the pairs whose magnitude reaches `floor`; also how many pairs fell below it. The floor exists
 * for the attention key biases: softmax ignores a shift shared by all keys, so their gradient is zero
 * analytically and what either side computes (~1e-9 against norms up to ~1e2) is rounding.
 */
export function maxRelativeDifference(
  x: readonly number[],
  y: readonly number[],
  floor = 0,
): { max: number; skipped: number } {
  if (x.length !== y.length) throw new Error(`maxRelativeDifference: ${x.length} vs ${y.length} values`);
  let max = 0;
  let skipped = 0;
  for (let i = 0; i < x.length; i++) {
    const scale = Math.max(Math.abs(x[i]!), Math.abs(y[i]!));
    if (scale <= floor || scale === 0) skipped++;
    else max = Math.max(max, Math.abs(x[i]! - y[i]!) / scale);
  }
  return { max, skipped };
}
