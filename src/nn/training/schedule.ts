/**
 * Learning-rate schedule of BayesFlow's offline training (docs/design/networks.md#training): Keras
 * `CosineDecay(initial_learning_rate = 0.1·lr0, decay_steps, alpha = 0, warmup_target = lr0,
 * warmup_steps)` evaluated at the optimizer's iteration count s (0 for the first update):
 *
 *   total = epochs · num_batches, warmup = floor(0.05 · total), decay = total − warmup
 *   s < warmup:  lr = 0.1·lr0 + (lr0 − 0.1·lr0) · s / warmup
 *   otherwise:   lr = lr0 · 0.5 · (1 + cos(π · min(s − warmup, decay) / decay))   (→ 0 at s = total)
 */

export interface ScheduleShape {
  readonly totalSteps: number;
  readonly warmupSteps: number;
  readonly decaySteps: number;
}

export const WARMUP_FRACTION = 0.05;
export const WARMUP_START_FACTOR = 0.1;

export function scheduleShape(epochs: number, numBatches: number): ScheduleShape {
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new Error(`schedule: epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(numBatches) || numBatches < 1) {
    throw new Error(`schedule: numBatches must be a positive integer, got ${numBatches}`);
  }
  const totalSteps = epochs * numBatches;
  const warmupSteps = Math.floor(WARMUP_FRACTION * totalSteps);
  return { totalSteps, warmupSteps, decaySteps: totalSteps - warmupSteps };
}

/** Learning rate for optimizer step `step` (0-based). */
export function learningRateAt(step: number, lr0: number, shape: ScheduleShape): number {
  const { warmupSteps, decaySteps } = shape;
  if (step < warmupSteps) {
    const start = WARMUP_START_FACTOR * lr0;
    return start + (lr0 - start) * (step / warmupSteps);
  }
  const fraction = Math.min(step - warmupSteps, decaySteps) / decaySteps;
  return lr0 * 0.5 * (1 + Math.cos(Math.PI * fraction));
}
