/**
 * Cross-backend agreement: the same tiny network, data, seed and initial weights
 * trained five steps on webgpu (SwiftShader here: CPU emulation, slow, hence the tiny sizes) with this
 * project's kernels (fused attention, LayerNorm, bias + activation, multi-tensor Adam) and on wasm
 * gives the same losses to 1e-3. Randomness is the same on both: the shuffle from a seeded stream, base
 * noise, times and dropout masks from Philox in kernels, weights from (config, seed); only float
 * arithmetic differs;
 * docs/design/gpu-path.md#rules-the-code-keeps measured ≤ 2e-4 relative differences between SwiftShader and cpu.
 */
import { afterAll, expect, it, vi } from 'vitest';
import { TrainClient } from '../../src/workers/train-client.ts';
import type { TrialHyperparameters } from '../../src/nn/objective.ts';
import { trialSpec } from '../../src/nn/model/trial-spec.ts';
import { NOTEBOOK_CONFIG, simulateBatch } from '../../src/sim/index.ts';

const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 16 };
const hparams: TrialHyperparameters = {
  dropout: 0.05,
  lr: 1e-3,
  numSeeds: 1,
  batchSize: 4,
  embedDim: 8,
  summaryDim: 4,
  epochs: 1,
  posteriorDraws: 4,
  integrationSteps: 2,
  integrator: 'euler',
};
const network = { numHeads: 1, mlpWidths: [8], flowWidths: [16, 16] };
const clients: TrainClient[] = [];
afterAll(() => clients.forEach((c) => c.dispose()));

async function trainOn(backend: 'webgpu' | 'wasm'): Promise<{ losses: number[]; valLoss: number[]; used: string }> {
  const c = new TrainClient({ backend });
  clients.push(c);
  await c.setData(simulateBatch(sim, 7, 20), simulateBatch(sim, 8, 4));
  const losses: number[] = [];
  const out = await c.runTrial(trialSpec(hparams, { seed: 21, network: { overrides: network } }), {
    onBatch: (p) => losses.push(p.loss),
  });
  if (out.status !== 'complete') throw new Error('unexpected prune');
  const before = await c.memory();
  expect(before.numTensors).toBe(0);
  return { losses, valLoss: out.result.history.valLoss, used: out.backend.backend };
}

it('five training steps on webgpu and on wasm give the same losses to 1e-3', async () => {
  const gpu = await trainOn('webgpu');
  const cpu = await trainOn('wasm');
  // Batch events are fire-and-forget on their own port: wait for the last ones to arrive.
  await vi.waitFor(() => expect([gpu.losses.length, cpu.losses.length]).toEqual([5, 5]), { timeout: 10_000 });
  expect(gpu.used).toBe('webgpu');
  expect(cpu.used).toBe('wasm');
  expect(gpu.losses).toHaveLength(5);
  expect(cpu.losses).toHaveLength(5);
  const all = [...gpu.losses.map((l, i) => [l, cpu.losses[i]!]), [gpu.valLoss[0]!, cpu.valLoss[0]!]] as [
    number,
    number,
  ][];
  const rel = all.map(([a, b]) => Math.abs(a - b) / Math.max(1, Math.abs(b)));
  console.log(
    `webgpu vs wasm: losses ${JSON.stringify(all)}, max relative difference ${Math.max(...rel).toExponential(2)}`,
  );
  for (const [a, b] of all) {
    expect(Number.isFinite(a)).toBe(true);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(b)));
  }
  // The steps really changed the weights: the losses are not all the same number.
  expect(new Set(cpu.losses.map((l) => l.toFixed(6))).size).toBeGreaterThan(1);
}, 600_000);
