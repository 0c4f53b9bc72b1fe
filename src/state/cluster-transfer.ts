/**
 * The app's side of "Run on a cluster…": the export folder of a study as one .zip, and the grown
 * journal merged back into the same study (new finished trials appended, none duplicated; a journal of
 * another study refused before anything is written).
 */
import {
  clusterData,
  clusterExport,
  planClusterMerge,
  zipFiles,
  type ClusterOptions,
  type MergePlan,
  type SimulateSets,
} from '../cluster/index.ts';
import type { Storage } from '../engine/index.ts';
import { exportStudyJournal } from '../engine/index.ts';
import type { StudyConfig } from '../study-config/index.ts';
import type { NetworkLinks } from './cluster-networks.ts';
import { safeFileName } from '../shared/index.ts';

export interface ClusterArchive {
  fileName: string;
  bytes: Uint8Array;
  trialsCarried: number;
  trialsLeftOut: number;
}

/** `simulate`: the browser's simulation pool, so the archive carries the study's very training and validation sets. */
export async function clusterArchive(
  storage: Storage,
  studyId: number,
  config: StudyConfig,
  options: ClusterOptions,
  simulate: SimulateSets,
): Promise<ClusterArchive> {
  const journal = await exportStudyJournal(storage, studyId);
  const data = await clusterData(config, simulate);
  const result = clusterExport(config, journal, options, data);
  const folder = `${safeFileName(config.name)}-cluster`;
  return {
    fileName: `${folder}.zip`,
    bytes: zipFiles(folder, result.files),
    trialsCarried: result.trialsCarried,
    trialsLeftOut: result.trialsLeftOut,
  };
}

export async function mergeClusterJournal(storage: Storage, studyId: number, text: string): Promise<MergePlan> {
  const [name, userAttrs, trials] = await Promise.all([
    storage.getStudyNameFromId(studyId),
    storage.getStudyUserAttrs(studyId),
    storage.getAllTrials(studyId),
  ]);
  const plan = planClusterMerge({ name, userAttrs, trials }, text);
  for (const t of plan.newTrials) await storage.createNewTrial(studyId, t);
  return plan;
}

export function describeMerge(plan: MergePlan, fileName: string, networks?: NetworkLinks): string {
  const parts = [`Imported ${plan.newTrials.length} new trial(s) from ${fileName}`];
  if (networks !== undefined) parts.push(`${networks.links.length} network(s) trained on the cluster`);
  if (plan.alreadyPresent > 0) parts.push(`${plan.alreadyPresent} already here`);
  if (plan.unfinished > 0)
    parts.push(`${plan.unfinished} still running or waiting on the cluster (import again when they finish)`);
  if (plan.skipped.length > 0) parts.push(`${plan.skipped.length} operation(s) skipped by Optuna's replay rules`);
  const problems =
    networks === undefined || networks.problems.length === 0 ? '' : ` Not taken: ${networks.problems.join('; ')}.`;
  return `${parts.join('; ')}.${problems}`;
}
