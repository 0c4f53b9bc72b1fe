/**
 * `npm run bench -- nn`: training-step time of the notebook's network (N = 500 trials per set, embed_dim
 * 64 and 128, BayesFlow defaults otherwise: 2 SAB + PMA with 1 seed, summary_dim 16, FlowMatching
 * 5 × 256) on every tfjs backend Node offers, for batch 64; and posterior draws per second (Euler,
 * 100 steps, as the diagnostics use). FLOP estimates in docs/design/networks.md#cost.
 *
 * A batch-64 step at N = 500 is ≈ 0.2–0.3 TFLOP (3 × 64 × 0.84 / 1.74 GFLOP), i.e. minutes per step on a
 * CPU backend, which does not fit "a few minutes" for the whole bench. The step cost is linear in the
 * batch size (fit accumulates gradients over micro-batches of a few sets, then one Adam update), so the
 * bench measures whole optimizer steps at two small batch sizes (after a warm-up step) and scales the
 * larger one to batch 64 — labelled `estimated`; the slope between the two (ms per set) is reported as a
 * linearity check. NN_BENCH_FULL=1 also measures one real batch-64 step per configuration.
 *
 * Backends: wasm and cpu; webgpu only when the optional npm package `webgpu` (Dawn) is installed
 * (docs/design/gpu-path.md#measuring), otherwise skipped with the reason. Everything is bounded by a time budget
 * (NN_BENCH_BUDGET_S, default 240 s); what would not fit is reported as skipped.
 */
import type { BackendName } from '../src/nn/backend.ts';
import { median } from '../src/metrics/index.ts';

const NUM_OBS = 500;
const SMALL_BATCHES = [2, 4] as const;
const TARGET_BATCH = 64;

interface StepRow {
  backend: string;
  embedDim: number;
  numObs: number;
  parameters?: number;
  /** Measured ms per optimizer step (median of the timed steps) at each small batch size. */
  measured?: { batchSize: number; msPerStep: number; timedSteps: number }[];
  /** Largest measured ms per step scaled to batch 64 (cost is linear in the batch). */
  estimatedMsPerStepBatch64?: number;
  msPerSetPerStep?: number;
  measuredMsPerStepBatch64?: number;
  skipped?: string;
}

async function tryWebGpuInNode(): Promise<string | null> {
  // Must run before tfjs-backend-webgpu is first imported: it registers only when navigator.gpu exists.
  try {
    const pkg = 'webgpu';
    const mod = (await import(/* @vite-ignore */ pkg)) as { create: (o: string[]) => unknown; globals: object };
    Object.assign(globalThis, mod.globals);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: mod.create([]) }, configurable: true });
    return null;
  } catch (e) {
    return `npm package 'webgpu' (Dawn for Node) is not installed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const budgetMs = Number(process.env['NN_BENCH_BUDGET_S'] ?? 240) * 1000;
  const full = process.env['NN_BENCH_FULL'] === '1';
  const started = performance.now();
  const left = (): number => budgetMs - (performance.now() - started);
  const webgpuMissing = await tryWebGpuInNode();
  const tf = await import('@tensorflow/tfjs');
  const { selectBackend } = await import('../src/nn/backend.ts');
  const { Approximator, defaultNetworkConfig, fit, samplePosterior } = await import('../src/nn/index.ts');
  const { NOTEBOOK_CONFIG, simulateBatch } = await import('../src/sim/index.ts');

  const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: NUM_OBS };
  const t0 = performance.now();
  const pool = simulateBatch(sim, 1, full ? 2 * TARGET_BATCH : 3 * SMALL_BATCHES[1]);
  const valSet = simulateBatch(sim, 2, 2);
  const simMsPerSet = (performance.now() - t0) / pool.n;

  /**
   * ms of each optimizer step of one epoch over `steps` batches of `batchSize` (the first is warm-up).
   * Aborted at a batch boundary when the time budget runs out (then null).
   */
  async function stepTimes(approx: InstanceType<typeof Approximator>, batchSize: number, steps: number): Promise<number[] | null> {
    const n = batchSize * steps;
    const P = pool.paramNames.length;
    const N = pool.numObs;
    const data = {
      ...pool,
      n,
      params: pool.params.subarray(0, n * P),
      rt: pool.rt.subarray(0, n * N),
      accuracy: pool.accuracy.subarray(0, n * N),
      conditions: pool.conditions.subarray(0, n * N),
    };
    const times: number[] = [];
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), Math.max(0, left()));
    let last = performance.now();
    try {
      await fit(approx, data, valSet, {
        epochs: 1,
        batchSize,
        lr: 5e-4,
        seed: 1,
        signal: stop.signal,
        onBatch: () => {
          const now = performance.now();
          times.push(now - last);
          last = now;
        },
      });
    } catch (e) {
      if (stop.signal.aborted) return null;
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return times;
  }

  /** ms per set per step already measured, to predict the next configuration before starting it. */
  const perSetMs = new Map<string, number>();
  // FLOP ratio e = 128 vs 64 (docs/design/networks.md#cost: 1.74 / 0.84) and cpu vs wasm (docs/design/gpu-path.md#backend-selection: 5–35×).
  const predictPerSet = (backend: string, embedDim: number): number | undefined => {
    const same = perSetMs.get(`${backend}/${embedDim}`);
    if (same !== undefined) return same;
    const otherEmbed = perSetMs.get(`${backend}/${embedDim === 64 ? 128 : 64}`);
    if (otherEmbed !== undefined) return embedDim === 128 ? otherEmbed * 2.1 : otherEmbed / 2.1;
    const wasm = perSetMs.get(`wasm/${embedDim}`) ?? (perSetMs.get('wasm/64') ?? Number.NaN) * (embedDim === 128 ? 2.1 : 1);
    return backend === 'cpu' && Number.isFinite(wasm) ? wasm * 10 : undefined;
  };

  const rows: StepRow[] = [];
  let sampling: Record<string, unknown> = { skipped: 'no backend had time left' };
  const backends: BackendName[] = webgpuMissing === null ? ['webgpu', 'wasm', 'cpu'] : ['wasm', 'cpu'];
  if (webgpuMissing !== null) rows.push({ backend: 'webgpu', embedDim: 0, numObs: NUM_OBS, skipped: webgpuMissing });

  for (const backend of backends) {
    try {
      await selectBackend(backend, { strict: true });
    } catch (e) {
      rows.push({ backend, embedDim: 0, numObs: NUM_OBS, skipped: e instanceof Error ? e.message : String(e) });
      continue;
    }
    for (const embedDim of [64, 128]) {
      const row: StepRow = { backend, embedDim, numObs: NUM_OBS };
      rows.push(row);
      const approx = new Approximator(defaultNetworkConfig({ paramDim: 6, embedDim, summaryDim: 16, numSeeds: 1 }), { seed: 1 });
      row.parameters = approx.parameterCounts.total;
      try {
        row.measured = [];
        const steps = backend === 'cpu' ? 2 : 3;
        for (const b of SMALL_BATCHES) {
          // steps + the 2-set validation, predicted from what was measured so far.
          const perSet = predictPerSet(backend, embedDim) ?? 0;
          if (left() < Math.max(perSet * b * (steps + 1), 5_000)) {
            row.skipped = `time budget (${budgetMs / 1000} s) too small for batch ${b} (predicted ${(perSet * b * (steps + 1) / 1000).toFixed(0)} s); raise NN_BENCH_BUDGET_S`;
            break;
          }
          const times = await stepTimes(approx, b, steps);
          if (times === null) {
            row.skipped = `time budget ran out while measuring batch ${b}`;
            break;
          }
          const ms = median(times.slice(1));
          row.measured.push({ batchSize: b, msPerStep: ms, timedSteps: times.length - 1 });
          perSetMs.set(`${backend}/${embedDim}`, ms / b);
        }
        const [m1, m2] = row.measured;
        if (m1 && m2) row.msPerSetPerStep = (m2.msPerStep - m1.msPerStep) / (m2.batchSize - m1.batchSize);
        const top = row.measured.at(-1);
        if (top) {
          // Proportional to the largest measured batch: the per-step fixed part (one clipped Adam update)
          // is small next to seconds per set at N = 500, and this is robust to timing noise, unlike the
          // slope between two noisy points.
          row.estimatedMsPerStepBatch64 = (top.msPerStep * TARGET_BATCH) / top.batchSize;
          if (full && left() > 3 * row.estimatedMsPerStepBatch64) {
            const t = await stepTimes(approx, TARGET_BATCH, 2);
            if (t !== null) row.measuredMsPerStepBatch64 = t[1]!;
          }
        }
        if (backend !== 'cpu' && embedDim === 64 && approx.standardization !== null && left() > 30_000) {
          const ts = performance.now();
          await samplePosterior(approx, valSet, approx.standardization, { numSamples: 250, steps: 100, seed: 1 });
          const sec = (performance.now() - ts) / 1000;
          sampling = { backend, embedDim, numObs: NUM_OBS, dataSets: 2, drawsPerSet: 250, eulerSteps: 100, seconds: sec, drawsPerSecond: 500 / sec };
        }
      } finally {
        approx.dispose();
      }
    }
  }
  return {
    note:
      'notebook network (BayesFlow defaults, num_seeds 1, summary_dim 16), N = 500 trials per set. ms per optimizer step ' +
      `measured at batch ${SMALL_BATCHES.join(' and ')} after a warm-up step; batch 64 estimated by scaling the larger ` +
      'one (cost is linear in the batch: micro-batched gradients + one Adam update). Draws per second include ' +
      'the summary network once per set.',
    simulateMsPerSet: simMsPerSet,
    trainingStep: rows,
    posteriorSampling: sampling,
    tfjsVersion: tf.version.tfjs,
    budgetSeconds: budgetMs / 1000,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
