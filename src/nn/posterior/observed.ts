/**
 * Posterior draws for observed data sets (one per participant) from a network file: the network is
 * rebuilt on the active backend, each data set becomes a one-set batch of its own length (the adapter
 * pads and masks sets of different lengths), and `samplePosterior` integrates the flow.
 */
import type { SimBatch } from '../model/adapter.ts';
import { samplePosterior, type SampleOptions } from './sample.ts';
import type { NetworkFile } from '../model/network-file.ts';
import { restoreNetwork } from '../networks/network-file-io.ts';

/** Trials of one observed data set, coded as the simulator codes them (rt s, accuracy 1/0, condition 0/1). */
export interface ObservedSet {
  rt: Float32Array;
  accuracy: Float32Array;
  conditions: Float32Array;
}

export interface ObservedDraws {
  /** (sets, numSamples, P) row-major on the parameter scale. */
  draws: Float32Array;
  paramNames: string[];
  numSamples: number;
}

export async function sampleObserved(
  file: NetworkFile | string,
  sets: readonly ObservedSet[],
  opts: SampleOptions,
): Promise<ObservedDraws> {
  if (sets.length === 0) throw new Error('sampleObserved: no data sets');
  const approx = await restoreNetwork(file);
  try {
    const names =
      typeof file === 'string' ? (JSON.parse(file) as NetworkFile).metadata.paramNames : file.metadata.paramNames;
    const p = names.length;
    const batches: SimBatch[] = sets.map((s, i) => {
      const n = s.rt.length;
      if (n < 1 || s.accuracy.length !== n || s.conditions.length !== n) {
        throw new Error(
          `sampleObserved: data set ${i} has rt/accuracy/conditions of lengths ${s.rt.length}/${s.accuracy.length}/${s.conditions.length}`,
        );
      }
      // parameters are unknown: a zero placeholder, never read while sampling
      return {
        n: 1,
        numObs: n,
        paramNames: names,
        params: new Float64Array(p),
        rt: s.rt,
        accuracy: s.accuracy,
        conditions: s.conditions,
      };
    });
    const draws = await samplePosterior(approx, batches, approx.standardization!, opts);
    return { draws, paramNames: [...names], numSamples: opts.numSamples };
  } finally {
    approx.dispose();
  }
}
