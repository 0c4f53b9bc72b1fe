/**
 * Networks brought back with the grown journal (issue 19, item 4): Results' import takes the journal and the
 * network files of networks/ together, links each file to the app's trial that is the same trial (the app
 * numbered it differently when it added a trial of its own after the export), stores it in the model store
 * (IndexedDB, fake-indexeddb) and marks the trial "trained on the cluster"; files of other trials or runs
 * are named and left out.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudy, floatDistribution, TrialState, type TrialTemplate } from '../../../src/engine/index.ts';
import {
  exportStudyJournal,
  JournalStorage,
  MemoryJournalBackend,
} from '../../../src/engine/storages/journal/index.ts';
import { defaultNetworkConfig, float32ToBase64, parseNetworkFile, type NetworkFile } from '../../../src/nn/pure.ts';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { ModelStore } from '../../../src/persistence/model-store.ts';
import { linkClusterNetworks } from '../../../src/state/cluster-networks.ts';
import { CONFIG_ATTR, createStudyFromConfig, modelKey } from '../../../src/state/study-meta.ts';
import { StudyResults, type ImportanceSource } from '../../../src/state/study-results.svelte.ts';
import { smokeStudyConfig } from '../../../src/study-config/index.ts';

const config = { ...smokeStudyConfig(), name: 'net-import' };

function trial(i: number, value: number): TrialTemplate {
  return {
    state: TrialState.COMPLETE,
    values: [value],
    datetimeStart: `2026-12-07T08:00:0${i}.123456`,
    datetimeComplete: `2026-12-07T08:10:0${i}.000000`,
    paramsInternal: { dropout: i / 10 },
    distributions: { dropout: floatDistribution(0, 1) },
  };
}

/** A network file as dmc_network.py writes it for the cluster's trial `n` (weights need not fit a network here). */
function clusterFile(n: number, L: number): NetworkFile {
  return parseNetworkFile({
    format: 'dmc-tune-network',
    version: 1,
    config: defaultNetworkConfig(),
    standardization: { mean: [0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1] },
    weights: [{ name: 'w', shape: [2], dtype: 'float32', data: float32ToBase64(Float32Array.from([1, 2])) }],
    metadata: {
      createdAt: '2026-12-07T09:00:00Z',
      paramNames: ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'],
      seed: 1,
      source: 'cluster',
      trialNumber: n,
      L,
      study: config.name,
    },
  });
}

let storage: IdbStorage;
let models: ModelStore;
const fanova: ImportanceSource = { importances: () => new Promise(() => {}) };

beforeEach(async () => {
  storage = await openIdbStorage(`nets-${Math.random()}`);
  models = await ModelStore.open(`models-${Math.random()}`);
});
afterEach(async () => {
  await storage.close();
  models.close();
});

/** The app's study (trials 0, 1 exported, then 2 of its own) and the journal grown on the cluster (trials 2, 3 new there). */
async function setup(): Promise<{ id: number; grown: string }> {
  const id = await createStudyFromConfig(storage, config);
  await storage.createNewTrial(id, trial(0, 0.9));
  await storage.createNewTrial(id, trial(1, 0.8));
  const cluster = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({ studyName: config.name, storage: cluster });
  await cluster.setStudyUserAttr(study.studyId, CONFIG_ATTR, config as never);
  for (const [i, v] of [
    [0, 0.9],
    [1, 0.8],
    [2, 0.5],
    [3, 0.4],
  ] as const)
    await cluster.createNewTrial(study.studyId, trial(i, v));
  await storage.createNewTrial(id, trial(7, 0.7));
  return { id, grown: await exportStudyJournal(cluster, study.studyId) };
}

describe('networks imported with the grown journal', () => {
  it('are linked to the same trials under the app numbers, stored, and marked trained on the cluster', async () => {
    const { id, grown } = await setup();
    const results = new StudyResults(storage, models, fanova);
    await results.load(id);
    const files = [
      { name: 'net-import-trial-2.json', text: JSON.stringify(clusterFile(2, 0.5)) },
      { name: 'net-import-trial-3.json', text: JSON.stringify(clusterFile(3, 0.4)) },
      { name: 'other-run-trial-1.json', text: JSON.stringify(clusterFile(1, 0.123)) },
      { name: 'notes.json', text: '{"hello": 1}' },
    ];
    expect(await results.importFromCluster(grown, 'grown.log', files)).toBe(true);
    expect(results.clusterStatus?.kind).toBe('ok');
    expect(results.clusterStatus?.text).toMatch(
      /^Imported 2 new trial\(s\) from grown\.log; 2 network\(s\) trained on the cluster; 2 already here\./,
    );
    expect(results.clusterStatus?.text).toContain('other-run-trial-1.json does not belong to trial 1');
    expect(results.clusterStatus?.text).toContain('notes.json is not a network file');
    // The cluster's trials 2 and 3 are the app's 3 and 4 (the app's own trial took number 2).
    expect([...results.clusterNetworks].sort()).toEqual([3, 4]);
    expect(results.networks.sort()).toEqual([3, 4]);
    const stored = await models.load(modelKey(id), 3);
    expect(stored?.metadata).toMatchObject({ trialNumber: 3, clusterTrialNumber: 2, L: 0.5, source: 'cluster' });
    expect((await models.list(modelKey(id))).map((s) => [s.trialNumber, s.source, s.L])).toEqual([
      [3, 'cluster', 0.5],
      [4, 'cluster', 0.4],
    ]);
    expect(results.trials.find((t) => t.number === 3)?.values).toEqual([0.5]);
  });

  it('a journal alone still imports; a file of a trial the journal lacks is named', async () => {
    const { id, grown } = await setup();
    const results = new StudyResults(storage, models, fanova);
    await results.load(id);
    expect(await results.importFromCluster(grown, 'grown.log')).toBe(true);
    expect(results.clusterStatus?.text).toBe('Imported 2 new trial(s) from grown.log; 2 already here.');
    const trials = await storage.getAllTrials(id);
    const links = linkClusterNetworks({ journalTrialKeys: [] }, trials, [
      { name: 'x.json', text: JSON.stringify(clusterFile(9, 0.5)) },
    ]);
    expect(links).toEqual({ links: [], problems: ['x.json: the journal has no trial 9 that is in this study'] });
  });
});
