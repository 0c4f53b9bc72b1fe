/** Everything a study holds, as plain data, so two storages can be compared with toEqual. */
import type { Storage } from '../../../../../src/engine/storages/storage.ts';

export async function studyContent(storage: Storage) {
  const out = [];
  for (const s of await storage.getAllStudies()) {
    const trials = await storage.getAllTrials(s.studyId);
    out.push({
      name: s.studyName,
      directions: [...s.directions],
      userAttrs: await storage.getStudyUserAttrs(s.studyId),
      systemAttrs: await storage.getStudySystemAttrs(s.studyId),
      trials: trials.map((t) => ({
        number: t.number,
        state: t.state,
        values: t.values === null ? null : [...t.values],
        datetimeStart: t.datetimeStart,
        datetimeComplete: t.datetimeComplete,
        params: { ...t.params },
        distributions: { ...t.distributions },
        userAttrs: { ...t.userAttrs },
        systemAttrs: { ...t.systemAttrs },
        intermediateValues: [...t.intermediateValues.entries()],
      })),
    });
  }
  return out;
}
