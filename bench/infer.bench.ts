/**
 * `npm run bench -- infer [--sets 16 --draws 1000 --steps 10 --obs 336 --chunks 1,16]`
 *
 * Posterior sampling as Infer runs it (`samplePosterior`, wasm, this process's threads), at the demo
 * network's size (embed 64, summary_dim 16, flow 5 × 256): `--sets` data sets of `--obs` trials, `--draws`
 * draws each, `--steps` Euler steps, once per chunk size in `--chunks` (data sets per integration pass;
 * 1 is what the default chooses for a few participants × 1000 draws). Seconds per run and per 100 steps.
 * The network is fitted for one short epoch first only so it has a standardization: sampling costs the
 * same whatever the weights. Only when named: a minute or more.
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/nn/runtime/backend.ts';
import { defaultNetworkConfig } from '../src/nn/model/config.ts';
import { Approximator } from '../src/nn/networks/approximator.ts';
import { samplePosterior } from '../src/nn/posterior/sample.ts';
import { fit } from '../src/nn/training/fit.ts';
import { NOTEBOOK_CONFIG, simulateBatch } from '../src/sim/index.ts';

export async function run(args: readonly string[] = []): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      sets: { type: 'string' },
      draws: { type: 'string' },
      steps: { type: 'string' },
      obs: { type: 'string' },
      chunks: { type: 'string' },
    },
    strict: false,
  });
  const num = (v: unknown, d: number): number => (typeof v === 'string' ? Number(v) : d);
  const sets = num(values.sets, 16);
  const draws = num(values.draws, 1000);
  const steps = num(values.steps, 10);
  const obs = num(values.obs, 336);
  const chunks = (typeof values.chunks === 'string' ? values.chunks : '1,16').split(',').map(Number);
  await selectBackend('wasm', { strict: true });
  const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 50 };
  const train = simulateBatch(sim, 1, 64);
  const approx = new Approximator(
    defaultNetworkConfig({ paramDim: train.paramNames.length, embedDim: 64, summaryDim: 16 }),
    { seed: 1 },
  );
  try {
    await fit(approx, train, simulateBatch(sim, 2, 16), { epochs: 1, batchSize: 32, lr: 1e-3, seed: 1 });
    const data = simulateBatch({ ...NOTEBOOK_CONFIG, fixedNumObs: obs }, 3, sets);
    const runs: Record<string, unknown>[] = [];
    for (const chunkSize of chunks) {
      const t0 = performance.now();
      await samplePosterior(approx, data, approx.standardization!, { numSamples: draws, steps, seed: 1, chunkSize });
      const s = (performance.now() - t0) / 1000;
      runs.push({ chunkSize, seconds: +s.toFixed(2), secondsPer100Steps: +((s * 100) / steps).toFixed(1) });
    }
    return { sets, draws, steps, obs, network: 'embed 64, summary_dim 16, flow 5 × 256', runs };
  } finally {
    approx.dispose();
  }
}
