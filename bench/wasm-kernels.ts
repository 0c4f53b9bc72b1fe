/**
 * Where a wasm training step's time goes, kernel by kernel (`npm run bench -- kernels`): one optimizer
 * step of fit at batch × N × embed after a warm-up step, under tf.profile, which on wasm times each
 * kernel synchronously (wasm kernels finish before they return). Prints, per kernel name, the calls,
 * the milliseconds and the share of the summed kernel time, largest first, and the step's wall time
 * (the gap between the two is JavaScript outside kernels: the tape, shape checks, allocation).
 *
 *   npm run bench -- kernels [--batch 64 --obs 500 --embed 64 --seeds 1 --summary-dim 16 --top 25]
 */
import { parseArgs } from 'node:util';

export async function run(args: readonly string[]): Promise<Record<string, unknown>> {
  const { values: a } = parseArgs({
    args: [...args],
    strict: false,
    options: {
      batch: { type: 'string', default: '64' },
      obs: { type: 'string', default: '500' },
      embed: { type: 'string', default: '64' },
      seeds: { type: 'string', default: '1' },
      'summary-dim': { type: 'string', default: '16' },
      top: { type: 'string', default: '25' },
    },
  });
  const int = (k: string): number => Number(a[k]);
  const tf = await import('@tensorflow/tfjs');
  const nn = await import('../src/nn/index.ts');
  const { NOTEBOOK_CONFIG, simulateBatch } = await import('../src/sim/index.ts');
  await nn.selectBackend('wasm', { strict: true });
  const batch = int('batch');
  const obs = int('obs');
  const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: obs };
  const train = simulateBatch(sim, 1, batch * 2);
  const val = simulateBatch(sim, 2, 2);
  const approx = new nn.Approximator(
    nn.defaultNetworkConfig({
      paramDim: 6,
      embedDim: int('embed'),
      summaryDim: int('summary-dim'),
      numSeeds: int('seeds'),
      dropout: 0.1,
    }),
    { seed: 1 },
  );
  const stop = new AbortController();
  let info: Awaited<ReturnType<typeof tf.profile>> | null = null;
  let wallMs = 0;
  const wrapStep = async <T>(step: number, runStep: () => Promise<T>): Promise<T> => {
    if (step === 1) return runStep().then(async (loss) => (loss instanceof tf.Tensor && (await loss.data()), loss));
    let out: T | undefined;
    const t0 = performance.now();
    info = await tf.profile(async () => {
      out = await runStep();
      if (out instanceof tf.Tensor) await out.data();
      return [];
    });
    wallMs = performance.now() - t0;
    stop.abort();
    return out!;
  };
  try {
    await nn.fit(approx, train, val, { epochs: 1, batchSize: batch, lr: 5e-4, seed: 1, signal: stop.signal, wrapStep });
  } catch (e) {
    if (!stop.signal.aborted) throw e;
  } finally {
    approx.dispose();
  }
  const byName = new Map<string, { calls: number; ms: number }>();
  const profile = info as Awaited<ReturnType<typeof tf.profile>> | null;
  for (const k of profile?.kernels ?? []) {
    const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, e);
  }
  const kernelMs = [...byName.values()].reduce((s, e) => s + e.ms, 0);
  const kernels = [...byName.entries()]
    .sort((x, y) => y[1].ms - x[1].ms)
    .slice(0, int('top'))
    .map(([name, e]) => ({ name, calls: e.calls, ms: Math.round(e.ms), share: Number((e.ms / kernelMs).toFixed(3)) }));
  return {
    size: { batch, obs, embed: int('embed') },
    wallMs: Math.round(wallMs),
    kernelMs: Math.round(kernelMs),
    kernelCalls: profile?.kernels.length ?? 0,
    kernels,
  };
}
