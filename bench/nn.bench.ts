/**
 * `npm run bench -- nn [--batch 64 --obs 500 --embed 64 --seeds 7 --summary-dim 22 --dropout 0.1]
 *   [--backends wasm,webgpu] [--time-batch B --time-obs N --time-steps S] [--counts auto|compile-only|execute|skip]`
 *
 * Per backend, one training step of the network at that size (defaults: the size docs/ measured the
 * webgpu step at — batch 64 × N 500 × embed 64, 7 seeds, summary_dim 22, dropout 0.1): ms per optimizer
 * step, GPU dispatches per step, host→GPU bytes per step, peak tensor and GPU buffer bytes, and where the
 * dispatches go (src/nn/profiling/step-profiler.ts, over the second step of fit). webgpu runs in Node through Dawn
 * on a GPU's Vulkan driver, or on SwiftShader (CPU emulation) where there is none: there the full-size
 * step is counted in tfjs's compile-only mode (every program built, every upload made, nothing executed)
 * and the time is taken at a smaller size (2 × 100 unless --time-batch/--time-obs say otherwise), as a
 * before/after ratio on the same machine, never as GPU speed.
 *
 * Each backend runs in its own process (bench/nn-step.ts). With CUDA available to the system Python's
 * PyTorch, bench/reference/torch_reference.py times the same network size on the GPU in the same run.
 * NN_BENCH_TIMEOUT_S (default 1200) bounds each process.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
const SIZE_FLAGS = [
  'batch',
  'obs',
  'embed',
  'seeds',
  'summary-dim',
  'dropout',
  'time-batch',
  'time-obs',
  'time-steps',
  'counts',
] as const;

interface StepOut {
  backend: string;
  driver: string | null;
  size: { batch: number; obs: number; embed: number };
  microBatch?: unknown;
  parameters?: number;
  counts?: { mode: string; seconds: number; error: string | null; profile: Record<string, unknown> | null };
  time?: { batch: number; obs: number; msPerStep: number | null; warmupMs: number | null; error: string | null };
}

function lastJson(stdout: string): unknown {
  const line = stdout.trim().split('\n').at(-1);
  return line === undefined || line === '' ? null : JSON.parse(line);
}

function runBackend(backend: string, flags: string[], timeoutS: number): Record<string, unknown> {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'nn-step.ts'), '--backend', backend, ...flags],
    {
      encoding: 'utf8',
      timeout: timeoutS * 1000,
      maxBuffer: 1 << 26,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (r.status !== 0) {
    const why =
      r.signal !== null ? `killed by ${r.signal}${r.error ? ` (${r.error.message})` : ''}` : `exit ${r.status}`;
    return { backend, skipped: `${why}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  }
  const o = lastJson(r.stdout) as StepOut;
  const p = o.counts?.profile ?? null;
  const pick = (k: string): unknown => (p === null ? null : p[k]);
  return {
    backend,
    driver: o.driver,
    msPerStep: o.time?.msPerStep ?? null,
    timedAt: o.time ? { batch: o.time.batch, obs: o.time.obs, warmupMs: o.time.warmupMs, error: o.time.error } : null,
    countsMode: o.counts?.mode ?? null,
    dispatchesPerStep: pick('dispatchesPerStep'),
    dispatchesCountedAs: pick('dispatchesCountedAs'),
    kernelRecordsPerStep: pick('kernelRecordsPerStep'),
    uploadBytesPerStep: pick('uploadBytesPerStep'),
    uploadsPerStep: pick('uploadsPerStep'),
    uploadsCountedAs: pick('uploadsCountedAs'),
    uniformBytesPerStep: pick('uniformBytesPerStep'),
    jsRandomPerStep: pick('jsRandomPerStep'),
    peakBytes: pick('peakBytes'),
    peakGpuBufferBytes: pick('peakGpuBufferBytes'),
    countsError: o.counts?.error ?? null,
    detail: o,
  };
}

function torchCuda(size: Record<string, string>, timeoutS: number): Record<string, unknown> {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `PyTorch is not importable by ${PYTHON}` };
  if (probe.stdout.trim() !== 'True') return { skipped: 'PyTorch has no CUDA device here' };
  const r = spawnSync(PYTHON, [path.join(HERE, 'reference', 'torch_reference.py')], {
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    env: {
      ...process.env,
      TORCH_DEVICE: 'cuda',
      TORCH_NUM_OBS: size['obs'],
      TORCH_BATCHES: size['batch'],
      TORCH_EMBED_DIMS: size['embed'],
      TORCH_SUMMARY_DIM: size['summary-dim'],
      TORCH_NUM_SEEDS: size['seeds'],
      TORCH_DROPOUT: size['dropout'],
      TORCH_THREADS: String(os.cpus().length),
    },
  });
  if (r.status !== 0)
    return {
      skipped: `torch_reference.py failed (${r.signal ?? `exit ${r.status}`}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    };
  return {
    note: 'the same network size in PyTorch on CUDA (bench/reference/torch_reference.py), median of 2 steps after a warm-up',
    ...(lastJson(r.stdout) as object),
  };
}

export async function run(args: readonly string[] = []): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      backends: { type: 'string', default: 'wasm,webgpu' },
      ...Object.fromEntries(SIZE_FLAGS.map((f) => [f, { type: 'string' as const }])),
    },
  });
  const v = values as Record<string, string | undefined>;
  const size = {
    batch: '64',
    obs: '500',
    embed: '64',
    seeds: '7',
    'summary-dim': '22',
    dropout: '0.1',
    ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)),
  } as Record<string, string>;
  const flags = SIZE_FLAGS.flatMap((f) => (size[f] !== undefined ? [`--${f}`, size[f]] : []));
  const timeoutS = Number(process.env['NN_BENCH_TIMEOUT_S'] ?? 1200);
  const started = performance.now();
  const backends = (v['backends'] ?? 'wasm,webgpu').split(',').filter((b) => b !== '');
  const rows = backends.map((b) => {
    process.stderr.write(`bench nn: ${b} …\n`);
    return runBackend(b, flags, timeoutS);
  });
  return {
    note:
      'one optimizer step of fit after a warm-up step; counts from src/nn/profiling/step-profiler.ts (webgpu: dispatchWorkgroups, or programs built in ' +
      'compile-only mode; wasm: kernel records, no uploads). On SwiftShader msPerStep is at the smaller timedAt size and only a ratio.',
    size: {
      batch: Number(size['batch']),
      obs: Number(size['obs']),
      embed: Number(size['embed']),
      seeds: Number(size['seeds']),
      summaryDim: Number(size['summary-dim']),
      dropout: Number(size['dropout']),
    },
    backends: rows,
    torchCuda: torchCuda(size, timeoutS),
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
