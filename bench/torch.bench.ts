/**
 * `npm run bench -- torch`: the reference the networks benchmark is held against (the speed goal is BayesFlow
 * on PyTorch on the same device). Runs bench/reference/torch_reference.py — the notebook's network in PyTorch,
 * written from docs/design/networks.md — with the system Python (Debian `python3-torch`) on this machine's CPU, and checks
 * that its parameter count equals the tfjs network's, so both time the same architecture. Skipped, with the
 * reason, when PyTorch is not installed. Budget: TORCH_BENCH_TIMEOUT_S (default 600 s).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference', 'torch_reference.py');

interface TorchRow {
  embedDim: number;
  numObs: number;
  parameters: number;
  measured: { batchSize: number; msPerStep: number; timedSteps: number }[];
}

export async function run(): Promise<Record<string, unknown>> {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return {
      skipped: `PyTorch is not importable by ${PYTHON} (Debian: apt-get install python3-torch): ${(probe.stderr || String(probe.error)).trim().split('\n').at(-1)}`,
    };
  }
  const timeoutS = Number(process.env['TORCH_BENCH_TIMEOUT_S'] ?? 600);
  const res = spawnSync(PYTHON, [SCRIPT], {
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    env: { ...process.env, TORCH_THREADS: String(os.cpus().length) },
  });
  if (res.status !== 0) {
    return {
      skipped: `torch_reference.py failed (${res.signal ?? `exit ${res.status}`}): ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as {
    torch: string;
    threads: number;
    trainingStep: TorchRow[];
    posteriorSampling: unknown;
  };
  // The same architecture as the tfjs network: compare parameter counts with a freshly built one.
  const { selectBackend } = await import('../src/nn/runtime/backend.ts');
  const { Approximator, defaultNetworkConfig } = await import('../src/nn/index.ts');
  await selectBackend('cpu', { strict: true });
  const trainingStep = out.trainingStep.map((row) => {
    const approx = new Approximator(
      defaultNetworkConfig({ paramDim: 6, embedDim: row.embedDim, summaryDim: 16, numSeeds: 1 }),
      { seed: 1 },
    );
    const tfjs = approx.parameterCounts.total;
    approx.dispose();
    return { ...row, tfjsParameters: tfjs, sameParameterCount: tfjs === row.parameters };
  });
  return {
    note: 'the notebook network in PyTorch (bench/reference/torch_reference.py, from docs/design/networks.md; BayesFlow itself is not installable offline), CPU, same machine; ms per optimizer step = median of 2 after a warm-up, batch 64 measured, not scaled',
    torch: out.torch,
    threads: out.threads,
    trainingStep,
    posteriorSampling: out.posteriorSampling,
  };
}
