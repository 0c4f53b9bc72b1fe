/**
 * `npm run --silent cli -- journal best FILE [--study NAME] [--json]`: a journal's best trials, per
 * study, as Optuna 5 reports them: a single-objective study's best trial (`best_trial`), a multi-objective
 * study's Pareto set (`best_trials`: the non-dominated COMPLETE trials, only feasible ones when any trial
 * carries constraints), each with its values and parameters, and in a dmc-tune Pareto study the weighted
 * sum's best (the feasible trial with the lowest recorded L).
 */
import { readFile } from 'node:fs/promises';
import {
  importJournal,
  isFeasible,
  JournalStorage,
  MemoryJournalBackend,
  paretoFrontTrials,
  StudyDirection,
  trialConstraints,
  TrialState,
  type DirectionName,
  type FrozenTrial,
  type JsonValue,
  type ParamValue,
} from '../../engine/index.ts';
import { printJson } from '../args.ts';
import type { CommandSpec } from '../usage.ts';

export const BEST: CommandSpec = {
  name: 'journal best',
  summary: "a journal's best trial per study, or its Pareto set (Optuna's best_trials) for several objectives",
  synopsis: ['FILE [options]'],
  options: [
    { name: 'study', value: 'NAME', help: 'only this study (default: every study in the journal)' },
    { name: 'json', help: 'print one JSON object instead of text' },
  ],
};

interface BestTrial {
  number: number;
  values: number[];
  params: Record<string, ParamValue>;
  /** The weighted sum L the trial recorded (dmc-tune studies), or null. */
  L: number | null;
}

interface StudyBest {
  study: string;
  directions: DirectionName[];
  metricNames: string[] | null;
  /** One trial for a single objective, the Pareto set otherwise; empty when nothing completed. */
  best: BestTrial[];
  /** A multi-objective study's trial with the lowest recorded L, or null. */
  weightedSumBest: number | null;
}

const lOf = (t: FrozenTrial): number | null => {
  const l: JsonValue | undefined = t.userAttrs['L'];
  return typeof l === 'number' ? l : null;
};

export function bestOfStudy(
  name: string,
  directions: DirectionName[],
  trials: FrozenTrial[],
  metricNames: string[] | null,
): StudyBest {
  const done = trials.filter((t) => t.state === TrialState.COMPLETE && t.values?.length === directions.length);
  const constrained = trials.some((t) => Object.keys(trialConstraints(t)).length > 0);
  let best: FrozenTrial[];
  if (directions.length === 1) {
    // Optuna's best_trial: the best value among COMPLETE trials (feasible ones when constrained), the first on a tie.
    const sign = directions[0] === 'maximize' ? -1 : 1;
    const pool = (constrained ? done.filter(isFeasible) : done).filter((t) => !Number.isNaN(t.values![0]!));
    const top = pool.reduce<FrozenTrial | null>(
      (b, t) => (b === null || sign * t.values![0]! < sign * b.values![0]! ? t : b),
      null,
    );
    best = top === null ? [] : [top];
  } else best = paretoFrontTrials(done, directions, constrained).sort((a, b) => a.number - b.number);
  let wsb: FrozenTrial | null = null;
  if (directions.length > 1)
    for (const t of done.filter(isFeasible)) {
      const l = lOf(t);
      if (l !== null && Number.isFinite(l) && (wsb === null || l < lOf(wsb)!)) wsb = t;
    }
  return {
    study: name,
    directions,
    metricNames,
    best: best.map((t) => ({ number: t.number, values: [...t.values!], params: { ...t.params }, L: lOf(t) })),
    weightedSumBest: wsb?.number ?? null,
  };
}

function text(b: StudyBest): string {
  const names = b.metricNames ?? b.directions.map((_, k) => (b.directions.length === 1 ? 'value' : `values_${k}`));
  const fmt = (t: BestTrial): string =>
    `  trial ${t.number}: ${t.values.map((v, k) => `${names[k]} ${v}`).join(', ')}` +
    (b.directions.length > 1 && t.L !== null ? `, L ${t.L}` : '') +
    `\n    params ${JSON.stringify(t.params)}\n`;
  if (b.directions.length === 1)
    return b.best.length === 0
      ? `${b.study}: no complete trial\n`
      : `${b.study}: best trial (${b.directions[0]})\n${fmt(b.best[0]!)}`;
  const head = `${b.study}: ${b.best.length} best trial${b.best.length === 1 ? '' : 's'}, the Pareto set (${names.join(', ')}; ${b.directions.join(', ')})\n`;
  const wsb = b.weightedSumBest === null ? '' : `  weighted sum's best (lowest L): trial ${b.weightedSumBest}\n`;
  return head + b.best.map(fmt).join('') + wsb;
}

export async function best(file: string, study: string | undefined, json: boolean): Promise<number> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const storage = new JournalStorage(new MemoryJournalBackend());
  await importJournal(source, storage);
  const studies = await storage.getAllStudies();
  const chosen = study === undefined ? studies : studies.filter((s) => s.studyName === study);
  if (chosen.length === 0)
    throw new Error(
      study === undefined
        ? `${file} holds no study`
        : `${file} has no study "${study}" (it has ${studies.map((s) => `"${s.studyName}"`).join(', ')})`,
    );
  const out: StudyBest[] = [];
  for (const s of chosen) {
    const [directions, trials, attrs] = await Promise.all([
      storage.getStudyDirections(s.studyId),
      storage.getAllTrials(s.studyId),
      storage.getStudySystemAttrs(s.studyId),
    ]);
    const names = attrs['study:metric_names'];
    out.push(
      bestOfStudy(
        s.studyName,
        directions.map((d) => (d === StudyDirection.MAXIMIZE ? 'maximize' : 'minimize')),
        trials,
        Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : null,
      ),
    );
  }
  if (json) printJson(out.length === 1 ? out[0] : out);
  else for (const b of out) process.stdout.write(text(b));
  return 0;
}
