/**
 * The study's exact training and validation sets for the cluster (training.npz, validation.npz): simulated
 * from the study seed the way the browser's run does (dataSeeds, toDmcConfig; src/state/study-run.svelte.ts),
 * so study.py trains and scores on the very data sets the browser's trials saw. Each file also holds the
 * seed it came from and the simulator settings. The arrays have the shapes of study.py's simulate():
 * parameters (n, 1) float64, rt / accuracy / conditions (n, num_obs, 1) float32, num_obs (n, 1) int64.
 */
import { dataSeeds, toDmcConfig, type StudyConfig } from '../study-config/index.ts';
import { npz, type NpyArray } from './npz.ts';
import type { ClusterFile } from './types.ts';

export const TRAINING_NPZ = 'training.npz';
export const VALIDATION_NPZ = 'validation.npz';

/** A batch of simulated data sets (src/sim DmcBatch). */
export interface DataSets {
  readonly n: number;
  readonly numObs: number;
  readonly paramNames: readonly string[];
  /** n × P, row-major. */
  readonly params: Float64Array;
  /** n × numObs each. */
  readonly rt: Float32Array;
  readonly accuracy: Float32Array;
  readonly conditions: Float32Array;
}

export type DmcSimulatorConfig = ReturnType<typeof toDmcConfig>;

/** n data sets of `dmc` under `seed`, exactly as the browser's simulation pool returns them. */
export type SimulateSets = (dmc: DmcSimulatorConfig, seed: number, n: number) => Promise<DataSets> | DataSets;

export interface ClusterData {
  /** null for an online study: its training batches are simulated on the cluster. */
  readonly training: DataSets | null;
  readonly validation: DataSets;
  readonly seeds: { readonly training: number; readonly validation: number };
  readonly simulator: DmcSimulatorConfig;
}

export async function clusterData(config: StudyConfig, simulate: SimulateSets): Promise<ClusterData> {
  const seeds = dataSeeds(config);
  const dmc = toDmcConfig(config);
  const training = config.data.mode === 'online' ? null : await simulate(dmc, seeds.training, config.data.trainingSets);
  const validation = await simulate(dmc, seeds.validation, config.data.validationSets);
  return { training, validation, seeds, simulator: dmc };
}

function setsNpz(sets: DataSets, seed: number, simulator: DmcSimulatorConfig): Uint8Array {
  const { n, numObs } = sets;
  const P = sets.paramNames.length;
  const arrays: Record<string, NpyArray> = {};
  sets.paramNames.forEach((name, j) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = sets.params[i * P + j]!;
    arrays[name] = { dtype: '<f8', shape: [n, 1], data: column };
  });
  for (const key of ['rt', 'accuracy', 'conditions'] as const)
    arrays[key] = { dtype: '<f4', shape: [n, numObs, 1], data: sets[key] };
  arrays['num_obs'] = { dtype: '<i8', shape: [n, 1], data: new Array<number>(n).fill(numObs) };
  arrays['seed'] = { dtype: '<i8', shape: [], data: [seed] };
  arrays['simulator'] = { dtype: 'str', value: JSON.stringify(simulator) };
  return npz(arrays);
}

export function dataFiles(data: ClusterData): ClusterFile[] {
  return [
    ...(data.training === null
      ? []
      : [{ path: TRAINING_NPZ, content: setsNpz(data.training, data.seeds.training, data.simulator) }]),
    { path: VALIDATION_NPZ, content: setsNpz(data.validation, data.seeds.validation, data.simulator) },
  ];
}
