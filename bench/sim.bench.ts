/**
 * Simulator throughput: ms per 500-trial data set under the notebook prior (tmax 1500),
 * on the calling thread and on the Node worker pool with 1 and with N = cores workers. The NumPy reference
 * needs 21–26 ms per data set on one core (docs/design/simulator.md#reference-numbers); the goal is ≤ 0.4 ms per data set per core
 * and near-linear scaling. Each figure is the median of 5 timed runs after a warm-up of 1000 data sets per thread (JIT tiers, worker start).
 * Besides wall time, the process CPU time (all threads) per data set is reported: on a shared machine it is
 * the better estimate of the per-core cost, while wall time shows the scaling actually obtained.
 */
import os from 'node:os';
import { NOTEBOOK_CONFIG, simulateBatch } from '../src/sim/index.ts';
import { median } from '../src/metrics/index.ts';
import { NodeSimPool } from '../src/workers/node-sim-pool.ts';

const DATASETS = 2000;
const REPS = 5;
/** Data sets simulated before timing: enough for V8 to reach its optimizing tier (200 were not). */
const WARM_UP = 1000;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timed(n: number, f: () => unknown): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs: wall / n, cpuMs: (c.user + c.system) / 1000 / n };
}

function medianTiming(ts: Timing[]): Timing {
  return { wallMs: median(ts.map((t) => t.wallMs)), cpuMs: median(ts.map((t) => t.cpuMs)) };
}

async function timePool(workers: number): Promise<Timing> {
  const pool = new NodeSimPool({ workers });
  try {
    await pool.warmUp();
    await pool.simulate(NOTEBOOK_CONFIG, 999, WARM_UP * workers);
    const ts: Timing[] = [];
    for (let r = 0; r < REPS; r++)
      ts.push(await timed(DATASETS, () => pool.simulate(NOTEBOOK_CONFIG, r + 1, DATASETS)));
    return medianTiming(ts);
  } finally {
    pool.dispose();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const cores = os.availableParallelism();
  simulateBatch(NOTEBOOK_CONFIG, 999, WARM_UP);
  const ts: Timing[] = [];
  for (let r = 0; r < REPS; r++)
    ts.push(await timed(DATASETS / 2, () => simulateBatch(NOTEBOOK_CONFIG, r + 1, DATASETS / 2)));
  const main = medianTiming(ts);
  const one = await timePool(1);
  const many = await timePool(cores);
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    setting: {
      prior: 'notebook',
      trialsPerDataset: NOTEBOOK_CONFIG.fixedNumObs,
      tmax: NOTEBOOK_CONFIG.tmax,
      datasets: DATASETS,
      reps: REPS,
    },
    loadAverage1m: os.loadavg()[0],
    mainThreadMsPerDataset: round(main.wallMs),
    mainThreadCpuMsPerDataset: round(main.cpuMs),
    workers1MsPerDataset: round(one.wallMs),
    workers1CpuMsPerDataset: round(one.cpuMs),
    workersN: cores,
    workersNMsPerDataset: round(many.wallMs),
    workersNCpuMsPerDataset: round(many.cpuMs),
    scaling: Math.round((one.wallMs / many.wallMs) * 100) / 100,
    numpyReferenceMsPerDataset: 25.6,
    speedupVsNumpyOneCore: Math.round(25.6 / one.wallMs),
  };
}
