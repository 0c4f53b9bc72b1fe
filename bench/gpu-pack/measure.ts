/**
 * The GPU pack's measurements (docs/design/gpu-path.md#measuring-a-gpu-the-gpu-pack), bundled by
 * scripts/gpu-pack.mjs into gpu-pack/measure.mjs and run part by part by gpu-pack/run.sh: each part is its
 * own process with its own time limit (Dawn must be installed before tfjs loads, and a part that hangs or
 * dies must not take the others with it). Every part rewrites its result file (--out) as it goes, so a part
 * stopped at its limit still leaves what it measured; `combine` gathers the files into one JSON object.
 *
 *   node measure.mjs adapter|step|train|draws --out FILE [--quick] [part options]
 *   node measure.mjs combine --dir WORK_DIR
 *
 * Also runs unbundled from the repository: node --import tsx bench/gpu-pack/measure.ts … (Dawn from
 * node_modules, wasm binaries from the package).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { NETWORK, QUICK_NETWORK, TRAIN, TRAIN_QUICK } from './configs.ts';
import { compare, project, type PartFiles } from './project.ts';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    dir: { type: 'string' },
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'webgpu' },
    batch: { type: 'string', default: '64' },
    obs: { type: 'string', default: '500' },
    embed: { type: 'string', default: '64' },
    steps: { type: 'string', default: '20' },
    f16: { type: 'boolean', default: false },
  },
});
const part = positionals[0] ?? '';
/** The pack's root when bundled (measure.mjs sits in it); null when run from the repository. */
const here = dirname(fileURLToPath(import.meta.url));
const packRoot = existsSync(join(here, 'dawn', 'index.mjs')) ? here : null;

const result: Record<string, unknown> = { part, complete: false };
function save(): void {
  if (a.out !== undefined) writeFileSync(a.out, JSON.stringify(result) + '\n');
}
const message = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

async function webgpu(): Promise<string> {
  const { ensureNodeWebgpu } = await import('../../src/nn/node/index.ts');
  const dawnModule = packRoot !== null ? pathToFileURL(join(packRoot, 'dawn', 'index.mjs')).href : 'webgpu';
  return (await ensureNodeWebgpu({ dawnModule })).detail;
}

/** tfjs with this project's kernels on the chosen backend; wasm binaries from the pack when bundled. */
async function tfjs(backend: string) {
  const driver = backend === 'webgpu' ? await webgpu() : null;
  const tf = await import('@tensorflow/tfjs');
  const nn = await import('../../src/nn/index.ts');
  const sim = await import('../../src/sim/index.ts');
  if (packRoot !== null) nn.configureWasm(join(packRoot, 'wasm') + '/');
  await nn.selectBackend(backend as 'webgpu', { strict: true });
  result['backend'] = tf.getBackend();
  result['driver'] = driver;
  return { tf, nn, sim };
}

const LIMIT_NAMES = [
  'maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ', 'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage', 'maxUniformBufferBindingSize', 'maxBindGroups', 'minStorageBufferOffsetAlignment',
];

async function adapterPart(): Promise<void> {
  result['driver'] = await webgpu();
  type Adapter = { info?: Record<string, unknown>; features: Iterable<string>; limits: Record<string, number>; isFallbackAdapter?: boolean };
  const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(o: object): Promise<Adapter | null> } } }).navigator.gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('navigator.gpu.requestAdapter() returned null');
  const info = adapter.info ?? {};
  result['adapter'] = {
    vendor: info['vendor'], architecture: info['architecture'], device: info['device'], description: info['description'],
    isFallbackAdapter: info['isFallbackAdapter'] ?? adapter.isFallbackAdapter ?? false,
  };
  const features = [...adapter.features].sort();
  result['features'] = features;
  result['shaderF16'] = features.includes('shader-f16');
  result['limits'] = Object.fromEntries(LIMIT_NAMES.map((k) => [k, adapter.limits[k]]));
}

/** Training steps at one size: one warm-up step, one profiled (dispatches, uploads), then --steps timed. */
async function stepPart(): Promise<void> {
  const [batch, obs, embed, steps] = [Number(a.batch), Number(a.obs), Number(a.embed), Number(a.steps)];
  result['size'] = { batch, obs, embed, ...NETWORK, ...(a.quick ? QUICK_NETWORK : {}), matmulPrecision: a.f16 ? 'f16' : 'f32' };
  save();
  const { tf, nn, sim } = await tfjs(a.backend!);
  const train = sim.simulateBatch({ ...sim.NOTEBOOK_CONFIG, fixedNumObs: obs }, 1, batch * (steps + 2));
  const val = sim.simulateBatch({ ...sim.NOTEBOOK_CONFIG, fixedNumObs: obs }, 2, 2);
  const approx = new nn.Approximator(nn.defaultNetworkConfig({ paramDim: 6, embedDim: embed, ...NETWORK, ...(a.quick ? QUICK_NETWORK : {}) }), {
    seed: 1,
    ...(a.f16 ? { ops: { matmulPrecision: 'f16' as const } } : {}),
  });
  result['parameters'] = approx.parameterCounts.total;
  const profiler = nn.profileStepWrapper({ warmupSteps: 1, top: 8 });
  const times: number[] = [];
  const stop = new AbortController();
  const summary = (): Record<string, unknown> => {
    const s = [...times].sort((x, y) => x - y);
    const mean = s.reduce((x, y) => x + y, 0) / Math.max(1, s.length);
    return { timedSteps: s.length, msMedian: s[Math.floor(s.length / 2)] ?? null, msMean: s.length > 0 ? mean : null, msMin: s[0] ?? null, msMax: s.at(-1) ?? null };
  };
  try {
    const perPass = nn.autoMicroBatchSize(approx.config, obs, nn.backendMemoryBudget());
    result['microBatch'] = { setsPerPass: perPass, passesPerStep: Math.ceil(batch / perPass) };
  } catch (e) {
    result['microBatch'] = { error: message(e) };
  }
  // The first losses, to compare precisions and drivers (the same seed gives the same data and noise).
  const losses: number[] = [];
  const record = async (loss: unknown): Promise<void> => {
    if (!(loss instanceof tf.Tensor)) return;
    const v = (await loss.data())[0]!;
    if (losses.length < 4) losses.push(v);
    result['firstLosses'] = losses;
  };
  // Step 0 compiles the pipelines (warm-up), step 1 is profiled, steps 2 … steps+1 are timed from the
  // first kernel to the loss on the host, the previous step's work being done by then.
  const wrapStep = async <T>(step: number, run: () => Promise<T>): Promise<T> => {
    if (step <= 1) {
      const t = performance.now();
      const loss = await profiler.wrapStep(step, run);
      await record(loss);
      if (step === 0) result['warmupMs'] = performance.now() - t;
      else {
        const p = profiler.result();
        result['profile'] = p;
      }
      save();
      return loss;
    }
    const t = performance.now();
    const loss = await run();
    await record(loss);
    times.push(performance.now() - t);
    result['time'] = summary();
    save();
    if (step === steps + 1) stop.abort();
    return loss;
  };
  try {
    await nn.fit(approx, train, val, { epochs: 1, batchSize: batch, lr: 5e-4, seed: 1, signal: stop.signal, wrapStep });
  } catch (e) {
    if (!stop.signal.aborted) throw e;
  } finally {
    approx.dispose();
  }
}

async function trainPart(): Promise<void> {
  const c = a.quick ? TRAIN_QUICK : TRAIN;
  result['config'] = c;
  save();
  const { nn, sim } = await tfjs(a.backend!);
  const cfg = { ...sim.NOTEBOOK_CONFIG, fixedNumObs: c.obs };
  const train = sim.simulateBatch(cfg, c.seed, c.trainSets);
  const val = sim.simulateBatch(cfg, c.valSeed, c.valSets);
  const losses: number[] = [];
  const valLoss: number[] = [];
  const t0 = performance.now();
  const overrides = c.network === undefined ? {} : { ...c.network, mlpWidths: [...c.network.mlpWidths], flowWidths: [...c.network.flowWidths] };
  const out = await nn.runObjective(nn.trialSpec(c.hparams, { seed: c.seed, network: { overrides } }), train, val, {
    onBatch: (p) => {
      losses.push(p.loss);
      result['firstLosses'] = losses.slice(0, 8);
      save();
    },
    onEpoch: (r) => {
      valLoss.push(r.valLoss);
      result['valLoss'] = valLoss;
      result['seconds'] = (performance.now() - t0) / 1000;
      save();
    },
  });
  if (out.status !== 'complete') throw new Error('the run was pruned although nothing asked to prune it');
  result['seconds'] = (performance.now() - t0) / 1000;
  result['msPerStep'] = out.result.msPerStep;
  result['L'] = out.result.L;
  result['finalValLoss'] = valLoss.at(-1);
  result['targetValLoss'] = c.target;
  result['reachedTarget'] = (valLoss.at(-1) ?? Infinity) <= c.target;
}

/** Posterior draws per second: a fresh network (the cost does not depend on the weights), Euler steps. */
async function drawsPart(): Promise<void> {
  const c = a.quick ? { obs: 16, embed: 8, sets: 2, draws: 20, steps: 5 } : { obs: 500, embed: 64, sets: 2, draws: 250, steps: 100 };
  result['config'] = { ...c, ...NETWORK, ...(a.quick ? QUICK_NETWORK : {}) };
  save();
  const { nn, sim } = await tfjs(a.backend!);
  const data = sim.simulateBatch({ ...sim.NOTEBOOK_CONFIG, fixedNumObs: c.obs }, 3, c.sets);
  const approx = new nn.Approximator(nn.defaultNetworkConfig({ paramDim: 6, embedDim: c.embed, ...NETWORK, ...(a.quick ? QUICK_NETWORK : {}) }), { seed: 1 });
  const std = nn.fitStandardization(data);
  try {
    await nn.samplePosterior(approx, data, std, { numSamples: 10, steps: 2, seed: 1 }); // warm-up
    const t = performance.now();
    const x = await nn.samplePosterior(approx, data, std, { numSamples: c.draws, steps: c.steps, seed: 2 });
    const seconds = (performance.now() - t) / 1000;
    result['seconds'] = seconds;
    result['drawsPerSecond'] = (c.sets * c.draws) / seconds;
    result['finite'] = x.every(Number.isFinite);
  } finally {
    approx.dispose();
  }
}

function combine(): void {
  const dir = a.dir!;
  const parts: PartFiles = {};
  // A part stopped before it wrote anything still has its status file.
  const names = [...new Set(readdirSync(dir).filter((n) => /\.(json|status)$/.test(n)).map((n) => n.replace(/\.(json|status)$/, '')))].sort();
  for (const name of names) {
    const file = join(dir, `${name}.json`);
    let body: Record<string, unknown>;
    try {
      body = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : { complete: false };
    } catch (e) {
      body = { error: `unreadable result: ${message(e)}` };
    }
    const status = join(dir, `${name}.status`);
    if (existsSync(status)) body['status'] = readFileSync(status, 'utf8').trim();
    parts[name] = body;
  }
  const env = process.env;
  const manifest = packRoot !== null && existsSync(join(packRoot, 'manifest.json')) ? (JSON.parse(readFileSync(join(packRoot, 'manifest.json'), 'utf8')) as unknown) : null;
  const failed = Object.values(parts).some((p) => typeof p['error'] === 'string' || /^failed/.test(String(p['status'] ?? '')));
  const logFile = join(dir, 'all.log');
  const out = {
    gpuPack: manifest,
    quick: env['GPU_PACK_QUICK'] === '1',
    vulkanDriver: env['GPU_PACK_DRIVER'] || null,
    error: env['GPU_PACK_ERROR'] || null,
    seconds: Number(env['GPU_PACK_SECONDS'] ?? NaN),
    adapter: parts['adapter']?.['adapter'] ?? null,
    parts,
    comparison: compare(parts),
    projection: project(parts),
    ...(failed && existsSync(logFile) ? { logTail: readFileSync(logFile, 'utf8').slice(-3000) } : {}),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

const run: Record<string, () => Promise<void> | void> = { adapter: adapterPart, step: stepPart, train: trainPart, draws: drawsPart, combine };
const fn = run[part];
if (fn === undefined) {
  process.stderr.write(`measure: unknown part '${part}' (adapter, step, train, draws, combine)\n`);
  process.exit(2);
}
try {
  await fn();
  result['complete'] = true;
} catch (e) {
  result['error'] = message(e);
  process.exitCode = 1;
}
if (part !== 'combine') {
  save();
  process.stdout.write(JSON.stringify(result) + '\n');
}
// Dawn keeps the event loop alive: leave once the result is written.
process.exit(process.exitCode ?? 0);
