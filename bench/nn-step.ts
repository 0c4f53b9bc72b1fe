/**
 * One backend's figures for `npm run bench -- nn` (bench/nn.bench.ts starts this once per backend, in its
 * own process: webgpu needs Dawn installed before tfjs loads, and compile-only mode and a wasm heap are
 * best not shared). Prints one JSON object on the last stdout line.
 *
 *   node --import tsx bench/nn-step.ts --backend webgpu|wasm|cpu [--batch 64 --obs 500 --embed 64
 *     --seeds 7 --summary-dim 22 --dropout 0.1] [--counts auto|compile-only|execute|skip]
 *     [--time-batch B --time-obs N --time-steps S (0: no timing)] [--micro-batch M (forced sets per pass)]
 *     [--matmul-f16 (webgpu: the Dense products through MatMulF16, ops.matmulPrecision 'f16')]
 *
 * counts: StepProfiler (src/nn/profiling/step-profiler.ts) over the second optimizer step of fit at the full size;
 * `compile-only` (webgpu) builds every program and makes every upload without executing, so a full-size step
 * is counted without executing it on SwiftShader (auto: compile-only there, execute on a GPU driver and on
 * wasm/cpu). time: median ms of S optimizer steps after a warm-up step, unprofiled, at --time-batch ×
 * --time-obs (default the full size; on SwiftShader 2 × 100, where a full-size step takes many minutes).
 */
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '64' },
    obs: { type: 'string', default: '500' },
    embed: { type: 'string', default: '64' },
    seeds: { type: 'string', default: '7' },
    'summary-dim': { type: 'string', default: '22' },
    dropout: { type: 'string', default: '0.1' },
    counts: { type: 'string', default: 'auto' },
    'time-batch': { type: 'string' },
    'time-obs': { type: 'string' },
    'time-steps': { type: 'string', default: '1' },
    // Forces the sets per pass (default: the planner's choice for this backend), e.g. past the GPU's limits.
    'micro-batch': { type: 'string' },
    // Steps before the counted one (0: count the first step, pipelines compiled inside it).
    warmup: { type: 'string', default: '1' },
    'matmul-f16': { type: 'boolean', default: false },
  },
});
const int = (k: keyof typeof a): number => Number(a[k]);
const backend = a.backend!;

let driver: string | null = null;
if (backend === 'webgpu') {
  const { ensureNodeWebgpu } = await import('../src/nn/node/index.ts');
  driver = (await ensureNodeWebgpu()).detail;
}
const tf = await import('@tensorflow/tfjs');
const nn = await import('../src/nn/index.ts');
const { NOTEBOOK_CONFIG, simulateBatch } = await import('../src/sim/index.ts');

await nn.selectBackend(backend as 'wasm', { strict: true });

function network(embedDim: number): InstanceType<typeof nn.Approximator> {
  const config = nn.defaultNetworkConfig({
    paramDim: 6,
    embedDim,
    summaryDim: int('summary-dim'),
    numSeeds: int('seeds'),
    dropout: Number(a.dropout),
  });
  return new nn.Approximator(config, {
    seed: 1,
    ...(a['matmul-f16'] === true ? { ops: { matmulPrecision: 'f16' as const } } : {}),
  });
}

/** fit over `steps` batches of `batch` sets of `obs` trials; stopped before validation. */
async function fitSteps(
  batch: number,
  obs: number,
  steps: number,
  extra: Partial<Parameters<typeof nn.fit>[3]>,
  stop: AbortController,
) {
  const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: obs };
  const train = simulateBatch(sim, 1, batch * steps);
  const val = simulateBatch(sim, 2, 2);
  const approx = network(int('embed'));
  const parameters = approx.parameterCounts.total;
  let error: string | null = null;
  try {
    await nn.fit(approx, train, val, { epochs: 1, batchSize: batch, lr: 5e-4, seed: 1, signal: stop.signal, ...extra });
  } catch (e) {
    if (!stop.signal.aborted) error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    approx.dispose();
  }
  return { parameters, error };
}

const size = {
  batch: int('batch'),
  obs: int('obs'),
  embed: int('embed'),
  seeds: int('seeds'),
  summaryDim: int('summary-dim'),
  dropout: Number(a.dropout),
};
const out: Record<string, unknown> = {
  backend,
  driver,
  size,
  tfjs: tf.version.tfjs,
  matmulPrecision: a['matmul-f16'] === true ? 'f16' : 'f32',
};
const adapter = (
  tf.backend() as unknown as { device?: { limits: { maxBufferSize: number; maxStorageBufferBindingSize: number } } }
).device;
if (adapter !== undefined) {
  out['limits'] = {
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}
try {
  const config = network(size.embed);
  const plan = nn.autoMicroBatchSize(config.config, size.obs, nn.backendMemoryBudget());
  config.dispose();
  out['microBatch'] = {
    setsPerPass: plan,
    passesPerStep: Math.ceil(size.batch / plan),
    budget: nn.backendMemoryBudget(),
  };
} catch (e) {
  out['microBatch'] = { error: e instanceof Error ? e.message : String(e) };
}

// On a software GPU a full-size step executes for many minutes: counts compile-only, time a smaller step.
const software = driver !== null && /swiftshader|software driver/i.test(driver);
const counts = a.counts === 'auto' ? (software ? 'compile-only' : 'execute') : a.counts;
if (software && a['time-batch'] === undefined && a['time-obs'] === undefined) {
  a['time-batch'] = '2';
  a['time-obs'] = '100';
}
if (counts !== 'skip') {
  const stop = new AbortController();
  const compileOnly = counts === 'compile-only';
  const warmupSteps = int('warmup');
  const profiler = nn.profileStepWrapper({ warmupSteps, compileOnly, top: 15, onProfile: () => stop.abort() });
  const t0 = performance.now();
  const micro = a['micro-batch'] !== undefined ? { microBatchSize: Number(a['micro-batch']) } : {};
  const r = await fitSteps(size.batch, size.obs, warmupSteps + 1, { wrapStep: profiler.wrapStep, ...micro }, stop);
  out['parameters'] = r.parameters;
  out['counts'] = {
    mode: compileOnly ? 'compile-only' : 'execute',
    warmupSteps,
    seconds: (performance.now() - t0) / 1000,
    error: r.error,
    profile: profiler.result(),
  };
}

if (a['time-steps'] !== '0') {
  const batch = Number(a['time-batch'] ?? size.batch);
  const obs = Number(a['time-obs'] ?? size.obs);
  const steps = int('time-steps');
  const stop = new AbortController();
  const times: number[] = [];
  // CPU time of this process per step (user + system, every thread): on a shared, loaded machine it
  // is far steadier than wall time, and comparable with torch_reference.py's process_time at 1 thread.
  const cpuTimes: number[] = [];
  // fit no longer waits for a step's loss, so the timer waits for it here: a step's time is from its
  // first kernel to its loss on the host (the work of the step before is done by then). Adam's
  // dispatches of the last step are not waited for.
  const wrapStep = async <T>(step: number, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const c = process.cpuUsage();
    const loss = await run();
    if (loss instanceof tf.Tensor) await loss.data();
    times.push(performance.now() - t);
    const dc = process.cpuUsage(c);
    cpuTimes.push((dc.user + dc.system) / 1000);
    if (step === steps) stop.abort();
    return loss;
  };
  const r = await fitSteps(batch, obs, steps + 1, { wrapStep }, stop);
  const median = (xs: number[]): number | null =>
    xs.slice(1).sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)] ?? null;
  out['time'] = {
    batch,
    obs,
    warmupMs: times[0] ?? null,
    msPerStep: median(times),
    cpuMsPerStep: median(cpuTimes),
    timedSteps: times.length - 1,
    error: r.error,
  };
}
process.stdout.write(JSON.stringify(out) + '\n');
