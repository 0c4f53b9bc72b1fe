/**
 * Test page for test/e2e/idb-*.test.ts: exposes the IndexedDB study library and the engine on
 * `window.idbApi` so Playwright can drive real page reloads and several pages on one study.
 */
import {
  RandomSampler,
  TrialState,
  createStudy,
  popWaitingTrial,
  floatDistribution,
  intDistribution,
  type FrozenTrial,
} from '../../../src/engine/index.ts';
import { EngineError } from '../../../src/engine/types.ts';
import { IdbStorage } from '../../../src/persistence/idb-storage.ts';

let storage: IdbStorage | null = null;

function lib(): IdbStorage {
  if (storage === null) throw new Error('call idbApi.open(db) first');
  return storage;
}

async function studyId(name: string): Promise<number> {
  return lib().getStudyIdFromName(name);
}

/** A FrozenTrial as plain data (Playwright cannot return Maps). */
function plain(t: FrozenTrial) {
  return { ...t, intermediateValues: [...t.intermediateValues.entries()] };
}

const X = floatDistribution(0, 1);
const N = intDistribution(1, 8);

const api = {
  async open(db: string): Promise<void> {
    storage = await IdbStorage.open(db);
  },
  async createStudy(name: string): Promise<number> {
    return lib().createNewStudy([1], name);
  },
  /** `count` trials with a param, a report and a value tag*1000 + i, each finished COMPLETE. */
  async runTrials(name: string, count: number, tag: number): Promise<number[]> {
    const s = lib();
    const st = await studyId(name);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = await s.createNewTrial(st);
      await s.setTrialParam(t, 'x', (i % 10) / 10, X);
      await s.setTrialParam(t, 'n', 1 + (i % 8), N);
      await s.setTrialIntermediateValue(t, 0, tag + i / 100);
      await s.setTrialUserAttr(t, 'page', tag);
      await s.setTrialStateValues(t, TrialState.COMPLETE, [tag * 1000 + i]);
      ids.push(t);
    }
    return ids;
  },
  async enqueue(name: string, k: number): Promise<void> {
    const st = await studyId(name);
    for (let i = 0; i < k; i++) {
      await lib().createNewTrial(st, {
        state: TrialState.WAITING,
        datetimeStart: null,
        systemAttrs: { fixed_params: { x: i / 10 } },
      });
    }
  },
  /** Pops WAITING trials the way Study.ask does until none is left; returns the ids this page won. */
  async popWaiting(name: string): Promise<number[]> {
    const st = await studyId(name);
    const won: number[] = [];
    for (let id = await popWaitingTrial(lib(), st); id !== null; id = await popWaitingTrial(lib(), st)) {
      won.push(id);
      await lib().setTrialStateValues(id, TrialState.COMPLETE, [-(await lib().getTrial(id)).number]);
    }
    return won;
  },
  /** The engine's optimize loop on the shared study (random search, async objective). */
  async optimize(name: string, nTrials: number, seed: number): Promise<void> {
    const study = await createStudy({
      studyName: name,
      storage: lib(),
      sampler: new RandomSampler({ seed }),
      loadIfExists: true,
    });
    await study.optimize(
      async (t) => {
        const x = await t.suggestFloat('x', 0, 1);
        const n = await t.suggestInt('n', 1, 8);
        return (x - 0.3) ** 2 + n / 100;
      },
      { nTrials },
    );
  },
  /** Leaves a RUNNING trial behind, as a tab closed mid-trial would. */
  async leaveRunning(name: string): Promise<number> {
    const t = await lib().createNewTrial(await studyId(name));
    await lib().setTrialParam(t, 'x', 0.5, X);
    return t;
  },
  async content(name: string) {
    const s = lib();
    const st = await studyId(name);
    return {
      studyId: st,
      userAttrs: await s.getStudyUserAttrs(st),
      trials: (await s.getAllTrials(st)).map(plain),
    };
  },
  async setStudyAttr(name: string, key: string, value: string): Promise<{ code: string; message: string } | null> {
    try {
      await lib().setStudyUserAttr(await studyId(name), key, value);
      return null;
    } catch (e) {
      if (e instanceof EngineError) return { code: e.code, message: e.message };
      throw e;
    }
  },
  async staleTrials(name: string): Promise<number[]> {
    return (await lib().staleRunningTrials(await studyId(name))).map((t) => t.trialId);
  },
  async failStale(name: string): Promise<number[]> {
    return lib().failStaleTrials(await studyId(name));
  },
  async close(): Promise<void> {
    await storage?.close();
    storage = null;
  },
};

export type IdbPageApi = typeof api;

(window as unknown as { idbApi: IdbPageApi }).idbApi = api;
document.getElementById('status')!.textContent = 'ready';
