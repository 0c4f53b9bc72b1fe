/**
 * `npm run --silent cli -- importances --journal FILE [--study NAME] [--evaluator ped-anova|fanova] [--seed S] [--json]`
 *
 * Parameter importances of a study's COMPLETE trials, as `optuna.importance.get_param_importances`
 * returns them: by default PED-ANOVA, Optuna 5.0's default evaluator (engine/importance/ped-anova.ts;
 * deterministic, the study's direction from the journal); with `--evaluator fanova`,
 * `FanovaImportanceEvaluator(seed=S)` (engine/importance/evaluator.ts) — without --seed a fresh seed is
 * drawn, as Optuna's None, and written to stderr so that the numbers can be reproduced. With --json
 * prints {"<param>": importance, ...}, most important first.
 */
import { access } from 'node:fs/promises';
import { evaluateFanova, JournalStorage, pedAnovaImportances, StudyDirection, TrialState } from '../../engine/index.ts';
import { JournalFileBackend } from '../../persistence/node/index.ts';
import { UsageError, optFlag, optSeed, optString, printJson, rejectPositional } from '../args.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';

export const USAGE: CommandUsage = {
  name: 'importances',
  summary: "parameter importances of a journal's study (PED-ANOVA or fANOVA), as Optuna's get_param_importances",
  synopsis: ['--journal FILE [options]'],
  options: [
    { name: 'journal', value: 'FILE', help: 'Optuna journal file to read (required; not written)' },
    { name: 'study', value: 'NAME', help: 'study in the journal (required when it holds more than one)' },
    {
      name: 'evaluator',
      value: 'ped-anova|fanova',
      help: "PED-ANOVA (default, Optuna 5's) or fANOVA (Optuna ≤ 4.x's default)",
    },
    {
      name: 'seed',
      value: 'S',
      help: "fANOVA's forest seed, 0..4294967295 (a fresh one, printed to stderr, as Optuna's None)",
    },
    { name: 'json', help: 'print {"<param>": importance} as one JSON object on the last line' },
  ],
  notes:
    'Uses the COMPLETE trials with a finite value. PED-ANOVA assesses every parameter they have (conditional ones too) and needs no seed; ' +
    'fANOVA the parameters of the intersection search space.',
};

export async function run(argv: string[]): Promise<number> {
  const p = parseWithSpec(argv, USAGE.options);
  rejectPositional(p);
  const file = optString(p, 'journal');
  if (file === undefined) throw new UsageError('--journal FILE is required');
  const seed = optSeed(p);
  const evaluator = optString(p, 'evaluator') ?? 'ped-anova';
  if (evaluator !== 'ped-anova' && evaluator !== 'fanova')
    throw new UsageError(`--evaluator must be ped-anova or fanova (got ${JSON.stringify(evaluator)})`);
  if (seed !== undefined && evaluator !== 'fanova')
    throw new UsageError('--seed applies to --evaluator fanova only (PED-ANOVA is deterministic)');
  try {
    await access(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  try {
    const studies = await storage.getAllStudies();
    const requested = optString(p, 'study');
    const study =
      requested === undefined
        ? studies.length === 1
          ? studies[0]
          : undefined
        : studies.find((s) => s.studyName === requested);
    if (study === undefined) {
      const names = studies.map((s) => s.studyName).join(', ') || 'none';
      throw new Error(
        requested === undefined
          ? `the journal holds ${studies.length} studies (${names}); pick one with --study NAME`
          : `no study "${requested}" in ${file} (studies: ${names})`,
      );
    }
    const trials = await storage.getAllTrials(study.studyId, [TrialState.COMPLETE]);
    let importances;
    if (evaluator === 'fanova') {
      const result = evaluateFanova(trials, undefined, seed === undefined ? {} : { seed });
      if (seed === undefined) process.stderr.write(`fANOVA seed: ${result.seed}\n`);
      importances = result.importances;
    } else {
      if (study.directions.length !== 1)
        throw new Error(
          `PED-ANOVA here takes one objective; study "${study.studyName}" has ${study.directions.length}`,
        );
      importances = pedAnovaImportances(trials, {
        direction: study.directions[0] === StudyDirection.MAXIMIZE ? 'maximize' : 'minimize',
      });
    }
    const result = { importances };
    if (optFlag(p, 'json')) {
      printJson(Object.fromEntries(result.importances.map((i) => [i.name, i.importance])));
    } else {
      const width = Math.max(...result.importances.map((i) => i.name.length), 9);
      process.stdout.write(`${'parameter'.padEnd(width)}  importance\n`);
      for (const i of result.importances) process.stdout.write(`${i.name.padEnd(width)}  ${i.importance.toFixed(4)}\n`);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
