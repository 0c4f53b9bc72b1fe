/** Compare's loading and refusals over the engine's in-memory storage, and the library's ticks. */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createStudy, InMemoryStorage, StudyDirection, TrialState } from '../../../src/engine/index.ts';
import { openIdbStorage } from '../../../src/persistence/idb-storage.ts';
import { StudyLibrary } from '../../../src/state/library.svelte.ts';
import { StudyCompare } from '../../../src/state/study-compare.svelte.ts';

const FLOAT = { x: { type: 'float', low: 0, high: 1, log: false, step: null } } as const;

async function study(
  storage: InMemoryStorage,
  name: string,
  values: (number | null)[],
  direction: 'minimize' | 'maximize' | ['minimize', 'minimize'] = 'minimize',
): Promise<number> {
  // Two objectives straight through the storage: the study API of this branch takes one direction.
  const id = Array.isArray(direction)
    ? await storage.createNewStudy([StudyDirection.MINIMIZE, StudyDirection.MINIMIZE], name)
    : (await createStudy({ storage, studyName: name, direction })).studyId;
  for (const [k, v] of values.entries())
    await storage.createNewTrial(id, {
      state: v === null ? TrialState.FAIL : TrialState.COMPLETE,
      values: v === null ? null : Array.isArray(direction) ? [v, v] : [v],
      paramsInternal: { x: k / 10 },
      distributions: FLOAT,
    });
  return id;
}

describe('StudyCompare', () => {
  it('loads the studies in the order asked, leaving out (and naming) one without a completed trial', async () => {
    const storage = new InMemoryStorage();
    const a = await study(storage, 'A', [3, 2]);
    const b = await study(storage, 'B', [4, null, 1]);
    const c = await study(storage, 'C', [null]);
    const compare = new StudyCompare(storage);
    await compare.load([b, a, c]);
    const st = compare.state;
    expect(st.status).toBe('ready');
    if (st.status !== 'ready') return;
    expect(st.studies.map((s) => [s.name, s.direction, s.trials.length])).toEqual([
      ['B', 'minimize', 3],
      ['A', 'minimize', 2],
    ]);
    expect(st.note).toBe('“C” has no completed trial yet and is left out.');
  });

  it('says in a sentence what cannot be compared', async () => {
    const storage = new InMemoryStorage();
    const a = await study(storage, 'A', [3]);
    const up = await study(storage, 'Up', [1], 'maximize');
    const mo = await study(storage, 'Two objectives', [1], ['minimize', 'minimize']);
    const none = await study(storage, 'Empty', [null]);
    const compare = new StudyCompare(storage);
    const reason = async (ids: number[]): Promise<string> => {
      await compare.load(ids);
      const st = compare.state;
      return st.status === 'refused' ? st.reason : `not refused: ${st.status}`;
    };
    expect(await reason([a])).toBe('Choose at least two different studies to compare.');
    expect(await reason([a, a])).toBe('Choose at least two different studies to compare.');
    expect(await reason([a, 99])).toMatch(/^No study with id 99 in this browser's library/);
    expect(await reason([a, mo])).toBe(
      '“Two objectives” has several objectives: the comparison plots one objective per study.',
    );
    expect(await reason([a, up])).toBe(
      'These studies optimize in different directions (“A” minimize, “Up” maximize): their best values cannot be compared.',
    );
    expect(await reason([none, none + 0, none])).toBe('Choose at least two different studies to compare.');
    const none2 = await study(storage, 'Empty too', [null]);
    expect(await reason([none, none2])).toBe('None of these studies has a completed trial yet.');
  });
});

describe('the library ticks studies for Compare', () => {
  it('in the order ticked; untick; a deleted study drops out', async () => {
    const storage = await openIdbStorage(`cmp-${Math.random()}`);
    const library = new StudyLibrary(storage, {
      deleteStudy: async () => 0,
      list: async () => [],
      load: async () => undefined,
      save: async () => undefined,
    });
    const ids = [];
    for (const n of ['A', 'B', 'C']) ids.push((await createStudy({ storage, studyName: n })).studyId);
    await library.refresh();
    library.toggleSelected(ids[2]!);
    library.toggleSelected(ids[0]!);
    library.toggleSelected(ids[1]!);
    expect(library.selected).toEqual([ids[2], ids[0], ids[1]]);
    library.toggleSelected(ids[0]!);
    expect(library.selected).toEqual([ids[2], ids[1]]);
    expect(library.isSelected(ids[0]!)).toBe(false);
    await library.delete(ids[2]!);
    expect(library.selected).toEqual([ids[1]]);
    storage.close();
  });
});
