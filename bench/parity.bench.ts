/**
 * `npm run bench -- parity` (not part of CI, and not run by a bare `npm run bench`): the learning-parity
 * benchmark. Our network (tfjs, wasm, trained by `runObjective` as the CLI's `train` does) and the same
 * network in PyTorch (bench/reference/torch_parity.py on torch_reference.py's model, CPU) are trained on
 * the same simulated data sets — the file holds the inputs exactly as our adapter builds them — with
 * the same initializers, optimizer, clipping, schedule, loss and time sampling, once per seed. Both
 * report per-epoch losses, a final validation loss on the same fixed (x0, t) draws, and posterior
 * draws scored by the same diagnostics code (src/metrics). The figure of merit: the mean final
 * validation losses over the seeds agree within 5 %, at a budget where b and mu_r contract ≥ 0.3.
 *
 * Where the two sides could differ, and what makes them equal:
 * - data and standardization: one file, built by our adapter (`buildHostInputs` on `fitStandardization`
 *   of the training sets), so torch trains on the very bytes `fit` uploads — parameters standardized
 *   (ddof 1), trials raw, the direct condition sqrt(N) as our objective passes it;
 * - architecture: torch_reference.py (from docs/design/networks.md); equal parameter counts are checked;
 * - initial weights: Keras' initializers with Keras' fans in torch_parity.py, not torch's defaults;
 * - optimizer: Keras' Adam (β 0.9/0.999, ε 1e-7 outside the bias correction) and per-variable
 *   g·c/max(‖g‖, c) clipping, not torch.optim.Adam / clip_grad_norm_; the schedule's formula and
 *   constants come from src/nn/training/ through the file header;
 * - loss and time sampling: x0 ~ N(0, I), one t ~ U[0, 1) per data set, MSE over batch × parameters;
 *   reshuffled batches, last partial batch kept, batch-weighted epoch means, non-finite steps skipped;
 * - validation: dropout off; the final loss on the same fixed draws on both sides;
 * - sampling: Euler with the same draws and steps; both sides' draws scored by src/metrics.
 * The same-weights check (bench/parity/check.ts) shows the math equal: our initial weights in torch,
 * one batch, no dropout, loss, gradient norms and the loss after one Adam step.
 * What stays different by construction: the random values (initial weights, shuffles, training draws,
 * dropout masks, posterior noise: same distributions, other generators), our dropout rate quantized to
 * 1/65536, mish in one-exp form (≤ 2.4e-7) and tfjs's erf approximation (≤ 1.5e-7), and the kernels'
 * summation order. Hence several seeds and a tolerance, not equality.
 *
 * By default the reference is BayesFlow 2.0.5 itself (bench/parity/bayesflow.ts,
 * bench/reference/bayesflow_parity.py on the .venv): from our initial weights, mapped by the cluster export's
 * dmc_network.py, with its own fit, keras Adam(clipnorm) and CosineDecay set to our schedule.
 *
 * Budget: PARITY_* variables (bench/parity/budget.ts); PYTHON (default /usr/bin/python3); the two sides
 * run concurrently, one thread each (TORCH_THREADS, default 1). PARITY_KEEP=DIR keeps the data file
 * and the torch draws in DIR; PARITY_CHECK_ONLY=1 runs only the same-weights check (seconds).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFloat32File, writeParityFile } from './parity/data-file.ts';
import { selectBackend } from '../src/nn/index.ts';
import { budgetFromEnv, type ParityBudget } from './parity/budget.ts';
import { buildParityData, parityHeader } from './parity/setup.ts';
import { maxRelativeDifference, ourCheck, type CheckSide } from './parity/check.ts';
import { scoreDraws, trainOurs, type ImplRun } from './parity/ours.ts';
import { bayesflowAvailable, runBayesflow, type BayesflowOut } from './parity/bayesflow.ts';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference', 'torch_parity.py');
/** Agreement asked of the mean final validation losses. */
const TOLERANCE = 0.05;
/** Contraction of b and mu_r that shows the budget learns. */
const LEARNS = 0.3;

interface TorchOut {
  torch: string;
  device: string;
  threads: number;
  parameters: number;
  runs: {
    seed: number;
    epochs: { loss: number; valLoss: number }[];
    finalValLoss: number;
    msPerStep: number;
    samplingS: number;
    drawsFile: string;
  }[];
}

function runTorch(dataFile: string, outDir: string): Promise<TorchOut> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, dataFile, outDir], {
      env: { ...process.env, TORCH_THREADS: process.env['TORCH_THREADS'] ?? '1', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0)
        reject(
          new Error(
            `torch_parity.py failed (${signal ?? `exit ${code}`}): ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as TorchOut);
    });
  });
}

/** Same initial weights, same batch, no dropout, one Adam step, on both sides (bench/parity/check.ts). */
async function sameWeightsCheck(
  budget: ParityBudget,
  data: ReturnType<typeof buildParityData>,
  dir: string,
): Promise<Record<string, unknown>> {
  const { arrays, names, ours } = await ourCheck(budget, data);
  const file = path.join(dir, 'parity-check.bin');
  await writeParityFile(file, { ...parityHeader(budget, data.val.paramNames), names }, arrays);
  const res = spawnSync(PYTHON, [SCRIPT, '--check', file], {
    encoding: 'utf8',
    env: { ...process.env, TORCH_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (res.status !== 0)
    throw new Error(`torch_parity.py --check failed: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const torch = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as CheckSide;
  const rel = (x: number, y: number): number => Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
  return {
    note: 'our seed-1 initial weights copied into torch; first validation batch, fixed draws, no dropout; one clipped Adam step at lr',
    loss: { tfjs: ours.loss, torch: torch.loss, relativeDifference: rel(ours.loss, torch.loss) },
    lossAfterStep: {
      tfjs: ours.lossAfterStep,
      torch: torch.lossAfterStep,
      relativeDifference: rel(ours.lossAfterStep, torch.lossAfterStep),
    },
    // Norms below 1e-6 of the largest are rounding of an analytically zero gradient (see maxRelativeDifference).
    gradNorms: maxRelativeDifference(ours.gradNorms, torch.gradNorms, 1e-6 * Math.max(...ours.gradNorms)),
    variables: names.length,
  };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/** tfjs against a reference side (`torch` or `bayesflow`, the key its figures appear under). */
function summarize(b: ParityBudget, ours: ImplRun[], torch: ImplRun[], reference = 'torch'): Record<string, unknown> {
  const loss = { tfjs: mean(ours.map((r) => r.finalValLoss)), [reference]: mean(torch.map((r) => r.finalValLoss)) };
  const rel = Math.abs(loss.tfjs - loss[reference]!) / loss[reference]!;
  const contraction = (runs: ImplRun[], p: string): number =>
    mean(runs.map((r) => r.metrics['Posterior Contraction']![p]!));
  const c = {
    tfjs: { b: contraction(ours, 'b'), mu_r: contraction(ours, 'mu_r') },
    [reference]: { b: contraction(torch, 'b'), mu_r: contraction(torch, 'mu_r') },
  };
  const perParam = (runs: ImplRun[], row: 'NRMSE' | 'Posterior Contraction'): Record<string, number> =>
    Object.fromEntries(Object.keys(runs[0]!.metrics[row]).map((p) => [p, mean(runs.map((r) => r.metrics[row][p]!))]));
  return {
    seeds: b.seeds,
    meanFinalValLoss: loss,
    sdFinalValLoss: { tfjs: sd(ours.map((r) => r.finalValLoss)), [reference]: sd(torch.map((r) => r.finalValLoss)) },
    relativeDifference: rel,
    within5Percent: rel <= TOLERANCE,
    contraction: c,
    meanContraction: {
      tfjs: perParam(ours, 'Posterior Contraction'),
      [reference]: perParam(torch, 'Posterior Contraction'),
    },
    meanNrmse: { tfjs: perParam(ours, 'NRMSE'), [reference]: perParam(torch, 'NRMSE') },
    learns: [c.tfjs.b, c.tfjs.mu_r, c[reference]!.b, c[reference]!.mu_r].every((x) => x >= LEARNS),
    msPerStep: { tfjs: mean(ours.map((r) => r.msPerStep)), [reference]: mean(torch.map((r) => r.msPerStep)) },
  };
}

/** Our draws' scoring of a reference side's runs (torch or BayesFlow), read from the files it wrote. */
async function scoreReference(
  budget: ParityBudget,
  data: ReturnType<typeof buildParityData>,
  runs: TorchOut['runs'],
): Promise<ImplRun[]> {
  const out: ImplRun[] = [];
  for (const r of runs) {
    const n = budget.valSets * budget.posteriorDraws * data.val.paramNames.length;
    const draws = await readFloat32File(r.drawsFile, n);
    out.push({
      seed: r.seed,
      epochs: r.epochs,
      finalValLoss: r.finalValLoss,
      msPerStep: r.msPerStep,
      samplingS: r.samplingS,
      ...scoreDraws(budget, data, draws),
    });
  }
  return out;
}

/**
 * The reference: PARITY_REFERENCE=bayesflow (the default) runs BayesFlow 2.0.5 itself (the .venv) against ours,
 * from our initial weights; =torch the hand-written PyTorch reference, a second check; =bayesflow,torch both.
 */
export async function run(): Promise<Record<string, unknown>> {
  const references = (process.env['PARITY_REFERENCE'] ?? 'bayesflow').split(',');
  if (references.includes('bayesflow') && !references.includes('torch')) return runBayesflowOnly();
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return {
      skipped: `PyTorch is not importable by ${PYTHON} (Debian: apt-get install python3-torch): ${(probe.stderr || String(probe.error)).trim().split('\n').at(-1)}`,
    };
  }
  const budget = budgetFromEnv(process.env);
  const keep = process.env['PARITY_KEEP'];
  const dir = keep
    ? (await mkdir(keep, { recursive: true }), keep)
    : await mkdtemp(path.join(os.tmpdir(), 'dmc-parity-'));
  try {
    const t0 = performance.now();
    const data = buildParityData(budget);
    const dataFile = path.join(dir, 'parity-data.bin');
    await writeParityFile(dataFile, parityHeader(budget, data.train.paramNames), data.arrays);
    process.stderr.write(
      `parity: ${budget.trainSets} + ${budget.valSets} sets of ${budget.obs} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s, data in ${dataFile}\n`,
    );
    await selectBackend('wasm', { strict: true });
    const check = await sameWeightsCheck(budget, data, dir);
    process.stderr.write(`parity: same-weights check ${JSON.stringify(check)}\n`);
    if (process.env['PARITY_CHECK_ONLY'] === '1') return { budget, check };
    // Both sides at once, one thread each: the wall time is the slower side's, not the sum.
    const torchPromise = runTorch(dataFile, dir);
    torchPromise.catch(() => undefined); // awaited below; keeps an early failure from being unhandled meanwhile
    const { runs: ours, parameters: tfjsParameters } = await trainOurs(budget, data);
    let torchOut: TorchOut;
    try {
      torchOut = await torchPromise;
    } catch (e) {
      // Our side took most of the time: keep its figures rather than losing them with the error.
      return {
        budget,
        check,
        failed: e instanceof Error ? e.message : String(e),
        runs: { tfjs: ours },
        parameters: { tfjs: tfjsParameters },
      };
    }
    const torch: ImplRun[] = [];
    for (const r of torchOut.runs) {
      const n = budget.valSets * budget.posteriorDraws * data.val.paramNames.length;
      const draws = await readFloat32File(r.drawsFile, n);
      torch.push({
        seed: r.seed,
        epochs: r.epochs,
        finalValLoss: r.finalValLoss,
        msPerStep: r.msPerStep,
        samplingS: r.samplingS,
        ...scoreDraws(budget, data, draws),
      });
    }
    const parameters = { tfjs: tfjsParameters, torch: torchOut.parameters };
    return {
      note:
        'final val loss: no dropout, the same fixed (x0, t) draws on both sides (valReps per validation set), mean over sets; ' +
        'per-epoch valLoss: fresh draws each epoch on each side (noisy by construction, as fit does); ' +
        'contraction/NRMSE from posteriorDraws Euler draws per validation set, scored by src/metrics on both sides; ' +
        'relativeDifference = |tfjs − torch| / torch of the seed means',
      budget,
      torch: { version: torchOut.torch, device: torchOut.device, threads: torchOut.threads },
      parameters: { ...parameters, same: parameters.tfjs === parameters.torch },
      check,
      runs: { tfjs: ours, torch },
      summary: summarize(budget, ours, torch),
    };
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

/** Ours against BayesFlow 2.0.5 (bench/parity/bayesflow.ts), both sides at once, from the same initial weights. */
async function runBayesflowOnly(): Promise<Record<string, unknown>> {
  if (!bayesflowAvailable()) return { skipped: 'the .venv is missing: run npm run setup:python' };
  const budget = budgetFromEnv(process.env);
  const keep = process.env['PARITY_KEEP'];
  const dir = keep
    ? (await mkdir(keep, { recursive: true }), keep)
    : await mkdtemp(path.join(os.tmpdir(), 'dmc-parity-'));
  try {
    const data = buildParityData(budget);
    const dataFile = path.join(dir, 'parity-data.bin');
    await writeParityFile(dataFile, parityHeader(budget, data.train.paramNames), data.arrays);
    await selectBackend('wasm', { strict: true });
    const bfPromise = runBayesflow(budget, data, dataFile, dir);
    bfPromise.catch(() => undefined);
    const { runs: ours, parameters: tfjsParameters } = await trainOurs(budget, data);
    let bf: BayesflowOut;
    try {
      bf = await bfPromise;
    } catch (e) {
      return {
        budget,
        failed: e instanceof Error ? e.message : String(e),
        runs: { tfjs: ours },
        parameters: { tfjs: tfjsParameters },
      };
    }
    const bayesflow = await scoreReference(budget, data, bf.runs);
    return {
      note:
        'BayesFlow 2.0.5 trains from our initial weights (dmc_network.load_weights) with keras Adam(clipnorm) and CosineDecay set to our schedule; ' +
        'final val loss: no dropout, the same fixed (x0, t) draws on both sides; contraction/NRMSE scored by src/metrics on both sides',
      budget,
      bayesflow: bf.versions,
      parameters: { tfjs: tfjsParameters, bayesflow: bf.parameters, same: tfjsParameters === bf.parameters },
      // The same initial weights on both sides: the fixed-draw validation loss before training.
      initialValLoss: bf.runs.map((r) => ({
        seed: r.seed,
        tfjs: bf.initialValLoss?.[r.seed],
        bayesflow: r.initialValLoss,
      })),
      runs: { tfjs: ours, bayesflow },
      summary: summarize(budget, ours, bayesflow, 'bayesflow'),
    };
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}
