/**
 * Cluster export (study.py, dmc_simulator.py, the journal so far, README.md, requirements.txt, a Slurm script) from a
 * StudyConfig and the study's journal, and the merge plan for the grown journal coming back. Pure: no
 * DOM, Svelte, tfjs or IndexedDB, so the CLI and the app share it.
 */
import type { StudyConfig } from '../study-config/index.ts';
import { dataFiles, type ClusterData } from './data.ts';
import { clusterJournal } from './journal.ts';
import { NETWORK_MODULE, networkPy } from './network-py.ts';
import { readme, SLURM_SCRIPT, slurmScript } from './readme.ts';
import { REQUIREMENTS_FILE, requirementsTxt } from './requirements.ts';
import { simulatorPy } from './simulator-py.ts';
import { studyPy } from './study-py.ts';
import { DEFAULT_CLUSTER_OPTIONS, type ClusterExport, type ClusterFile, type ClusterOptions } from './types.ts';

export {
  ClusterError,
  DEFAULT_CLUSTER_OPTIONS,
  type ClusterExport,
  type ClusterFile,
  type ClusterOptions,
} from './types.ts';
export { frozenKey, planClusterMerge, type MergePlan, type MergeTarget } from './merge.ts';
export { CONFIG_ATTR } from './journal.ts';
export { zipFiles } from './zip.ts';
export {
  clusterData,
  TRAINING_NPZ,
  VALIDATION_NPZ,
  type ClusterData,
  type DataSets,
  type SimulateSets,
} from './data.ts';
export { NETWORK_MODULE, NETWORKS_DIR, safeName, trialNetworkFile } from './network-py.ts';

export const JOURNAL_FILE = 'journal.log';

/**
 * The export folder's files for a study; `journalText` is the study's journal so far (null: none yet);
 * `data` the study's training and validation sets (clusterData; null: none, study.py then needs --simulate).
 */
export function clusterExport(
  config: StudyConfig,
  journalText: string | null,
  options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
  data: ClusterData | null = null,
): ClusterExport {
  const journal = clusterJournal(config, journalText);
  const files: ClusterFile[] = [
    { path: 'study.py', content: studyPy(config, options, JOURNAL_FILE), executable: true },
    { path: NETWORK_MODULE, content: networkPy(config) },
    ...(options.simulator === 'numpy' ? [{ path: 'dmc_simulator.py', content: simulatorPy(config) }] : []),
    { path: JOURNAL_FILE, content: journal.text },
    ...(data === null ? [] : dataFiles(data)),
    { path: 'README.md', content: readme(config, options, journal.carried) },
    { path: REQUIREMENTS_FILE, content: requirementsTxt() },
    { path: SLURM_SCRIPT, content: slurmScript(config), executable: true },
  ];
  return { files, studyName: config.name, trialsCarried: journal.carried, trialsLeftOut: journal.leftOut };
}
