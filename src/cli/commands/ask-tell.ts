/**
 * `npm run --silent cli -- ask-tell --space SPACE.json [--sampler tpe|random] [--seed S]
 *   [--multivariate] [--constant-liar] [--direction minimize|maximize] [--journal FILE] [--study NAME]`
 *
 * Ask/tell over stdin/stdout (Optuna's `optuna ask` / `optuna tell` CLI, PR #2817, in
 * one loop): print one line `{"number": k, "params": {...}}` (external values), then read one line —
 * a number (COMPLETE; "nan" fails the trial as Optuna does), `pruned` or `fail`. Stops at EOF.
 * SPACE.json uses Optuna's abbreviated distribution JSON: `{"x": {"type": "float", "low": 0,
 * "high": 1, "log": false}, "n": {"type": "int", "low": 1, "high": 8}, "c": {"type":
 * "categorical", "choices": [16, 32]}}`.
 *
 * With --journal every step is appended to an Optuna journal file, and a later run continues the same
 * study (Python Optuna can open the file too). A trial printed but not answered when input ends goes
 * back to WAITING, so the next run — ours or Optuna's — offers it first with the same params.
 * A continued run keeps the seed: draws are derived from (seed, trial number), so a stopped and
 * continued seeded run proposes what one uninterrupted run would, and never repeats an earlier point.
 * A SPACE.json that contradicts the journal's distributions is refused before any trial starts.
 * SIGINT / SIGTERM while a trial waits for its answer end that trial FAIL, its reason recorded, before
 * exiting. Exit codes: 0 at EOF, 2 for bad arguments, 1 for an unreadable or invalid SPACE.json, a
 * journal it contradicts or a bad answer, 130 / 143 after SIGINT / SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  checkDistributionCompatibility,
  createStudy,
  type Distribution,
  distributionToJson,
  distributionFromJsonValue,
  EngineError,
  InMemoryStorage,
  JournalStorage,
  type JsonValue,
  NopPruner,
  type ParamValue,
  parsePyJson,
  pyFloat,
  pyJson,
  pyObject,
  PYTHON_DEFAULT,
  RandomSampler,
  type Sampler,
  setWarningHandler,
  type Storage,
  TPESampler,
  TrialState,
} from '../../engine/index.ts';
import { UsageError, optFlag, optSeed, optString, rejectPositional } from '../args.ts';
import { JournalFileBackend } from '../../persistence/node/index.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';

const DEFAULT_STUDY = 'ask-tell';

export const USAGE: CommandUsage = {
  name: 'ask-tell',
  summary: 'interactive Optuna ask/tell loop over stdin/stdout',
  synopsis: ['--space SPACE.json [options]'],
  options: [
    { name: 'space', value: 'SPACE.json', help: "search space in Optuna's distribution JSON (required)" },
    { name: 'sampler', value: 'tpe|random', help: 'sampler (tpe)' },
    { name: 'seed', value: 'S', help: 'sampler seed, 0..4294967295' },
    { name: 'multivariate', help: 'multivariate TPE' },
    { name: 'constant-liar', help: "TPE's constant liar: other writers' RUNNING trials count as the worst value" },
    {
      name: 'direction',
      value: 'minimize|maximize',
      help: "a new study's direction (minimize; a continued study keeps its own)",
    },
    { name: 'journal', value: 'FILE', help: 'append every step to this Optuna journal; a later run continues it' },
    { name: 'study', value: 'NAME', help: `study in the journal (${DEFAULT_STUDY}, or the only one there)` },
  ],
  notes:
    'Prints {"number": k, "params": {...}} per trial and reads one answer line: a number, pruned or fail.\n' +
    'Stops at end of input; an unanswered trial is offered again by the next run.\n' +
    'SIGINT or SIGTERM while waiting for an answer marks the open trial FAIL (reason recorded), then exits 130 / 143.',
};

/** Parses SPACE.json text into distributions, naming the file, parameter and Optuna's message on error. */
export function parseSearchSpace(text: string, file = 'SPACE.json'): Record<string, Distribution> {
  let raw: unknown;
  try {
    raw = parsePyJson(text);
  } catch (e) {
    throw new Error(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${file}: expected an object mapping parameter names to distributions`);
  }
  const space: Record<string, Distribution> = {};
  for (const [name, spec] of Object.entries(raw as Record<string, JsonValue>)) {
    try {
      space[name] = distributionFromJsonValue(spec);
    } catch (e) {
      throw new Error(`${file}: parameter "${name}": ${(e as Error).message}`);
    }
  }
  if (Object.keys(space).length === 0) throw new Error(`${file}: the search space defines no parameters`);
  return space;
}

/** `{"number": k, "params": {...}}` with Python's separators and value types. */
export function formatTrialLine(
  number: number,
  params: Readonly<Record<string, ParamValue>>,
  space: Record<string, Distribution>,
): string {
  const fields = Object.entries(params).map(([k, v]): [string, string] => {
    const d = space[k];
    return [k, d?.type === 'float' && typeof v === 'number' ? pyFloat(v) : pyJson(v, PYTHON_DEFAULT)];
  });
  return pyObject(
    [
      ['number', String(number)],
      ['params', pyObject(fields, PYTHON_DEFAULT)],
    ],
    PYTHON_DEFAULT,
  );
}

export type Answer =
  { state: typeof TrialState.COMPLETE; value: number } | { state: typeof TrialState.PRUNED | typeof TrialState.FAIL };

/** A number (Python float syntax, "inf"/"nan" included), `pruned` or `fail`. */
export function parseAnswer(line: string): Answer | null {
  const s = line.trim().toLowerCase();
  if (s === 'pruned') return { state: TrialState.PRUNED };
  if (s === 'fail') return { state: TrialState.FAIL };
  const special: Record<string, number> = {
    nan: NaN,
    inf: Infinity,
    '+inf': Infinity,
    '-inf': -Infinity,
    infinity: Infinity,
    '+infinity': Infinity,
    '-infinity': -Infinity,
  };
  if (s in special) return { state: TrialState.COMPLETE, value: special[s] as number };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return null;
  return { state: TrialState.COMPLETE, value: Number(s) };
}

export interface AskTellOptions {
  space: Record<string, Distribution>;
  storage: Storage;
  sampler: 'tpe' | 'random';
  seed?: number;
  multivariate: boolean;
  /** TPE's constant liar (Optuna's default, off): RUNNING trials of other writers count as the worst. */
  constantLiar?: boolean;
  /** Undefined: minimize for a new study, whatever the study has when continuing. */
  direction?: 'minimize' | 'maximize';
  studyName?: string;
  /**
   * Aborted by SIGINT / SIGTERM: the trial waiting for an answer ends FAIL with the abort's reason
   * (a string) recorded, and the loop returns `interruptedExitCode`.
   */
  signal?: AbortSignal;
}

/** Exit codes of a loop ended by a signal, as a shell reports them (128 + signal number). */
export const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Refuses a SPACE.json whose distribution for a parameter cannot join the one the study already
 * uses (Optuna's rule: same kind, log flag and categorical choices), before any trial is popped:
 * otherwise the trial would be taken from the queue and then stranded RUNNING when the parameter is
 * set.
 */
async function checkSpaceAgainstStudy(
  storage: Storage,
  studyId: number,
  studyName: string,
  space: Record<string, Distribution>,
): Promise<void> {
  const seen = new Set<string>();
  for (const t of await storage.getAllTrials(studyId)) {
    for (const [name, stored] of Object.entries(t.distributions)) {
      const mine = space[name];
      if (mine === undefined || seen.has(name)) continue;
      seen.add(name);
      try {
        checkDistributionCompatibility(stored, mine);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        throw new Error(
          `SPACE.json: parameter "${name}": ${distributionToJson(mine)} conflicts with ${distributionToJson(stored)}, ` +
            `which study "${studyName}" in the journal uses since trial ${t.number} (${e.message}); no trial was started`,
        );
      }
    }
  }
}

/** The next line, or the abort's reason when the signal fires first. */
function nextOrAbort(
  lines: AsyncIterator<string>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<string> | { aborted: string }> {
  const next = lines.next();
  if (signal === undefined) return next;
  const reasonOf = (): { aborted: string } => ({ aborted: String(signal.reason) });
  if (signal.aborted) return Promise.resolve(reasonOf());
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(reasonOf());
    signal.addEventListener('abort', onAbort, { once: true });
    next.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function chooseStudyName(storage: Storage, requested: string | undefined): Promise<string> {
  if (requested !== undefined) return requested;
  const studies = await storage.getAllStudies();
  if (studies.length === 0) return DEFAULT_STUDY;
  if (studies.length === 1) return studies[0]!.studyName;
  if (studies.some((s) => s.studyName === DEFAULT_STUDY)) return DEFAULT_STUDY;
  throw new Error(
    `the journal holds ${studies.length} studies (${studies.map((s) => s.studyName).join(', ')}); pick one with --study NAME`,
  );
}

/** The loop itself, over any line source and sink (the command wires stdin/stdout). */
export async function askTellLoop(
  opts: AskTellOptions,
  lines: AsyncIterator<string>,
  write: (line: string) => Promise<void>,
): Promise<number> {
  const studyName = await chooseStudyName(opts.storage, opts.studyName);
  try {
    const id = await opts.storage.getStudyIdFromName(studyName);
    const directions = await opts.storage.getStudyDirections(id);
    if (directions.length > 1)
      throw new Error(
        `study "${studyName}" in the journal has ${directions.length} objectives; ask-tell tells one value per trial`,
      );
    const dir = directions[0] === 2 ? 'maximize' : 'minimize';
    if (opts.direction !== undefined && opts.direction !== dir) {
      throw new Error(`study "${studyName}" in the journal is ${dir}d; --direction ${opts.direction} contradicts it`);
    }
    await checkSpaceAgainstStudy(opts.storage, id, studyName, opts.space);
  } catch (e) {
    if (!(e instanceof EngineError && e.code === 'not-found')) throw e;
  }
  const seed = opts.seed;
  const sampler: Sampler =
    opts.sampler === 'random'
      ? new RandomSampler({ seed })
      : new TPESampler({ seed, multivariate: opts.multivariate, constantLiar: opts.constantLiar ?? false });
  const study = await createStudy({
    studyName,
    direction: opts.direction ?? 'minimize',
    sampler,
    pruner: new NopPruner(),
    storage: opts.storage,
    loadIfExists: true,
  });
  for (;;) {
    const trial = await study.ask(opts.space);
    await write(formatTrialLine(trial.number, trial.params, opts.space) + '\n');
    let answer: Answer | null = null;
    while (answer === null) {
      const next = await nextOrAbort(lines, opts.signal);
      if ('aborted' in next) {
        await study.tellInternal(trial, null, TrialState.FAIL, { failReason: next.aborted, suppressWarning: true });
        return SIGNAL_EXIT_CODES[next.aborted.split(' ')[0] ?? ''] ?? 1;
      }
      if (next.done === true) {
        // Unanswered: back to the queue, params kept, so the next run offers it first.
        await opts.storage.setTrialStateValues(trial.trialId, TrialState.WAITING);
        return 0;
      }
      if (next.value.trim() === '') continue;
      answer = parseAnswer(next.value);
      if (answer === null) {
        await opts.storage.setTrialStateValues(trial.trialId, TrialState.WAITING);
        throw new Error(
          `trial ${trial.number}: expected a number, 'pruned' or 'fail', got ${JSON.stringify(next.value)}`,
        );
      }
    }
    if (answer.state === TrialState.COMPLETE) await study.tell(trial, answer.value);
    else await study.tell(trial, null, answer.state);
  }
}

export async function run(argv: string[]): Promise<number> {
  let storage: Storage | undefined;
  const previous = setWarningHandler((m) => process.stderr.write(`warning: ${m}\n`));
  try {
    const p = parseWithSpec(argv, USAGE.options);
    rejectPositional(p);
    const spaceFile = optString(p, 'space');
    if (spaceFile === undefined) throw new UsageError('--space SPACE.json is required');
    const sampler = optString(p, 'sampler') ?? 'tpe';
    if (sampler !== 'tpe' && sampler !== 'random')
      throw new UsageError(`option --sampler: '${sampler}' is not tpe or random`);
    const multivariate = optFlag(p, 'multivariate');
    if (multivariate && sampler !== 'tpe') throw new UsageError('--multivariate applies to --sampler tpe only');
    const constantLiar = optFlag(p, 'constant-liar');
    if (constantLiar && sampler !== 'tpe') throw new UsageError('--constant-liar applies to --sampler tpe only');
    const seed = optSeed(p);
    const direction = optString(p, 'direction');
    if (direction !== undefined && direction !== 'minimize' && direction !== 'maximize') {
      throw new UsageError(`option --direction: '${direction}' is not minimize or maximize`);
    }
    let text: string;
    try {
      text = await readFile(spaceFile, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${spaceFile}: ${(e as Error).message}`);
    }
    const space = parseSearchSpace(text, spaceFile);
    const journal = optString(p, 'journal');
    storage =
      journal === undefined ? new InMemoryStorage() : new JournalStorage(await JournalFileBackend.open(journal));
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    const write = (line: string): Promise<void> =>
      new Promise((resolve, reject) => process.stdout.write(line, (err) => (err ? reject(err) : resolve())));
    // A signal while a trial waits for its answer must not leave that trial RUNNING in the journal.
    const interrupt = new AbortController();
    const onSignal = (name: string) => (): void => {
      if (!interrupt.signal.aborted) interrupt.abort(`${name} while waiting for the answer; ask-tell was stopped`);
    };
    const onInt = onSignal('SIGINT');
    const handlers = [
      ['SIGINT', onInt],
      ['SIGTERM', onSignal('SIGTERM')],
    ] as const;
    for (const [name, h] of handlers) process.on(name, h);
    // On a terminal readline takes Ctrl-C as a key; it reaches us as the interface's SIGINT.
    rl.on('SIGINT', onInt);
    try {
      const code = await askTellLoop(
        {
          space,
          storage,
          sampler,
          seed,
          multivariate,
          constantLiar,
          direction,
          studyName: optString(p, 'study'),
          signal: interrupt.signal,
        },
        rl[Symbol.asyncIterator](),
        write,
      );
      if (interrupt.signal.aborted) {
        process.stderr.write(`ask-tell: ${String(interrupt.signal.reason)}; the open trial was marked FAIL\n`);
        // The parent may still hold stdin open; a paused pipe must not keep the process alive.
        process.stdin.destroy();
      }
      return code;
    } finally {
      for (const [name, h] of handlers) process.off(name, h);
      rl.close();
    }
  } finally {
    setWarningHandler(previous);
    await storage?.close();
  }
}
