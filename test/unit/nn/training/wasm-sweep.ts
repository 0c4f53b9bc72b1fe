/**
 * The corners of the notebook search space at the data sizes a study can choose, one optimizer step
 * each on wasm in one long-lived backend (as the training worker runs trial after trial): every step
 * must finish with a finite loss, stay inside the memory budget the micro-batch planner promises, and
 * leave tensor count and bytes where they were. A wasm allocation failure aborts the whole instance
 * ("Aborted()") and every later call fails with "memory access out of bounds", so one corner over the
 * heap would fail all the corners after it, too.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Approximator, DEFAULT_MEMORY_BUDGET, defaultNetworkConfig, fit } from '../../../../src/nn/index.ts';
import { autoMicroBatchSize } from '../../../../src/nn/training/batches.ts';
import { NOTEBOOK_CONFIG, simulateBatch, validateDmcConfig } from '../../../../src/sim/index.ts';
import { peakBytesDuring, useWasm } from '../helpers.ts';

const heapBytes = (): number => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;

/**
 * The corners batch 16/128 × embed 64/128 × num_seeds 1/8 at each of `numObsList`. The N = 50 … 1000
 * grid is cut into two test files only so that Vitest runs them side by side.
 *
 * Where the planner splits a step, the step is given two micro-batches of sets, not the whole batch:
 * a pass's peak is the gradient accumulator plus one micro-batch, the same after the second pass as
 * after the sixteenth, and a full step of 128 sets at N = 1000 takes about two minutes on wasm. Two
 * passes still exercise the accumulation and the heap left by a previous pass.
 */
export function sweepCorners(numObsList: readonly number[]): void {
  const corners: [batch: number, embed: number, seeds: number, numObs: number][] = [];
  for (const numObs of numObsList) {
    for (const batch of [16, 128])
      for (const embed of [64, 128]) for (const seeds of [1, 8]) corners.push([batch, embed, seeds, numObs]);
  }
  beforeAll(useWasm);
  const report: string[] = [];
  afterAll(() =>
    process.stderr.write(
      `wasm corner sweep (batch, embed, seeds, N: micro, peak MiB, heap MiB, s)\n${report.join('\n')}\n`,
    ),
  );

  describe('wasm training at the corners of the search space', () => {
    it.each(corners)(
      'batch %i × embed %i × num_seeds %i × N %i: one step (two passes where split), inside the budget, no leak',
      async (batch, embed, seeds, numObs) => {
        const sim = validateDmcConfig({ ...NOTEBOOK_CONFIG, fixedNumObs: numObs });
        // dropout at the top of the search space: the most tensors per pass.
        const config = defaultNetworkConfig({ embedDim: embed, numSeeds: seeds, summaryDim: 32, dropout: 0.3 });
        const micro = autoMicroBatchSize(config, numObs);
        const train = simulateBatch(sim, 11, micro >= batch ? batch : Math.max(2, 2 * micro));
        const val = simulateBatch(sim, 12, 2);
        const before = tf.memory();
        const approx = new Approximator(config, { seed: 3 });
        const t0 = performance.now();
        let loss = NaN;
        const peak = await peakBytesDuring(async () => {
          const h = await fit(approx, train, val, { epochs: 1, batchSize: batch, lr: 5e-4, seed: 5 });
          loss = h.loss[0]!;
        });
        approx.dispose();
        const after = tf.memory();
        report.push(
          `${batch} ${embed} ${seeds} ${numObs}: ${micro}, ${(peak / 2 ** 20).toFixed(0)}, ${(heapBytes() / 2 ** 20).toFixed(0)}, ${((performance.now() - t0) / 1000).toFixed(1)}`,
        );
        expect(Number.isFinite(loss)).toBe(true);
        expect(peak).toBeLessThanOrEqual(DEFAULT_MEMORY_BUDGET);
        // The heap never shrinks: this bounds every corner so far, far from wasm's 4 GiB abort.
        expect(heapBytes()).toBeLessThanOrEqual(2.5 * 2 ** 30);
        expect(after.numTensors).toBe(before.numTensors);
        expect(after.numBytes).toBe(before.numBytes);
      },
      600_000,
    );
  });
}
