/**
 * NSGA-II's survival step against the real Optuna 5.0.0 (one Python run for the file): on fixed
 * populations written to journals, the elite population `NSGAIIElitePopulationSelectionStrategy`
 * selects, the fronts of `_rank_population`, the crowding distances of `_calc_crowding_distance`, and
 * `_constrained_dominates` for every pair. Populations hold repeated values, ties in one objective,
 * infinite values, and (second study) violated and satisfied constraints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createStudy,
  floatDistribution,
  JournalStorage,
  TrialState,
  type DirectionName,
  type FrozenTrial,
  type JsonValue,
} from '../../../../../src/engine/index.ts';
import {
  constrainedDominates,
  crowdingDistance,
  isConstrained,
  rankPopulation,
  selectElitePopulation,
} from '../../../../../src/engine/samplers/nsgaii/elite.ts';
import { JournalFileBackend } from '../../../../../src/persistence/node/index.ts';
import { askOptuna5, mulberry32, num } from '../../multi-objective/optuna5.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'dmc-nsga2-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` COMPLETE trials with values on a coarse grid (ties), a few repeats and infinities. */
function population(seed: number, count: number, nObjectives: number, constrained: boolean) {
  const u = mulberry32(seed);
  return Array.from({ length: count }, (_, k) => {
    let values = Array.from({ length: nObjectives }, () => Math.floor(u() * 7) / 2);
    if (k % 10 === 9) values = values.map((v, i) => (i === 0 ? Infinity : v));
    if (k % 10 === 6) values[1] = -Infinity;
    const systemAttrs: Record<string, JsonValue> = {};
    if (constrained && k % 3 === 0) systemAttrs['constraints:mem'] = Math.floor(u() * 4) - 1;
    if (constrained && k % 5 === 0) systemAttrs.constraints = [Math.floor(u() * 3) / 2];
    return { values, systemAttrs };
  });
}

const CASES: { name: string; directions: DirectionName[]; size: number; constrained: boolean; count: number }[] = [
  { name: 'three', directions: ['minimize', 'minimize', 'minimize'], size: 12, constrained: false, count: 40 },
  { name: 'two-max', directions: ['minimize', 'maximize'], size: 9, constrained: false, count: 30 },
  { name: 'constrained', directions: ['minimize', 'minimize'], size: 14, constrained: true, count: 36 },
];

interface PyNsga2 {
  constrained: boolean;
  elite: number[];
  fronts: number[][];
  crowding: Record<string, number | string>[];
  dominates: number[][];
}

describe("NSGA-II's elite selection against Optuna 5.0.0", () => {
  it('elite population, fronts, crowding distances and constrained domination equal Optuna', async () => {
    const studies: { file: string; trials: FrozenTrial[] }[] = [];
    for (const c of CASES) {
      const file = path.join(dir, `${c.name}.log`);
      const storage = new JournalStorage(await JournalFileBackend.open(file));
      const study = await createStudy({ studyName: c.name, storage, directions: c.directions });
      for (const p of population(c.name.length * 101, c.count, c.directions.length, c.constrained))
        await study.addTrial({
          state: TrialState.COMPLETE,
          values: p.values,
          paramsInternal: { x: 0.5 },
          distributions: { x: floatDistribution(0, 1) },
          systemAttrs: p.systemAttrs,
        });
      studies.push({ file, trials: await study.getTrials() });
    }
    const py = askOptuna5<{ nsga2: PyNsga2[] }>({
      nsga2: CASES.map((c, i) => ({ file: studies[i]!.file, study: c.name, population_size: c.size })),
    });
    expect(py.optuna).toBe('5.0.0');
    CASES.forEach((c, i) => {
      const answer = py.nsga2[i]!;
      const trials = studies[i]!.trials;
      const numbers = (ts: readonly FrozenTrial[]): number[] => ts.map((t) => t.number);
      expect(isConstrained(trials), c.name).toBe(answer.constrained);
      const fronts = rankPopulation(trials, c.directions, answer.constrained);
      expect(fronts.map(numbers), `${c.name} fronts`).toEqual(answer.fronts);
      fronts.forEach((front, r) => {
        const { distance } = crowdingDistance(front);
        for (const [n, d] of Object.entries(answer.crowding[r]!)) {
          const ours = distance.get(Number(n)) ?? 0;
          if (Number.isFinite(num(d))) expect(ours, `${c.name} rank ${r} trial ${n}`).toBeCloseTo(num(d), 12);
          else expect(ours, `${c.name} rank ${r} trial ${n}`).toBe(num(d));
        }
      });
      expect(numbers(selectElitePopulation(trials, c.directions, c.size)), `${c.name} elite`).toEqual(answer.elite);
      const ours = trials.map((a) => trials.flatMap((b, j) => (constrainedDominates(a, b, c.directions) ? [j] : [])));
      expect(ours, `${c.name} constrained domination`).toEqual(answer.dominates);
      console.log(`NSGA-II ${c.name}: ${fronts.length} fronts, elite of ${c.size}: ${JSON.stringify(answer.elite)}`);
    });
  });
});
