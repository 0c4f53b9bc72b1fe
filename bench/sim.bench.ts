/**
 * Simulator throughput (issue 2, item 6): ms per 500-trial data set under the notebook prior (tmax 1500),
 * on the calling thread and on the Node worker pool with 1 and with N = cores workers. The NumPy reference
 * needs 21–26 ms per data set on one core (dmc-model.md §11.4); the goal is ≤ 0.4 ms per data set per core
 * and near-linear scaling. Each figure is the median of 3 timed runs after a warm-up run (JIT, worker start).
 */
import os from 'node:os';
import { NOTEBOOK_CONFIG, simulateBatch } from '../src/sim/index.ts';
import { NodeSimPool } from '../src/workers/node-sim-pool.ts';

const DATASETS = 2000;
const REPS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timePool(workers: number): Promise<number> {
  const pool = new NodeSimPool({ workers });
  try {
    await pool.warmUp();
    await pool.simulate(NOTEBOOK_CONFIG, 999, 50 * workers);
    const ms: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const t0 = performance.now();
      await pool.simulate(NOTEBOOK_CONFIG, r + 1, DATASETS);
      ms.push((performance.now() - t0) / DATASETS);
    }
    return median(ms);
  } finally {
    pool.dispose();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const cores = os.availableParallelism();
  simulateBatch(NOTEBOOK_CONFIG, 999, 200);
  const main: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    simulateBatch(NOTEBOOK_CONFIG, r + 1, DATASETS / 2);
    main.push((performance.now() - t0) / (DATASETS / 2));
  }
  const one = await timePool(1);
  const many = await timePool(cores);
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    setting: { prior: 'notebook', trialsPerDataset: NOTEBOOK_CONFIG.fixedNumObs, tmax: NOTEBOOK_CONFIG.tmax, datasets: DATASETS, reps: REPS },
    mainThreadMsPerDataset: round(median(main)),
    workers1MsPerDataset: round(one),
    workersN: cores,
    workersNMsPerDataset: round(many),
    workersNMsPerDatasetPerCore: round(many * cores),
    scaling: Math.round((one / many) * 100) / 100,
    numpyReferenceMsPerDataset: 25.6,
    speedupVsNumpyOneCore: Math.round(25.6 / one),
  };
}
