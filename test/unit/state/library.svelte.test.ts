/** Study library and workbench actions over a real IndexedDB journal (fake-indexeddb). */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudyDirection, TrialState } from '../../../src/engine/index.ts';
import { openIdbStorage, type IdbStorage } from '../../../src/persistence/idb-storage.ts';
import { smokeStudyConfig } from '../../../src/study-config/index.ts';
import { BackendStatus } from '../../../src/state/backends.svelte.ts';
import { StudyLibrary, type NetworkLibrary } from '../../../src/state/library.svelte.ts';
import { trialNote } from '../../../src/ui/results-text.ts';
import type { Router } from '../../../src/state/router.svelte.ts';
import { finalNetworkKey } from '../../../src/state/final-network-support.ts';
import { CONFIG_ATTR, createStudyFromConfig, modelKey } from '../../../src/state/study-meta.ts';
import type { StudyRun } from '../../../src/state/study-run.svelte.ts';
import { Workbench } from '../../../src/state/workbench.svelte.ts';

const FIXTURE = readFileSync('test/fixtures/journal/optuna31-demo.log', 'utf8');

class FakeNetworks implements NetworkLibrary {
  files = new Map<string, unknown>();
  async deleteStudy(key: string): Promise<number> {
    let n = 0;
    // The store's key is exact (a study's final networks have a key of their own).
    for (const k of [...this.files.keys()]) if (k.slice(0, k.lastIndexOf('/')) === key && this.files.delete(k)) n++;
    return n;
  }
  async list(key?: string): Promise<{ trialNumber: number }[]> {
    return [...this.files.keys()]
      .filter((k) => key === undefined || k.startsWith(`${key}/`))
      .map((k) => ({ trialNumber: Number(k.split('/')[1]) }));
  }
  async load(key: string, n: number): Promise<unknown> {
    return this.files.get(`${key}/${n}`);
  }
  async save(key: string, n: number, file: never): Promise<unknown> {
    this.files.set(`${key}/${n}`, file);
    return undefined;
  }
}

let storage: IdbStorage;
let networks: FakeNetworks;
let library: StudyLibrary;

beforeEach(async () => {
  storage = await openIdbStorage(`lib-${Math.random()}`);
  networks = new FakeNetworks();
  library = new StudyLibrary(storage, networks);
});
afterEach(async () => {
  await storage.close();
});

describe('StudyLibrary', () => {
  it('lists studies with progress, budget and best value, newest first', async () => {
    const a = await createStudyFromConfig(storage, smokeStudyConfig());
    const t = await storage.createNewTrial(a);
    await storage.setTrialStateValues(t, TrialState.COMPLETE, [0.5]);
    const t2 = await storage.createNewTrial(a);
    await storage.setTrialStateValues(t2, TrialState.COMPLETE, [0.25]);
    await library.importJournal(FIXTURE, 'optuna.log');
    await library.refresh();
    const [imported, smoke] = library.studies!;
    expect(smoke).toMatchObject({
      name: 'smoke',
      nTrials: 2,
      complete: 2,
      budget: 3,
      best: { number: 1, value: 0.25 },
      configProblem: null,
    });
    expect(imported).toMatchObject({
      name: 'demo',
      nTrials: 3,
      complete: 2,
      pruned: 1,
      budget: null,
      best: { number: 0, value: 0.669 },
    });
    expect(imported!.configProblem).toMatch(/no dmc-tune configuration/);
  });

  it("takes a maximized study's highest value as its best", async () => {
    const id = await storage.createNewStudy([StudyDirection.MAXIMIZE], 'accuracy');
    for (const v of [0.5, 0.9, 0.7]) {
      const t = await storage.createNewTrial(id);
      await storage.setTrialStateValues(t, TrialState.COMPLETE, [v]);
    }
    await library.refresh();
    expect(library.studies![0]).toMatchObject({ name: 'accuracy', best: { number: 1, value: 0.9 } });
  });

  it('counts failed trials and sums the trial time of an imported journal with failures', async () => {
    await library.importJournal(readFileSync('test/fixtures/journal/failures.log', 'utf8'), 'failures.log');
    await library.refresh();
    const [entry] = library.studies!;
    expect(entry).toMatchObject({
      name: 'failures',
      nTrials: 6,
      complete: 2,
      pruned: 1,
      failed: 3,
      best: { number: 5, value: 0.655 },
    });
    // 5.08 + 1.5 + 11.2 + 2 + 47 + 123.4 s
    expect(entry!.trialSeconds).toBeCloseTo(190.18, 2);
    const reasons = (await storage.getAllTrials(entry!.studyId)).map((t) => trialNote(t)?.text ?? null);
    expect(reasons).toEqual([
      null,
      'Failed: Aborted()',
      'Failed: RuntimeError: memory access out of bounds',
      'Cancelled from the Run view.',
      null,
      null,
    ]);
  });

  it('renames, and reports a taken name on the study’s row', async () => {
    const a = await createStudyFromConfig(storage, smokeStudyConfig());
    await createStudyFromConfig(storage, { ...smokeStudyConfig(), name: 'other' });
    expect(await library.rename(a, 'renamed')).toBe(true);
    expect(await storage.getStudyNameFromId(a)).toBe('renamed');
    expect(await library.rename(a, 'other')).toBe(false);
    expect(library.rowError(a)).toMatch(/^Rename failed: .*other/);
    expect(await library.rename(a, '  ')).toBe(false);
    expect(library.rowError(a)).toBe('Rename failed: the new name is empty');
  });

  it('duplicates a study with its stored networks, and deletes one with its networks', async () => {
    const a = await createStudyFromConfig(storage, smokeStudyConfig());
    await networks.save(modelKey(a), 0, { w: 1 } as never);
    await networks.save(finalNetworkKey(modelKey(a)), 0, { w: 2 } as never);
    expect(await library.duplicate(a)).toBe(true);
    const copy = library.studies!.find((s) => s.name === 'smoke copy')!;
    expect(await networks.load(modelKey(copy.studyId), 0)).toEqual({ w: 1 });
    expect((await storage.getStudyUserAttrs(copy.studyId))[CONFIG_ATTR]).toBeDefined();
    expect(await library.delete(a)).toBe(true);
    expect(await networks.list(modelKey(a))).toEqual([]);
    expect(networks.files.has(`${finalNetworkKey(modelKey(a))}/0`)).toBe(false);
    expect(library.studies!.map((s) => s.name)).toEqual(['smoke copy']);
  });

  it('imports a journal under a free name and exports it back unchanged', async () => {
    const [first] = await library.importJournal(FIXTURE, 'a.log');
    const [second] = await library.importJournal(FIXTURE, 'b.log');
    expect(library.importStatus).toEqual({ kind: 'ok', text: 'Imported 1 study from b.log: demo (2).' });
    const one = await library.exportJournal(first!);
    const two = await library.exportJournal(second!);
    expect(two!.replace('"demo (2)"', '"demo"')).toBe(one);
    const [again] = await library.importJournal(one!, 'c.log');
    expect(await storage.getAllTrials(again!)).toHaveLength(3);
  });

  it('refuses a broken journal without touching the library', async () => {
    expect(
      await library.importJournal(
        '{"op_code": 0, "worker_id": "w", "study_name": "x"}\n{"op_code": 1, "worker_id": "w", "study_id": 0}\n',
        'bad.log',
      ),
    ).toEqual([]);
    expect(library.importStatus?.kind).toBe('error');
    expect(library.importStatus?.text).toMatch(/^Could not import bad\.log: .*line 1/);
    expect(await library.importJournal('', 'empty.log')).toEqual([]);
    expect(library.importStatus?.text).toMatch(/^Could not import empty\.log: the file is empty/);
    expect(await storage.getAllStudies()).toEqual([]);
  });

  it('offers the valid prefix of a journal damaged in the middle, and imports it when accepted', async () => {
    const text =
      '{"op_code": 0, "worker_id": "w", "study_name": "x", "directions": [1]}\n' +
      '{"op_code": 4, "worker_id": "w", "study_id": 0, "datetime_start": "2024-01-01T00:00:00.000000"}\n' +
      '{"op_code": 6, "worker_id": "w", "trial_id": 0, "sta\n' +
      '{"op_code": 1, "worker_id": "w", "study_id": 0}\n';
    expect(await library.importJournal(text, 'mid.log')).toEqual([]);
    const st = library.importStatus;
    expect(st?.kind).toBe('damaged');
    if (st?.kind !== 'damaged') return;
    expect([st.line, st.validOps]).toEqual([3, 2]);
    expect(await storage.getAllStudies()).toEqual([]);
    const ids = await st.accept();
    expect(ids).toHaveLength(1);
    expect((await storage.getAllTrials(ids[0]!)).map((t) => t.state)).toEqual([0]);
    expect(library.importStatus?.kind).toBe('ok');
    expect(library.importStatus?.text).toMatch(/line 3 and everything after it were left out/);
  });
});

describe('Workbench', () => {
  function bench(): { w: Workbench; ran: number[]; went: unknown[] } {
    const ran: number[] = [];
    const went: unknown[] = [];
    const run = { active: false, studyName: '', run: async (id: number) => void ran.push(id) } as unknown as StudyRun;
    const router = { go: (r: unknown) => went.push(r) } as unknown as Router;
    const backends = new BackendStatus({
      probeBackends: async () => [
        { backend: 'webgpu', available: false, software: false, reason: 'navigator.gpu is undefined' },
        { backend: 'wasm', available: true, software: false, reason: 'available' },
      ],
      selectBackend: async () => ({ backend: 'wasm', fallbacks: [{ backend: 'webgpu', reason: 'no adapter' }] }),
    });
    void backends.load();
    return { w: new Workbench({ storage, library, run, router, backends }), ran, went };
  }

  it('runs the demo with the CPU preset without a GPU, saying why, under a free name', async () => {
    const { w, ran, went } = bench();
    await new Promise((r) => setTimeout(r, 0));
    expect(w.demo).toEqual({
      preset: 'cpu',
      reason: expect.stringContaining('WebGPU is unavailable (navigator.gpu is undefined)'),
    });
    await w.runDemo();
    await w.runDemo();
    const names = (await storage.getAllStudies()).map((s) => s.studyName).sort();
    expect(names).toEqual(['demo-cpu', 'demo-cpu (2)']);
    expect(ran).toHaveLength(2);
    expect(went[0]).toEqual({ view: 'run', studyId: ran[0] });
  });

  it('refuses an invalid configuration and a taken name, saying so', async () => {
    const { w, ran } = bench();
    await w.start({ ...smokeStudyConfig(), epochs: 0 });
    expect(w.startError).toBe('The configuration is invalid:\nepochs: Enter a whole number of at least 1 (got 0)');
    await w.start(smokeStudyConfig());
    await w.start(smokeStudyConfig());
    expect(w.startError).toBe('A study named "smoke" already exists: choose another name.');
    expect(ran).toHaveLength(1);
  });

  it('gives an imported study a configuration and continues it', async () => {
    const { w, ran } = bench();
    const [id] = await library.importJournal(FIXTURE, 'a.log');
    await w.continueWith(id!, { ...smokeStudyConfig(), name: 'demo' });
    expect(ran).toEqual([id]);
    expect((await storage.getStudyUserAttrs(id!))[CONFIG_ATTR]).toMatchObject({ nTrials: 3 });
  });
});
