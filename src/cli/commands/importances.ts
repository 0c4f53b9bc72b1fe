/**
 * `npm run --silent cli -- importances --journal FILE [--study NAME] [--seed S] [--json]`
 *
 * fANOVA importances of a study's COMPLETE trials, as
 * `optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=S))`
 * returns them (engine/importance/evaluator.ts). Without --seed a fresh seed is drawn, as Optuna's
 * None; it is written to stderr so that the numbers can be reproduced. With --json prints
 * {"<param>": importance, ...}, most important first.
 */
import { access } from 'node:fs/promises';
import { evaluateFanova, JournalStorage, TrialState } from '../../engine/index.ts';
import { JournalFileBackend } from '../../persistence/node/index.ts';
import { UsageError, optFlag, optSeed, optString, printJson, rejectPositional } from '../args.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';

export const USAGE: CommandUsage = {
  name: 'importances',
  summary: "fANOVA parameter importances of a journal's study, as Optuna's get_param_importances",
  synopsis: ['--journal FILE [options]'],
  options: [
    { name: 'journal', value: 'FILE', help: 'Optuna journal file to read (required; not written)' },
    { name: 'study', value: 'NAME', help: 'study in the journal (required when it holds more than one)' },
    { name: 'seed', value: 'S', help: "forest seed, 0..4294967295 (a fresh one, printed to stderr, as Optuna's None)" },
    { name: 'json', help: 'print {"<param>": importance} as one JSON object on the last line' },
  ],
  notes: 'Uses the COMPLETE trials with a finite value and every parameter of the intersection search space.',
};

export async function run(argv: string[]): Promise<number> {
  const p = parseWithSpec(argv, USAGE.options);
  rejectPositional(p);
  const file = optString(p, 'journal');
  if (file === undefined) throw new UsageError('--journal FILE is required');
  const seed = optSeed(p);
  try {
    await access(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  try {
    const studies = await storage.getAllStudies();
    const requested = optString(p, 'study');
    const study = requested === undefined ? (studies.length === 1 ? studies[0] : undefined) : studies.find((s) => s.studyName === requested);
    if (study === undefined) {
      const names = studies.map((s) => s.studyName).join(', ') || 'none';
      throw new Error(requested === undefined ? `the journal holds ${studies.length} studies (${names}); pick one with --study NAME` : `no study "${requested}" in ${file} (studies: ${names})`);
    }
    const trials = await storage.getAllTrials(study.studyId, [TrialState.COMPLETE]);
    const result = evaluateFanova(trials, undefined, seed === undefined ? {} : { seed });
    if (seed === undefined) process.stderr.write(`fANOVA seed: ${result.seed}\n`);
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
