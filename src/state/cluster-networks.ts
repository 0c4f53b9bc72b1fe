/**
 * Networks trained on the cluster, brought back with the grown journal: study.py's dmc_network.py writes
 * one file per COMPLETE trial (networks/<study>-trial-<n>.json), where n is the trial's number in the
 * cluster's study. Here each file is linked to the app's trial that is the same trial (start time and
 * parameters, as the journal merge identifies trials), whatever number the app gave it, and checked
 * against it: the trial must be COMPLETE with the value the file records.
 */
import { weightedSumOf } from './pareto.ts';
import { frozenKey, type MergePlan } from '../cluster/index.ts';
import { TrialState, type FrozenTrial } from '../engine/index.ts';
import { parseNetworkFile, type NetworkFile } from '../nn/pure.ts';
import { errorMessage } from '../shared/index.ts';

export interface PickedFile {
  name: string;
  text: string;
}

export interface NetworkLink {
  /** The app's trial number. */
  trialNumber: number;
  file: NetworkFile;
}

export interface NetworkLinks {
  links: NetworkLink[];
  /** One plain sentence per file that was not taken. */
  problems: string[];
}

/** Value agreement between the journal's L and the file's (both written from the same double by Python). */
const VALUE_TOLERANCE = 1e-9;

/** Network files of a cluster import linked to the app's trials (after the merge, `trials` holds the new ones too). */
export function linkClusterNetworks(
  plan: Pick<MergePlan, 'journalTrialKeys'>,
  trials: readonly FrozenTrial[],
  files: readonly PickedFile[],
): NetworkLinks {
  const byKey = new Map(trials.map((t) => [frozenKey(t), t]));
  const links: NetworkLink[] = [];
  const problems: string[] = [];
  const taken = new Set<number>();
  for (const f of files) {
    let file: NetworkFile;
    try {
      file = parseNetworkFile(f.text);
    } catch (e) {
      problems.push(`${f.name} is not a network file (${errorMessage(e)})`);
      continue;
    }
    const n = file.metadata['trialNumber'];
    if (file.metadata['source'] !== 'cluster' || typeof n !== 'number') {
      problems.push(`${f.name} was not written by study.py on the cluster (its metadata has no cluster trial number)`);
      continue;
    }
    const key = plan.journalTrialKeys[n];
    const trial = key === undefined ? undefined : byKey.get(key);
    if (trial === undefined) {
      problems.push(`${f.name}: the journal has no trial ${n} that is in this study`);
      continue;
    }
    // L: the trial's value, or in a Pareto study the L it recorded beside its objectives.
    const value = weightedSumOf(trial) ?? undefined;
    const L = file.metadata['L'];
    if (
      trial.state !== TrialState.COMPLETE ||
      value === undefined ||
      typeof L !== 'number' ||
      Math.abs(value - L) > VALUE_TOLERANCE * Math.max(1, Math.abs(value))
    ) {
      problems.push(
        `${f.name} does not belong to trial ${trial.number} (state or value differ: the file comes from another run of the study)`,
      );
      continue;
    }
    if (taken.has(trial.number)) {
      problems.push(`${f.name}: trial ${trial.number} already has a network in this import`);
      continue;
    }
    taken.add(trial.number);
    links.push({
      trialNumber: trial.number,
      file: { ...file, metadata: { ...file.metadata, trialNumber: trial.number, clusterTrialNumber: n } },
    });
  }
  return { links, problems };
}

/** True for a network file written on the cluster (Results marks its trial "trained on the cluster"). */
export function trainedOnCluster(file: Pick<NetworkFile, 'metadata'>): boolean {
  return file.metadata['source'] === 'cluster';
}
